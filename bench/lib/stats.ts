/** Latency samples and their summary (milliseconds). */
export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

const round = (v: number) => Math.round(v * 10) / 10;

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(sorted.length ? sum / sorted.length : NaN),
  };
}

/** Named groups of samples. */
export class Samples {
  private readonly groups = new Map<string, number[]>();

  add(group: string, ms: number): void {
    let list = this.groups.get(group);
    if (!list) this.groups.set(group, (list = []));
    list.push(ms);
  }

  names(): string[] {
    return [...this.groups.keys()];
  }

  values(group: string): number[] {
    return this.groups.get(group) ?? [];
  }

  summary(): Record<string, Summary> {
    return Object.fromEntries([...this.groups].map(([k, v]) => [k, summarize(v)]));
  }
}

/** Runs `count` jobs with at most `concurrency` at a time; each worker index gets jobs in order. */
export async function pool<T>(
  count: number,
  concurrency: number,
  job: (i: number, worker: number) => Promise<T>,
): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async (_, w) => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        out[i] = await job(i, w);
      }
    }),
  );
  return out;
}
