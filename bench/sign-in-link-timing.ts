/**
 * npx tsx bench/sign-in-link-timing.ts [--requests 200]
 *
 * How long POST /auth/email-link takes for an address with an account and for one without,
 * against the real stack (API and worker processes, PostgreSQL, Temporal): both take the same
 * path (a sign-in row, an outbox row, a delivery workflow; only the known one is sent), so the
 * timings should not tell them apart. Requests alternate known / unknown, each from its own
 * address and client IP (X-Forwarded-For from loopback is believed) so rate limits stay out of
 * the way. Prints the medians, percentiles and the difference of the medians, and a
 * Mann-Whitney U statistic (z): |z| < 2 means no difference a timing attack could rely on.
 */
import { randomBytes } from 'node:crypto';
import { DEMO_USERS } from '../domain/demo';
import { startBenchStack } from './lib/bench-stack';
import { log } from './lib/report';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Mann-Whitney U as a z score (normal approximation, no tie correction). */
function mannWhitneyZ(a: number[], b: number[]): number {
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  let rankA = 0;
  all.forEach((x, i) => {
    if (x.g === 0) rankA += i + 1;
  });
  const u = rankA - (a.length * (a.length + 1)) / 2;
  const mean = (a.length * b.length) / 2;
  const sd = Math.sqrt((a.length * b.length * (a.length + b.length + 1)) / 12);
  return (u - mean) / sd;
}

async function main(): Promise<void> {
  const requests = arg('requests', 200);
  const bench = await startBenchStack({
    label: 'sign-in-link-timing',
    env: { AUTH_MODE: 'dev,email', EMAIL_LINK_LIMIT_PER_ADDRESS: '1000', EMAIL_LINK_LIMIT_PER_IP: '1000' },
  });
  const known = Object.values(DEMO_USERS).map((u) => u.email);
  const times: { known: number[]; unknown: number[] } = { known: [], unknown: [] };
  try {
    const ask = async (email: string, i: number) => {
      const started = process.hrtime.bigint();
      const res = await fetch(`${bench.stack.apiUrl}/auth/email-link`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Forwarded-For': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        },
        body: JSON.stringify({ email, browser: randomBytes(24).toString('base64url') }),
      });
      await res.text();
      if (res.status !== 202) throw new Error(`${email}: ${res.status}`);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    for (let i = 0; i < 20; i++) await ask(i % 2 ? known[i % known.length] : `warmup-${i}@example.org`, 60_000 + i); // warm-up, not counted
    for (let i = 0; i < requests; i++) {
      if (i % 2 === 0) times.known.push(await ask(known[(i / 2) % known.length], i));
      else times.unknown.push(await ask(`nobody-${i}-${randomBytes(3).toString('hex')}@example.org`, i));
    }
  } finally {
    await bench.stop();
  }
  const rows = (['known', 'unknown'] as const).map((k) => {
    const s = [...times[k]].sort((a, b) => a - b);
    return {
      addresses: k,
      n: s.length,
      p50: pct(s, 50).toFixed(1),
      p90: pct(s, 90).toFixed(1),
      p99: pct(s, 99).toFixed(1),
      mean: (s.reduce((a, b) => a + b, 0) / s.length).toFixed(1),
    };
  });
  console.table(rows);
  const median = (k: 'known' | 'unknown') =>
    pct(
      [...times[k]].sort((a, b) => a - b),
      50,
    );
  log(
    `median difference (known - unknown): ${(median('known') - median('unknown')).toFixed(2)} ms; Mann-Whitney z = ${mannWhitneyZ(times.known, times.unknown).toFixed(2)} (|z| < 2: no detectable difference)`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
