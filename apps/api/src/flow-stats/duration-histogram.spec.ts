import { addDuration, bucketOf, HISTOGRAM_BUCKETS, mergeInto, percentile } from './duration-histogram';

/** Exact nearest-rank percentile of raw values. */
function exact(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

describe('duration histograms', () => {
  it('puts durations in ordered log-scale buckets, four per doubling', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(-5)).toBe(0);
    expect(bucketOf(Number.NaN)).toBe(0);
    expect(bucketOf(0.009)).toBe(0);
    expect(bucketOf(0.01)).toBe(1);
    expect(bucketOf(0.02)).toBe(5);
    expect(bucketOf(100)).toBe(bucketOf(50) + 4);
    expect(bucketOf(24 * 3600_000)).toBe(HISTOGRAM_BUCKETS - 1);
    let last = 0;
    for (let ms = 0; ms < 700_000; ms = ms * 1.01 + 0.01) {
      const k = bucketOf(ms);
      expect(k).toBeGreaterThanOrEqual(last);
      last = k;
    }
  });

  it('answers percentiles within 9.1 % of the exact ones, over merged histograms', () => {
    // Three "minutes" of skewed durations (a slow tail), merged as the read merges rollup rows.
    let seed = 7;
    const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const all: number[] = [];
    const merged: number[] = [];
    for (let minute = 0; minute < 3; minute++) {
      const hist: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const ms = rand() < 0.97 ? 2 + rand() * 40 : 400 + rand() * 3000;
        all.push(ms);
        addDuration(hist, ms);
      }
      mergeInto(merged, hist);
    }
    const max = Math.max(...all);
    for (const q of [0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const got = percentile(merged, q, max)!;
      const want = exact(all, q);
      expect(Math.abs(got - want) / want).toBeLessThanOrEqual(0.0906);
    }
  });

  it('has no percentile without counts, and caps the answer at the longest duration', () => {
    expect(percentile([], 0.5, null)).toBeNull();
    expect(percentile([0, 0], 0.5, 3)).toBeNull();
    const hist: number[] = [];
    addDuration(hist, 1000);
    expect(percentile(hist, 0.99, 1000)).toBe(1000);
    expect(percentile(hist, 0.99, null)).toBeGreaterThan(1000);
  });
});
