import fs from 'node:fs';

/**
 * Memory of the stack's processes. The stack spawns `tsx`, which runs the program in a child
 * `node` process: the pid that matters is the deepest node descendant of the spawned pid.
 */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // process gone
  }
  return out;
}

/** The process that runs the program: the spawned pid, or its (grand)child when tsx forked a node. */
export function programPid(pid: number): number {
  let current = pid;
  for (let depth = 0; depth < 3; depth++) {
    const kids = childrenOf(current).filter((k) => /node|tsx/.test(comm(k)));
    if (!kids.length) return current;
    current = kids[0];
  }
  return current;
}

function comm(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const line = fs
      .readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) : NaN;
  } catch {
    return NaN;
  }
}

export const rssMb = (pid: number) => Math.round(statusKb(pid, 'VmRSS') / 1024);
/** Peak RSS of the process so far (kernel high-water mark). */
export const hwmMb = (pid: number) => Math.round(statusKb(pid, 'VmHWM') / 1024);

/** Samples VmRSS of named processes every `everyMs`; `peak()` is the highest sample since start or resetPeak. */
export class RssSampler {
  private readonly peaks = new Map<string, number>();
  private readonly pids = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly everyMs = 250) {}

  /** Tracks `spawnedPid`'s program process under `name` (call again after a restart). */
  track(name: string, spawnedPid: number | undefined): void {
    if (spawnedPid === undefined) return;
    this.pids.set(name, programPid(spawnedPid));
  }

  start(): this {
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }

  sample(): Record<string, number> {
    const now: Record<string, number> = {};
    for (const [name, pid] of this.pids) {
      const mb = rssMb(pid);
      now[name] = mb;
      if (Number.isFinite(mb)) this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, mb));
    }
    return now;
  }

  current(name: string): number {
    const pid = this.pids.get(name);
    return pid === undefined ? NaN : rssMb(pid);
  }

  peak(name: string): number {
    return this.peaks.get(name) ?? NaN;
  }

  /** Forget the peak of `name` (e.g. before a phase). */
  resetPeak(name: string): void {
    this.peaks.set(name, 0);
  }

  /** Kernel high-water mark of the tracked process (covers spikes between samples, but never resets). */
  highWater(name: string): number {
    const pid = this.pids.get(name);
    return pid === undefined ? NaN : hwmMb(pid);
  }

  stop(): Record<string, number> {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    return Object.fromEntries(this.peaks);
  }
}

/** CPU seconds (user + system) the process used so far; includes reaped children. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11..14] = utime, stime, cutime, cstime (clock ticks, 100 per second on Linux)
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
}

/** CPU used by named processes between `start()` and `stop()`. */
export class CpuMeter {
  private readonly begin = new Map<string, number>();

  constructor(private readonly pids: Record<string, number | undefined>) {}

  start(): this {
    for (const [name, pid] of Object.entries(this.pids)) if (pid !== undefined) this.begin.set(name, cpuSeconds(pid));
    return this;
  }

  stop(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      if (pid === undefined) continue;
      out[name] = Math.round((cpuSeconds(pid) - (this.begin.get(name) ?? 0)) * 10) / 10;
    }
    return out;
  }
}
