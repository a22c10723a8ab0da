/** Percentiles of latencies in milliseconds (nearest rank). */
export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const rank = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[rank] as number;
}

export const ms = (n: number) => `${n.toFixed(3)} ms`;

/** Runs `workers` loops that share `total` iterations; returns each iteration's time. */
export async function timedLoops(total: number, workers: number, step: (i: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < total) {
        const i = next++;
        const start = process.hrtime.bigint();
        await step(i);
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    }),
  );
  return times.sort((a, b) => a - b);
}
