import type { Registry } from 'prom-client';

/**
 * A counter and a histogram for the per-run metrics, registered in a prom-client Registry and
 * exported in the same text format as prom-client's own. Why not prom-client's: its labelled
 * children still validate and hash their labels and build a closure on every observation
 * (~0.5–1 µs each, five per IVR call); here a label set is resolved once to a series and an
 * observation is an array increment.
 */

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

interface MetricSnapshot {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values: MetricValue[];
  aggregator: 'sum';
}

abstract class LabelledMetric<S> {
  readonly aggregator = 'sum';
  protected readonly series = new Map<string, { labels: Record<string, string>; s: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    protected readonly labelNames: readonly string[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The series of these label values (in labelNames order), created on first use. */
  protected seriesOf(values: readonly string[]): S {
    if (values.length !== this.labelNames.length)
      throw new TypeError(`${this.name} takes ${this.labelNames.length} labels, got ${values.length}`);
    const key = values.join('\u0000');
    let entry = this.series.get(key);
    if (entry === undefined) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => (labels[n] = values[i]!));
      entry = { labels, s: this.create() };
      this.series.set(key, entry);
    }
    return entry.s;
  }

  protected abstract create(): S;

  /** Registry.resetMetrics() */
  reset(): void {
    this.series.clear();
  }
}

/** A monotonic counter per label set. */
export class LabelledCounter extends LabelledMetric<{ value: number }> {
  readonly type = 'counter';

  /** A handle to increment the series of these label values. */
  labels(...values: string[]): { inc(by?: number): void } {
    const s = this.seriesOf(values);
    return { inc: (by = 1) => void (s.value += by) };
  }

  protected create() {
    return { value: 0 };
  }

  get(): Promise<MetricSnapshot> {
    const values = [...this.series.values()].map(({ labels, s }) => ({ value: s.value, labels }));
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }
}

interface HistogramSeries {
  /** Observations per bucket (not cumulative); the last is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** A histogram with fixed upper bounds per label set. */
export class LabelledHistogram extends LabelledMetric<HistogramSeries> {
  readonly type = 'histogram';
  private readonly bounds: number[];

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    bounds: readonly number[],
    registry: Registry,
  ) {
    super(name, help, labelNames, registry);
    this.bounds = [...bounds].sort((a, b) => a - b);
  }

  /** A handle to observe values in the series of these label values. */
  labels(...values: string[]): { observe(v: number): void } {
    const s = this.seriesOf(values);
    const bounds = this.bounds;
    return {
      observe(v: number) {
        if (!Number.isFinite(v)) return;
        let i = 0;
        while (i < bounds.length && v > bounds[i]!) i++;
        s.counts[i]!++;
        s.sum += v;
        s.count++;
      },
    };
  }

  protected create(): HistogramSeries {
    return { counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
  }

  get(): Promise<MetricSnapshot> {
    const values: MetricValue[] = [];
    for (const { labels, s } of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.counts[i]!;
        values.push({ value: cumulative, labels: { le, ...labels }, metricName: `${this.name}_bucket` });
      });
      values.push({ value: s.count, labels: { le: '+Inf', ...labels }, metricName: `${this.name}_bucket` });
      values.push({ value: s.sum, labels, metricName: `${this.name}_sum` });
      values.push({ value: s.count, labels, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }
}
