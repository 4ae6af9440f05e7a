/**
 * Before and after in the same run (BENCH_CAMPAIGN_AB=<another checkout, built>): two process sets
 * as the campaign section starts them (PostgreSQL, a ROLE=api process, one ROLE=worker process, the
 * mock CRM), one running that checkout's build, the other this one's, fed the same campaigns in
 * interleaved rounds (no limit, then limit 20, alternating which set goes first). On a shared host
 * CPU time per delivery moves with the load by up to 2× between runs; within one run, both sets see
 * the same load.
 */
import os from 'node:os';
import path from 'node:path';
import { Cluster, campaignFlow } from './campaign-cluster';
import { benchFlows, LIMITED, OPEN, runPhase, type CampaignBenchOptions, type Phase } from './campaign.bench';
import { MemorySampler } from './campaign-lib';
import { fmt } from './lib';
import { ROOT } from './processes';

interface Variant {
  name: string;
  c: Cluster;
  sampler: MemorySampler;
  open: Phase[];
  limited: Phase[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const perSec = (p: Phase) => p.crm.distinct / p.e2eSec;
const cpuSum = (p: Phase) => Object.values(p.cpu).reduce((a, b) => a + b, 0);

export async function benchCampaignAb(o: CampaignBenchOptions, other: string, rounds: number): Promise<string> {
  const load0 = os.loadavg()[0];
  const t0 = Date.now();
  const variants: Variant[] = [];
  try {
    for (const [name, root] of [
      ['before', other],
      ['after', undefined],
    ] as const) {
      const c = await Cluster.start({
        dir: path.join(ROOT, `.data/bench-campaign-${name}`),
        workers: 1,
        env: { WORKER_CONCURRENCY: String(o.workerConcurrency) },
        mockDelayMs: o.mockDelayMs,
        root,
        log: o.log,
      });
      variants.push({ name, c, sampler: new MemorySampler(c).start(), open: [], limited: [] });
      await c.publish('bench-campaign', campaignFlow(c.crm.base, o.limit, [LIMITED]));
      await c.publish('bench-campaign-open', campaignFlow(c.crm.base, 0, [OPEN]));
    }
    const flows = benchFlows(o);
    for (const v of variants)
      for (const [i, flow] of [flows.open, flows.limited].entries())
        await runPhase(v.c, v.sampler, o, `${v.name} warm-up`, `warmup${i}`, flow);
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? [...variants].reverse() : variants;
      for (const v of order) {
        v.open.push(await runPhase(v.c, v.sampler, o, `${v.name} no limit`, `ab${r}open`, flows.open));
        v.limited.push(await runPhase(v.c, v.sampler, o, `${v.name} limit`, `ab${r}limit`, flows.limited));
      }
    }
  } finally {
    for (const v of variants) {
      v.sampler.stop();
      await v.c.close();
    }
  }
  const row = (v: Variant) => {
    const procs = ['api', 'worker-1', 'PostgreSQL'];
    const cpu = (ps: Phase[], n: string) => fmt(median(ps.map((p) => p.cpu[n] ?? NaN)));
    return (
      `| ${v.name} | ${fmt(median(v.open.map(perSec)))} | ${fmt(median(v.limited.map(perSec)))} | ` +
      `${fmt(median(v.limited.map((p, i) => perSec(p) / perSec(v.open[i]!))) * 100)} % | ` +
      `${fmt(median(v.limited.map((p) => p.crm.inflightMean)), 1)} | ` +
      `${procs.map((n) => cpu(v.open, n)).join(' | ')} | **${fmt(median(v.open.map(cpuSum)))}** | ` +
      `${procs.map((n) => cpu(v.limited, n)).join(' | ')} | **${fmt(median(v.limited.map(cpuSum)))}** |`
    );
  };
  const [before, after] = variants as [Variant, Variant];
  const paired = (ps: (v: Variant) => Phase[]) =>
    ps(after)
      .map((p, i) => `${fmt((cpuSum(p) / cpuSum(ps(before)[i]!)) * 100)} %`)
      .join(', ');
  return [
    '### Before and after in the same run',
    '',
    `\`BENCH_CAMPAIGN_AB=${other}\`: that checkout's build ("before") and this one's ("after"), each with ` +
      `its own PostgreSQL, API, one worker process (WORKER_CONCURRENCY=${o.workerConcurrency}) and mock CRM ` +
      `(${o.mockDelayMs} ms), fed ${fmt(o.events)} events per row in ${rounds} interleaved rounds ` +
      `(which set goes first alternates); each figure is the median of the rounds. ` +
      `${fmt((Date.now() - t0) / 1000)} s; 1-minute load average ${fmt(load0, 2)} at its start, ` +
      `${fmt(os.loadavg()[0], 2)} at its end. CPU in µs per delivered event, as in the table above.`,
    '',
    '| build | no limit: delivered/s | limit 20: delivered/s | limit / no limit | limit 20: in flight mean | ' +
      'no limit: API | worker | PostgreSQL | sum | limit 20: API | worker | PostgreSQL | sum |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    row(before),
    row(after),
    '',
    `CPU per delivery after / before, per round: no limit ${paired((v) => v.open)}; ` +
      `limit 20 ${paired((v) => v.limited)}.`,
  ].join('\n');
}
