/**
 * CPU profile of a stack process (worker or API) during a benchmark:
 *   BENCH_STACK_ENV='{"NODE_OPTIONS":"--require ./bench/profile/preload.js","PROFILE_DELAY_MS":"15000"}' npm run bench -- lifecycle
 * Starts the V8 sampling profiler PROFILE_DELAY_MS after start (skip start-up) and writes
 * bench/results/profiles/<worker|api>-<pid>.cpuprofile when the process is stopped.
 * Summarize one with `node bench/profile/summarize.js <file>` (or open it in Chrome DevTools).
 */
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');

const name = (process.argv
  .slice(1)
  .join(' ')
  .match(/(worker|api)\/main\.ts/) || [])[1];
if (name) {
  const dir = path.resolve(__dirname, '..', 'results', 'profiles');
  const session = new inspector.Session();
  session.connect();
  let started = false;
  let written = false;
  const write = () => {
    if (!started || written) return;
    written = true;
    session.post('Profiler.stop', (err, res) => {
      if (err || !res) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  };
  setTimeout(
    () => {
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 500 }, () =>
          session.post('Profiler.start', () => (started = true)),
        ),
      );
    },
    Number(process.env.PROFILE_DELAY_MS || 15000),
  ).unref();
  process.prependListener('SIGTERM', write);
  process.on('exit', write);
}
