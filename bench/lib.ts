/** Small helpers shared by the benchmarks: closed-loop load, percentiles, markdown rows. */

export interface LoadResult {
  label: string;
  count: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `task` from `concurrency` loops for `durationMs` (after a warm-up) and measures each call. */
export async function closedLoop(
  label: string,
  task: () => Promise<boolean>,
  opts: { concurrency: number; durationMs: number; warmupMs: number },
): Promise<LoadResult> {
  const runFor = async (ms: number, samples?: number[]) => {
    const end = performance.now() + ms;
    let errors = 0;
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          const ok = await task().catch(() => false);
          if (!ok) errors++;
          samples?.push(performance.now() - t0);
        }
      }),
    );
    return errors;
  };
  await runFor(opts.warmupMs);
  const samples: number[] = [];
  const t0 = performance.now();
  const errors = await runFor(opts.durationMs, samples);
  const seconds = (performance.now() - t0) / 1000;
  samples.sort((a, b) => a - b);
  return {
    label,
    count: samples.length,
    errors,
    seconds,
    perSecond: samples.length / seconds,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
  };
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** The part of autocannon's result the benchmarks read (autocannon ships no types). */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

/**
 * Open-connection HTTP load with autocannon: `connections` clients, each one request at a time
 * (keep-alive), for `durationSec` after a `warmupSec` warm-up whose figures are dropped.
 */
export async function httpLoad(
  label: string,
  opts: {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    connections: number;
    durationSec: number;
    warmupSec: number;
  },
): Promise<LoadResult> {
  const base = {
    url: opts.url,
    method: opts.method ?? 'POST',
    headers: opts.headers,
    body: opts.body,
    connections: opts.connections,
    pipelining: 1,
    timeout: 10,
  };
  if (opts.warmupSec > 0) await autocannon({ ...base, duration: opts.warmupSec });
  const r = await autocannon({ ...base, duration: opts.durationSec });
  const ok = r['2xx'];
  return {
    label,
    count: ok,
    errors: r.errors + r.timeouts + r.non2xx,
    seconds: r.duration,
    perSecond: ok / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
}
