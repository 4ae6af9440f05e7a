/**
 * Campaign progress (issue 19 §1), `BENCH_SECTIONS=progress`: at N executions (default 1,000,000),
 * (1) the cost of one refresh of a campaign and of the campaign list from the counters, beside the
 * same figures counted from the executions; (2) what keeping the counters costs each run: the
 * statements that insert, claim and finish a run, with and without counters, interleaved in rounds.
 */
import { uuidv7 } from '../apps/api/src/platform/ids/uuid7';
import { pendingRow } from '../apps/api/src/executions/execution-row';
import type { ExecutionRow } from '../apps/api/src/executions/row-encoding';
import type { FlowRunJob } from '../apps/api/src/queue/flow-runs.queue';
import { fetchFlowRuns } from '../apps/api/src/queue/limited-fetch';
import { cpuMeter } from './cpu';
import { fmt } from './lib';
import { liveDelivery } from './progress-live';
import {
  BIG,
  COUNTED_DETAIL,
  COUNTED_LIST,
  fill,
  FINISHED_STEPS,
  startSetting,
  type ProgressSetting,
} from './progress-lib';

export interface ProgressBenchOptions {
  executions: number;
  rounds: number;
  /** Runs per phase and round. */
  runs: number;
  /** Events of the live part (a campaign delivered by two workers while its stream is followed); 0: none. */
  liveEvents: number;
  log(msg: string): void;
}

/**
 * BENCH_PROGRESS_EXECUTIONS (1,000,000; 100000 while developing), BENCH_PROGRESS_ROUNDS (11),
 * BENCH_PROGRESS_RUNS (5000), BENCH_PROGRESS_LIVE_EVENTS (100,000; 0 leaves the live part out).
 */
export function progressOptionsFromEnv(log: (m: string) => void): ProgressBenchOptions {
  const n = (name: string, def: number) => (process.env[name] ? Number(process.env[name]) : def);
  return {
    executions: n('BENCH_PROGRESS_EXECUTIONS', 1_000_000),
    rounds: n('BENCH_PROGRESS_ROUNDS', 11),
    runs: n('BENCH_PROGRESS_RUNS', 5000),
    liveEvents: n('BENCH_PROGRESS_LIVE_EVENTS', 100_000),
    log,
  };
}

/** Wall time and CPU of some work, per unit. */
interface Cost {
  wallUs: number;
  pgUs: number;
  nodeUs: number;
}

async function measure(s: ProgressSetting, units: number, work: () => Promise<unknown>): Promise<Cost> {
  const meter = cpuMeter({ pg: s.pgPids });
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const wallUs = ((performance.now() - t0) * 1000) / units;
  const used = process.cpuUsage(cpu);
  return { wallUs, pgUs: meter.stop(units).pg!, nodeUs: (used.user + used.system) / units };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const medianCost = (xs: Cost[]): Cost => ({
  wallUs: median(xs.map((x) => x.wallUs)),
  pgUs: median(xs.map((x) => x.pgUs)),
  nodeUs: median(xs.map((x) => x.nodeUs)),
});

const READS = {
  counters: 'campaign from the counters (`GET /campaigns/big`)',
  counted: 'the same, counted: `COUNT(*)` over its executions',
  countersList: "the tenant's campaigns from the counters (`GET /campaigns`)",
  countedList: "the same, counted: `COUNT(*)` over the tenant's campaign executions",
} as const;
type Read = keyof typeof READS;

/** One round of refreshes: many from the counters, a few counted (each is long). */
async function refreshRound(s: ProgressSetting): Promise<Record<Read, Cost>> {
  const times = (k: number, f: () => Promise<unknown>) => async () => {
    for (let i = 0; i < k; i++) await f();
  };
  const counted = async () => {
    for (const sql of COUNTED_DETAIL) await s.db.query(sql, [s.tenantId, BIG]);
  };
  return {
    counters: await measure(
      s,
      200,
      times(200, () => s.progress.detail(s.tenantId, BIG)),
    ),
    counted: await measure(s, 2, times(2, counted)),
    countersList: await measure(
      s,
      200,
      times(200, () => s.progress.list(s.tenantId)),
    ),
    countedList: await measure(s, 1, () => s.db.query(COUNTED_LIST, [s.tenantId])),
  };
}

const VARIANTS = {
  before: 'before: as before this change (the trigger disabled, nothing counted, the runner writes `running`)',
  counted: 'campaign run, counted: counted on insert, claimed as `running` in the fetch, counted by the trigger',
  other: 'no campaign: a queued run of no campaign (a retry of an IVR run): the trigger fires and finds nothing',
} as const;
type Variant = keyof typeof VARIANTS;
const STEPS = ['insert', 'claim', 'running', 'finish'] as const;
type Step = (typeof STEPS)[number];
const STEP_LABELS: Record<Step, string> = {
  insert: 'insert: `queued` row + job, in transactions of 1000 (as `POST /events`)',
  claim: "claim: the workers' fetch of 50",
  running: "`running` row (the runner's write, batches of 50)",
  finish: 'finish: final row, batches of 50',
};

const TRIGGER = 'executions_campaign_counters';

/** Queues, claims, marks running (where the runner does) and finishes `runs` runs as `variant`. */
async function runPhase(s: ProgressSetting, variant: Variant, runs: number, tag: string): Promise<Record<Step, Cost>> {
  await s.db.query(`ALTER TABLE executions ${variant === 'before' ? 'DISABLE' : 'ENABLE'} TRIGGER ${TRIGGER}`);
  const campaignId = variant === 'counted' ? `bench-${tag}` : null;
  const jobs: FlowRunJob[] = Array.from({ length: runs }, (_, i) => ({
    executionId: uuidv7(),
    tenantId: s.tenantId,
    flowId: s.runFlow,
    versionId: s.runFlow,
    version: 1,
    trigger: 'event',
    eventId: `${tag}-${i}`,
    retryOf: null,
    maxConcurrentRuns: null,
    input: { campaign: { id: campaignId ?? 'none' }, contact: { phone: `+1555${i}` }, event: { id: `${tag}-${i}` } },
    campaignId,
  }));
  const cost = {} as Record<Step, Cost>;
  cost.insert = await measure(s, runs, async () => {
    for (let i = 0; i < runs; i += 1000)
      await s.db.transaction((m) =>
        variant === 'before'
          ? s.queue.insertRuns(m.queryRunner!, s.tenantId, jobs.slice(i, i + 1000))
          : s.queue.enqueue(m.queryRunner!, s.tenantId, jobs.slice(i, i + 1000)),
      );
  });
  const claimed: string[] = [];
  cost.claim = await measure(s, runs, async () => {
    for (;;) {
      const { jobs: got } = await fetchFlowRuns(s.db, 50);
      if (got.length === 0) break;
      claimed.push(...got.map((j) => j.id));
    }
  });
  if (claimed.length !== runs) throw new Error(`claimed ${claimed.length} of ${runs} runs`);
  const byId = new Map(jobs.map((j) => [j.executionId, j]));
  const identity = (id: string) => {
    const j = byId.get(id)!;
    return { ...j, flowVersion: 1, trigger: 'event' as const };
  };
  const inBatches = (rowOf: (id: string) => ExecutionRow) => async () => {
    for (let i = 0; i < claimed.length; i += 50) {
      const written = claimed.slice(i, i + 50).map((id) => s.writer.record(rowOf(id), { urgent: true }));
      await s.writer.flush();
      await Promise.all(written);
    }
  };
  // A counted run's claim wrote `running` already: the runner does not write it (runningRecorded).
  cost.running =
    variant === 'counted'
      ? { wallUs: 0, pgUs: 0, nodeUs: 0 }
      : await measure(
          s,
          runs,
          inBatches((id) => pendingRow(identity(id), 'running', new Date())),
        );
  cost.finish = await measure(
    s,
    runs,
    inBatches((id) => {
      const now = new Date();
      return {
        ...pendingRow(identity(id), 'running', now),
        status: 'succeeded',
        output: { ok: true },
        steps: FINISHED_STEPS as ExecutionRow['steps'],
        finishedAt: now,
        durationMs: 11,
      };
    }),
  );
  await s.db.query(`UPDATE pgboss.job SET state = 'completed', completed_on = now() WHERE id = ANY($1::uuid[])`, [
    claimed,
  ]);
  if (campaignId) {
    const [c] = await s.db.query(
      `SELECT accepted::int, queued::int, running::int, succeeded::int FROM campaign_counters WHERE campaign_id = $1`,
      [campaignId],
    );
    if (c?.accepted !== runs || c.succeeded !== runs || c.queued !== 0 || c.running !== 0)
      throw new Error(`the counters of ${campaignId} are wrong: ${JSON.stringify(c)}`);
  }
  return cost;
}

export async function benchProgress(opts: ProgressBenchOptions): Promise<string> {
  const { log } = opts;
  const s = await startSetting(log);
  try {
    const t0 = Date.now();
    await fill(s, opts.executions, log);
    const fillSec = (Date.now() - t0) / 1000;
    const [{ big, all }] = await s.db.query(
      `SELECT count(*) FILTER (WHERE campaign_id = $1)::int AS big, count(*) FILTER (WHERE campaign_id > '')::int AS all
       FROM executions`,
      [BIG],
    );
    const refreshes: Record<Read, Cost>[] = [];
    const phases: Record<Variant, Record<Step, Cost>[]> = { before: [], counted: [], other: [] };
    for (let r = 0; r < opts.rounds; r++) {
      log(`progress: round ${r + 1} of ${opts.rounds}`);
      refreshes.push(await refreshRound(s));
      // Alternate the order of the variants, so neither always runs on a warmer cache.
      const order: Variant[] = r % 2 ? ['other', 'counted', 'before'] : ['before', 'counted', 'other'];
      for (const v of order) phases[v].push(await runPhase(s, v, opts.runs, `r${r}-${v}`));
    }
    const md = report(opts, { fillSec, big, all, refreshes, phases });
    await s.close();
    return opts.liveEvents > 0 ? `${md}\n\n${await liveDelivery(opts.liveEvents, log)}` : md;
  } catch (err) {
    await s.close();
    throw err;
  }
}

function report(
  opts: ProgressBenchOptions,
  m: {
    fillSec: number;
    big: number;
    all: number;
    refreshes: Record<Read, Cost>[];
    phases: Record<Variant, Record<Step, Cost>[]>;
  },
): string {
  const read = Object.fromEntries(
    (Object.keys(READS) as Read[]).map((k) => [k, medianCost(m.refreshes.map((r) => r[k]))]),
  ) as Record<Read, Cost>;
  const ms = (us: number) => fmt(us / 1000, 2);
  const rows = (Object.keys(READS) as Read[]).map((k) => {
    const base = k.startsWith('counted') ? read[k] : read[k === 'counters' ? 'counted' : 'countedList'];
    const ratio = k.startsWith('counted') ? '1' : `1/${fmt(base.wallUs / read[k].wallUs)}`;
    return `| ${READS[k]} | ${ms(read[k].wallUs)} | ${fmt(read[k].pgUs)} | ${fmt(read[k].nodeUs)} | ${ratio} |`;
  });
  const step = (v: Variant) =>
    Object.fromEntries(STEPS.map((st) => [st, medianCost(m.phases[v].map((p) => p[st]))])) as Record<Step, Cost>;
  const costs = { before: step('before'), counted: step('counted'), other: step('other') };
  const total = (v: Variant): Cost =>
    STEPS.reduce(
      (a, st) => ({
        wallUs: a.wallUs + costs[v][st].wallUs,
        pgUs: a.pgUs + costs[v][st].pgUs,
        nodeUs: a.nodeUs + costs[v][st].nodeUs,
      }),
      { wallUs: 0, pgUs: 0, nodeUs: 0 },
    );
  const cell = (c: Cost) => `${fmt(c.wallUs)} | ${fmt(c.pgUs)} | ${fmt(c.nodeUs)}`;
  const runRows: string[] = [];
  for (const st of STEPS)
    runRows.push(
      `| ${STEP_LABELS[st]} | ${cell(costs.before[st])} | ${cell(costs.counted[st])} | ${cell(costs.other[st])} |`,
    );
  runRows.push(
    `| **a run, all steps** | ${cell(total('before'))} | ${cell(total('counted'))} | ${cell(total('other'))} |`,
  );
  const pct = (a: number, b: number) => `${a >= b ? '+' : ''}${fmt(((a - b) / b) * 100)} %`;
  // The counting alone: the steps both variants run, counted minus before (the `running` write apart).
  const shared = (v: Variant, k: keyof Cost) => costs[v].insert[k] + costs[v].claim[k] + costs[v].finish[k];
  const rounds = (v: Variant) => m.phases[v].map((p) => fmt(STEPS.reduce((a, st) => a + p[st].pgUs, 0))).join(', ');
  // Paired within each round (the rounds drift with the host's load): counted minus before, per step.
  const paired = (st: Step, k: keyof Cost, v: Variant = 'counted') =>
    median(m.phases[v].map((p, r) => p[st][k] - m.phases.before[r]![st][k]));
  const pairedShared = (k: keyof Cost) => paired('insert', k) + paired('claim', k) + paired('finish', k);
  const [tb, tc, to] = [total('before'), total('counted'), total('other')];
  return [
    '## Campaign progress: one refresh, and the counters per run',
    '',
    'PostgreSQL (embedded, its own process, .data/bench-progress) with the migrated schema and the flow-runs ' +
      `queue as the API makes them, filled with ${fmt(opts.executions)} executions (${fmt(m.fillSec)} s): half IVR ` +
      'runs, half ' +
      `runs of five campaigns (\`big\`: ${fmt(m.big)} runs; ${fmt(m.all)} campaign runs in all), 8 % failed, ` +
      `2 % queued, ~0.6 KB of steps each; the counters built from them. The API's own code runs in the bench ` +
      `process (CampaignProgressService, QueueService, ExecutionWriter, fetchFlowRuns). ${opts.rounds} rounds; each ` +
      `figure is the median of the rounds. CPU from /proc: PostgreSQL's backends running the statements ` +
      "(autovacuum, checkpointer and WAL writer apart) and the bench process (Node: the API's side of the work).",
    '',
    `### One refresh at ${fmt(opts.executions)} executions`,
    '',
    'What a campaign screen reads each second (the stream reads it once per process for all its watchers), ' +
      'from the counters, beside the same figures counted from the executions with the campaign index.',
    '',
    '| read | ms | PostgreSQL CPU µs | Node CPU µs | time vs counted |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    `### The counters per run, at ${fmt(opts.executions)} executions`,
    '',
    `Each round queues, claims, marks running and finishes ${fmt(opts.runs)} runs three ways, in turn ` +
      '(per run: wall µs | PostgreSQL CPU µs | Node CPU µs):',
    '',
    ...(Object.keys(VARIANTS) as Variant[]).map((v) => `- ${VARIANTS[v]};`),
    '',
    '| step | before: wall | PG | Node | campaign run, counted: wall | PG | Node | no campaign: wall | PG | Node |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runRows,
    '',
    `- A counted campaign run against a run before this change: PostgreSQL CPU ${pct(tc.pgUs, tb.pgUs)} ` +
      `(${fmt(tc.pgUs - tb.pgUs)} µs), wall time ${pct(tc.wallUs, tb.wallUs)}, ` +
      `Node CPU ${pct(tc.nodeUs, tb.nodeUs)}; it writes no separate \`running\` row any more (the claim does), ` +
      'which pays for part of the counting.',
    `- The counting alone (counted minus before, paired within each round, median): insert ` +
      `${fmt(paired('insert', 'pgUs'))} µs of PostgreSQL CPU (${fmt(paired('insert', 'wallUs'))} µs wall), claim ` +
      `${fmt(paired('claim', 'pgUs'))} (${fmt(paired('claim', 'wallUs'))}), finish ${fmt(paired('finish', 'pgUs'))} ` +
      `(${fmt(paired('finish', 'wallUs'))}); the three summed ${fmt(pairedShared('pgUs'))} µs of PostgreSQL CPU ` +
      `and ${fmt(pairedShared('wallUs'))} µs of wall time per run (medians of the steps: ` +
      `${fmt(shared('counted', 'pgUs') - shared('before', 'pgUs'))} and ` +
      `${fmt(shared('counted', 'wallUs') - shared('before', 'wallUs'))}). The \`running\` write it makes ` +
      `unnecessary cost ${fmt(costs.before.running.pgUs)} µs and ${fmt(costs.before.running.wallUs)} µs.`,
    `- PostgreSQL CPU per run, each round (the spread the medians come from): before ${rounds('before')}; ` +
      `counted ${rounds('counted')}; no campaign ${rounds('other')}.`,
    `- A queued run of no campaign: PostgreSQL CPU ${pct(to.pgUs, tb.pgUs)}, wall time ${pct(to.wallUs, tb.wallUs)}; ` +
      `paired, its finish (where the trigger fires and finds nothing) ${fmt(paired('finish', 'pgUs', 'other'))} µs. ` +
      'Its claim runs the very statements the claim before this change ran: the difference there ' +
      `(${fmt(paired('claim', 'pgUs', 'other'))} µs paired) is this host's noise, the scale to read the other ` +
      'differences by. IVR and webhook runs are inserted by COPY and never updated: no trigger fires for them (the ' +
      "IVR path's statements are unchanged).",
  ].join('\n');
}
