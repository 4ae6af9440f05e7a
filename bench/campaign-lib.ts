/**
 * What the campaign benchmark and the chaos test measure with: a dialer-like event poster, a
 * memory sampler over the process set, database sizes and execution states.
 */
import fs from 'node:fs';
import type { CampaignEvent, Cluster } from './campaign-cluster';
import { sql } from './campaign-cluster';

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PostResult {
  /** Epoch ms of the first POST and of the last 202. */
  startedAt: number;
  endedAt: number;
  events: number;
  batchMs: number[];
  /** Batches sent again after an error or a lost answer. */
  resends: number;
  /** What made a batch be resent: `HTTP 503`, `ECONNREFUSED`, ... → count. */
  failures: Record<string, number>;
  /** Event id → the execution the API started for it (the answer of the try that got through). */
  executionIds: Map<string, string>;
}

/** An answer that resending cannot fix (a 4xx, or an answer that breaks the contract). */
class Refused extends Error {}

/** Why a try failed, for the counts: a status, or the socket error's code. */
function failureKind(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string; name?: string } };
  return e?.cause?.code ?? e?.cause?.name ?? e?.name ?? 'error';
}

/**
 * Posts the batches one after the other like a dialer: on a connection error or a 5xx it waits
 * (250 ms doubling to 2 s) and resends the same batch, which is safe because event ids are
 * idempotent. A 4xx, or a batch failing for `giveUpMs`, throws. `ratePerSec` paces the posting;
 * `gate` is awaited before each batch (e.g. to keep the backlog bounded).
 */
export async function postBatches(
  base: string,
  apiKey: string,
  batches: CampaignEvent[][],
  opts: {
    ratePerSec?: number;
    giveUpMs?: number;
    gate?(): Promise<void>;
    onTry?(failure: string | undefined, accepted: number): void;
  } = {},
): Promise<PostResult> {
  const r: PostResult = {
    startedAt: Date.now(),
    endedAt: 0,
    events: 0,
    batchMs: [],
    resends: 0,
    failures: {},
    executionIds: new Map(),
  };
  let sent = 0;
  for (const batch of batches) {
    if (opts.ratePerSec) {
      const due = r.startedAt + (sent / opts.ratePerSec) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    await opts.gate?.();
    const b0 = performance.now();
    const first = Date.now();
    for (let attempt = 0; ; attempt++) {
      let failure: string | undefined;
      try {
        const res = await fetch(`${base}/api/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
          body: JSON.stringify(batch),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        if (res.status === 202) {
          const body = JSON.parse(text) as { accepted: { eventId: string; executionIds: string[] }[] };
          for (const a of body.accepted) {
            if (a.executionIds.length !== 1)
              throw new Refused(`event ${a.eventId} started ${a.executionIds.length} runs, expected 1`);
            r.executionIds.set(a.eventId, a.executionIds[0]!);
          }
          opts.onTry?.(undefined, sent + batch.length);
          break;
        }
        if (res.status < 500) throw new Refused(`POST /events answered ${res.status}: ${text.slice(0, 300)}`);
        failure = `HTTP ${res.status}`;
      } catch (err) {
        if (err instanceof Refused) throw err;
        failure = failureKind(err);
      }
      r.failures[failure] = (r.failures[failure] ?? 0) + 1;
      opts.onTry?.(failure, sent);
      if (Date.now() - first > (opts.giveUpMs ?? 120_000))
        throw new Error(`a batch kept failing for ${opts.giveUpMs ?? 120_000} ms (last: ${failure})`);
      r.resends++;
      await sleep(Math.min(2000, 250 * 2 ** attempt));
    }
    r.batchMs.push(performance.now() - b0);
    sent += batch.length;
    r.events = sent;
  }
  r.endedAt = Date.now();
  return r;
}

/** Polls `check` every `everyMs` until it returns a value, or returns undefined after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 200,
): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) return undefined;
    await sleep(everyMs);
  }
}

function procField(pid: number, file: string, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The postmaster and its children (backends, checkpointer, walwriter, ...). */
function processTree(root: number): number[] {
  const pids = [root];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === root) pids.push(Number(d));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

/**
 * Samples memory every `everyMs`: VmRSS of each node process, and for PostgreSQL the sum of the
 * proportional set sizes (Pss) of all its processes (their shared buffers counted once). Keeps
 * the peak of each since the last `reset()`, in MiB.
 */
export class MemorySampler {
  private peaks = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly everyMs = 500,
  ) {}

  start(): this {
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }

  reset(): void {
    this.peaks = new Map();
  }

  sample(): void {
    const keep = (name: string, kb: number) => this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, kb / 1024));
    for (const s of [this.cluster.api, ...this.cluster.workers])
      if (s) keep(s.name, procField(s.pid, 'status', 'VmRSS'));
    keep('mock CRM', procField(this.cluster.crm.child.pid!, 'status', 'VmRSS'));
    keep('bench (load generator)', procField(process.pid, 'status', 'VmRSS'));
    const pm = this.cluster.pg.pid();
    if (pm)
      keep(
        'PostgreSQL (all processes, Pss)',
        processTree(pm).reduce((n, pid) => n + procField(pid, 'smaps_rollup', 'Pss'), 0),
      );
  }

  /** Peak MiB per process name, in sampling order. */
  peaksMiB(): Map<string, number> {
    this.sample();
    return new Map(this.peaks);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export interface DbSizes {
  executions: number;
  eventRuns: number;
  jobs: number;
  archive: number;
  database: number;
}

/** Bytes on disk (tables + indexes + TOAST) of what a run leaves: executions, event_runs, pg-boss jobs. */
export async function dbSizes(url: string): Promise<DbSizes> {
  const [r] = await sql<Record<string, string>>(
    url,
    `SELECT (SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM pg_partition_tree('executions')) AS executions,
       pg_total_relation_size('event_runs') AS event_runs,
       (SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM pg_partition_tree('pgboss.job')) AS jobs,
       pg_total_relation_size('pgboss.archive') AS archive, pg_database_size(current_database()) AS database`,
  );
  return {
    executions: Number(r!.executions),
    eventRuns: Number(r!.event_runs),
    jobs: Number(r!.jobs),
    archive: Number(r!.archive),
    database: Number(r!.database),
  };
}

/** Execution count per status of the events whose id starts with `prefix`. */
export async function executionStates(url: string, prefix: string): Promise<Record<string, number>> {
  const rows = await sql<{ status: string; n: number }>(
    url,
    `SELECT status, count(*)::int AS n FROM executions WHERE event_id LIKE $1 GROUP BY status ORDER BY status`,
    [`${prefix}-%`],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/**
 * Waits until campaign_counters (the product's own gauges, one row per flow of the campaign) say no run of
 * `campaign` is queued or running: an index probe, where waitFinal's count reads every execution of the run.
 */
export async function waitCampaignIdle(url: string, campaign: string, timeoutMs: number): Promise<boolean> {
  const idle = await waitFor(
    async () => {
      const [r] = await sql<{ busy: string }>(
        url,
        'SELECT coalesce(sum(queued + running), 0) AS busy FROM campaign_counters WHERE campaign_id = $1',
        [campaign],
      );
      return Number(r!.busy) === 0 ? true : undefined;
    },
    timeoutMs,
    50,
  );
  return idle === true;
}

/** Waits until no execution of `prefix` is queued or running; returns the final counts (or the last seen). */
export async function waitFinal(
  url: string,
  prefix: string,
  timeoutMs: number,
): Promise<{ states: Record<string, number>; final: boolean; at: number }> {
  let states: Record<string, number> = {};
  const done = await waitFor(
    async () => {
      states = await executionStates(url, prefix);
      return (states.queued ?? 0) + (states.running ?? 0) === 0 ? true : undefined;
    },
    timeoutMs,
    500,
  );
  return { states, final: done === true, at: Date.now() };
}
