import { Counter, Histogram, Registry } from 'prom-client';
import { LabelledCounter, LabelledHistogram } from './labelled-metrics';

// The lean metrics must export exactly what prom-client's own would for the same observations.
describe('LabelledCounter and LabelledHistogram', () => {
  const bounds = [0.005, 0.01, 0.1, 1];
  const observations: [string, string, number][] = [
    ['http', 'succeeded', 0.004],
    ['http', 'succeeded', 0.005],
    ['http', 'succeeded', 0.05],
    ['http', 'failed', 2],
    ['respond', 'succeeded', 0.0001],
    ['http', 'succeeded', 0.7],
  ];

  it('exports the same histogram text as prom-client', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const h = new LabelledHistogram('x_seconds', 'X by type', ['type', 'status'], bounds, ours);
    const p = new Histogram({
      name: 'x_seconds',
      help: 'X by type',
      labelNames: ['type', 'status'],
      buckets: bounds,
      registers: [theirs],
    });
    for (const [type, status, v] of observations) {
      h.labels(type, status).observe(v);
      p.labels(type, status).observe(v);
    }
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('x_seconds_bucket{le="0.01",type="http",status="succeeded"} 2');
    expect(text).toContain('x_seconds_count{type="http",status="failed"} 1');
  });

  it('exports the same counter text as prom-client, a handle adding to its own series', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const c = new LabelledCounter('runs_total', 'Runs', ['flow', 'status'], ours);
    const p = new Counter({ name: 'runs_total', help: 'Runs', labelNames: ['flow', 'status'], registers: [theirs] });
    const a = c.labels('vip', 'succeeded');
    a.inc();
    a.inc(2);
    c.labels('vip', 'failed').inc();
    p.labels('vip', 'succeeded').inc(3);
    p.labels('vip', 'failed').inc();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('refuses a wrong number of labels and ignores non-finite observations', async () => {
    const r = new Registry();
    const h = new LabelledHistogram('y_seconds', 'Y', ['trigger'], bounds, r);
    expect(() => h.labels('ivr', 'extra')).toThrow(/takes 1 labels/);
    h.labels('ivr').observe(Number.NaN);
    h.labels('ivr').observe(0.02);
    expect(await r.metrics()).toContain('y_seconds_count{trigger="ivr"} 1');
    r.resetMetrics();
    expect(await r.metrics()).not.toContain('y_seconds_count');
  });
});
