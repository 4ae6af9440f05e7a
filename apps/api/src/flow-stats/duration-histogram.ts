/**
 * Durations as fixed log-scale histograms, so rollups of any span merge by adding counts and
 * percentiles need no raw rows. Bucket 0 holds [0, 10 µs); bucket k ≥ 1 holds
 * [0.01·2^((k-1)/4), 0.01·2^(k/4)) ms, four buckets per doubling (a logic node takes tens of µs, an
 * IVR call hundreds of ms); the last one is open-ended (~10 minutes and more). A percentile is
 * reported as its bucket's geometric middle (capped at the longest duration seen), which is within
 * 2^(1/8) - 1 ≈ 9.1 % of the exact nearest-rank value (or 10 µs, below 10 µs). Stored as int[] cut
 * after the last non-zero count (most runs are short: a few dozen elements).
 */

const BASE_MS = 0.01;
const PER_DOUBLING = 4;
export const HISTOGRAM_BUCKETS = 105;

/** The bucket of a duration in ms (NaN and negatives count as 0). */
export function bucketOf(ms: number): number {
  if (!(ms >= BASE_MS)) return 0;
  const k = 1 + Math.floor(PER_DOUBLING * Math.log2(ms / BASE_MS));
  return Math.min(k, HISTOGRAM_BUCKETS - 1);
}

/** The value reported for a bucket: its geometric middle (half the first bucket's bound for bucket 0). */
function valueOf(bucket: number): number {
  if (bucket === 0) return BASE_MS / 2;
  return BASE_MS * 2 ** ((bucket - 0.5) / PER_DOUBLING);
}

/** Adds one duration to a dense histogram (grown as needed). */
export function addDuration(hist: number[], ms: number): void {
  const k = bucketOf(ms);
  while (hist.length <= k) hist.push(0);
  hist[k]! += 1;
}

/** Adds `from` into `into` element-wise (both dense). */
export function mergeInto(into: number[], from: readonly number[]): void {
  while (into.length < from.length) into.push(0);
  for (let i = 0; i < from.length; i++) into[i]! += from[i]!;
}

/**
 * The q-quantile (0 < q ≤ 1) by nearest rank of a dense histogram, in ms rounded to the µs; null
 * when it is empty. `maxMs` (the longest duration counted) caps the answer.
 */
export function percentile(hist: readonly number[], q: number, maxMs: number | null): number | null {
  let total = 0;
  for (const n of hist) total += n;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let k = 0; k < hist.length; k++) {
    seen += hist[k]!;
    if (seen >= rank) {
      const v = maxMs === null ? valueOf(k) : Math.min(valueOf(k), maxMs);
      return Math.round(v * 1000) / 1000;
    }
  }
  return null;
}
