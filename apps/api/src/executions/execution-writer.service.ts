import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, type QueryRunner } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { isDatabaseUnavailable } from '../platform/errors/database-unavailable';
import { FlowStatsRecorder } from '../flow-stats/flow-stats-recorder';
import type { RunAnswer } from '../flow-stats/run-stats';
import { callIdOf, pendingRow, phoneOf, type RunIdentity } from './execution-row';
import { binaryRow, contiguous, COPY_BINARY_HEADER, COPY_BINARY_TRAILER } from './copy-binary';
import { COPY_COLUMNS, RECORD_TYPES, recordJson, type ExecutionRow } from './row-encoding';

const FLUSH_EVERY_MS = 25;
const MAX_BATCH = 500;
const URGENT_FLUSH_MS = 2;
/** Rows kept in memory while the database is unreachable (~1.5 KB each). */
const MAX_QUEUED = 100_000;
const MAX_RETRY_DELAY_MS = 2_000;
const UNIQUE_VIOLATION = '23505';

const COLUMNS = COPY_COLUMNS.join(', ');
/** New rows (most runs: one final write) go straight into the table. */
const COPY_NEW = `COPY executions (${COLUMNS}) FROM STDIN (FORMAT binary)`;
const UPDATED = COPY_COLUMNS.filter((c) => !['id', 'tenant_id', 'started_at', 'retry_of'].includes(c));
// A final state is never overwritten by a late `running` write.
const ON_CONFLICT = `ON CONFLICT (id) DO UPDATE SET ${UPDATED.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
  WHERE executions.status IN ('queued', 'running') OR EXCLUDED.status NOT IN ('queued', 'running')`;
/** Rows that may exist already (queue runs, a sync run past its deadline): one statement per batch. */
const UPSERT_JSON = `INSERT INTO executions (${COLUMNS})
  SELECT ${COLUMNS} FROM json_to_recordset($1::json) AS x(${RECORD_TYPES}) ${ON_CONFLICT}`;
/** New rows of which one turned out to exist (a retry after a lost answer): staged per session, then upserted. */
const STAGE =
  'CREATE TEMP TABLE IF NOT EXISTS executions_in (LIKE executions INCLUDING DEFAULTS) ON COMMIT DELETE ROWS';
const COPY_STAGED = `COPY executions_in (${COLUMNS}) FROM STDIN (FORMAT binary)`;
const UPSERT_STAGED = `INSERT INTO executions (${COLUMNS}) SELECT ${COLUMNS} FROM executions_in ${ON_CONFLICT}`;

/** `queued` rows of runs being enqueued: one multi-row statement whatever the count. */
const INSERT_QUEUED = `INSERT INTO executions (id, tenant_id, flow_id, flow_version, trigger_type, status, event_id,
    call_id, phone, input, steps, retry_of, campaign_id, started_at)
  SELECT x.id, $1::uuid, x.flow_id, x.flow_version, x.trigger_type, 'queued', x.event_id, x.call_id, x.phone, x.input,
    '[]'::jsonb, x.retry_of, x.campaign_id, now()
  FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[],
    $10::uuid[], $11::text[])
    AS x(id, flow_id, flow_version, trigger_type, event_id, call_id, phone, input, retry_of, campaign_id)`;

/** A run about to be queued (a queue job's data has these fields). */
export interface QueuedRun {
  executionId: string;
  flowId: string;
  version: number;
  trigger: RunIdentity['trigger'];
  eventId: string | null;
  input: RunIdentity['input'];
  retryOf: string | null;
  /**
   * Counted in campaign_counters under this campaign (`''`: an event without one) when set; null or
   * absent: not counted (a retry of an IVR or webhook run).
   */
  campaignId?: string | null;
}

/** A run failGivenUp marked failed, for its flow's stats. */
interface GivenUpRow {
  tenant_id: string;
  flow_id: string | null;
  trigger_type: ExecutionRow['triggerType'];
  started_at: Date;
  finished_at: Date;
  duration_ms: number;
}

/** Sessions that have their staging table (pool clients are reused objects; a new connection is a new one). */
const staged = new WeakSet<PoolClient>();

const ignore = (): void => undefined;

/** Binary COPY of rows encoded by binaryRow: the header, the rows (neighbours merged), the trailer. */
function copyInto(client: PoolClient, sql: string, rows: Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', resolve);
    stream.write(COPY_BINARY_HEADER);
    for (const chunk of contiguous(rows)) stream.write(chunk);
    stream.end(COPY_BINARY_TRAILER);
  });
}

/**
 * One write per id (one statement cannot touch a row twice): the last wins, but a pending write never
 * replaces a final one.
 */
function onePerId<P extends Pending>(batch: P[]): P[] {
  const byId = new Map<string, P>();
  for (const p of batch) {
    const kept = byId.get(p.id);
    if (!kept || p.final || !kept.final) byId.set(p.id, p);
  }
  return [...byId.values()];
}

/**
 * A queued write, serialised when queued (the cost spread over the calls). Fresh: no earlier write
 * of this id is expected, so its binary COPY tuple is copied into the table; else its JSON record
 * is upserted.
 */
type Pending = { id: string; final: boolean; resolve: () => void; reject: (err: unknown) => void } & (
  { fresh: true; data: Buffer } | { fresh: false; data: string }
);
type FreshPending = Extract<Pending, { fresh: true }>;

/**
 * The one writer of execution rows. Writes them in batches, off the answer path: an IVR answer
 * never waits for the database. Rows are upserted by id, so a row written as `queued` or `running`
 * is completed by a later write. Callers that must be durable (queue workers) await the returned
 * promise. The `queued` rows of runs being enqueued are inserted in the enqueuer's transaction.
 */
@Injectable()
export class ExecutionWriter implements OnApplicationShutdown {
  private readonly logger = new Logger('ExecutionWriter');
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private urgent = false;
  private flushing: Promise<void> | undefined;
  private stopping = false;
  /** Flow stats (flow_stats) of the runs whose rows were written. */
  private readonly stats: FlowStatsRecorder;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.stats = new FlowStatsRecorder(
      (sql, params) => this.db.query(sql, params),
      (err, rows) => this.logger.warn({ err, rows }, 'writing flow stats failed; kept for the next write'),
    );
  }

  /**
   * Queues a row; resolves once it is in the database. `urgent` (a queue worker waits on it to
   * complete its job and free the slot) flushes within ~2 ms instead of FLUSH_EVERY_MS. `fresh`:
   * the caller wrote no earlier row for this id (a run's only write), so it is copied without an
   * upsert; if a row turns out to exist after all, the batch is upserted instead.
   */
  record(row: ExecutionRow, opts: { urgent?: boolean; fresh?: boolean } = {}): Promise<void> {
    return new Promise<void>((resolve, reject) => this.queueRow(row, opts, resolve, reject));
  }

  /**
   * Queues a row nobody waits for (an IVR or webhook run's only write): no promise, and the run's
   * objects are not kept alive until the batch is written. Failures are logged by the writer.
   * `answer`: how the run's caller was answered, for its flow's stats.
   */
  enqueue(row: ExecutionRow, opts: { fresh?: boolean; answer?: RunAnswer } = {}): void {
    this.queueRow(row, opts, ignore, ignore);
  }

  /** Counts a final row written by another statement (a worker's finishing one) in its flow's stats. */
  countFinished(row: ExecutionRow): void {
    this.stats.add(row);
  }

  /**
   * Inserts the `queued` rows of `runs` in the caller's transaction (the queue commits them with
   * their jobs, so work is durable before the caller is answered).
   */
  async insertQueued(tx: QueryRunner, tenantId: string, runs: readonly QueuedRun[]): Promise<void> {
    await tx.query(INSERT_QUEUED, [
      tenantId,
      runs.map((r) => r.executionId),
      runs.map((r) => r.flowId),
      runs.map((r) => r.version),
      runs.map((r) => r.trigger),
      runs.map((r) => r.eventId),
      runs.map((r) => callIdOf(r.input)),
      runs.map((r) => phoneOf(r.input)),
      runs.map((r) => JSON.stringify(r.input)),
      runs.map((r) => r.retryOf),
      runs.map((r) => r.campaignId ?? null),
    ]);
  }

  /** Records a run that failed before it could start (`failed`, no steps); resolves once written. */
  recordFailed(run: RunIdentity, code: string, message: string): Promise<void> {
    const now = new Date();
    const row = pendingRow(run, 'running', now);
    return this.record({ ...row, status: 'failed', error: { code, message }, finishedAt: now, durationMs: 0 });
  }

  /**
   * Marks unfinished runs failed (INFRASTRUCTURE, with the job's reason) whose job the queue gave up
   * on. `failedJobs` is the queue's query of those jobs' `(id, output)` (same id as the run; the
   * queue's tables are its own business), with its parameters. Idempotent; returns the rows changed.
   */
  async failGivenUp(failedJobs: string, params: readonly unknown[]): Promise<number> {
    const [rows, count] = (await this.db.query(
      `UPDATE executions e
       SET status = 'failed',
           error = json_build_object('code', 'INFRASTRUCTURE', 'message', 'gave up: ' ||
             left(coalesce(j.output->'value'->>'message', j.output->>'message',
                           'the job failed with no retries left'), 200)),
           finished_at = now(),
           duration_ms = GREATEST(0, (extract(epoch FROM now() - e.started_at) * 1000)::int)
       FROM (${failedJobs}) j
       WHERE e.id = j.id AND e.status IN ('queued', 'running')
       RETURNING e.tenant_id, e.flow_id, e.trigger_type, e.started_at, e.finished_at, e.duration_ms`,
      [...params],
    )) as [GivenUpRow[], number];
    for (const r of rows)
      this.stats.add({
        tenantId: r.tenant_id,
        flowId: r.flow_id,
        triggerType: r.trigger_type,
        status: 'failed',
        steps: null,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        durationMs: r.duration_ms,
      });
    return count;
  }

  private queueRow(
    row: ExecutionRow,
    opts: { urgent?: boolean; fresh?: boolean; answer?: RunAnswer },
    resolve: () => void,
    reject: (err: unknown) => void,
  ): void {
    const final = row.status !== 'queued' && row.status !== 'running';
    const tuple = final && opts.fresh === true ? this.tupleOf(row) : undefined;
    if (final) this.stats.add(row, opts.answer);
    if (this.queue.length >= MAX_QUEUED) this.shed();
    this.queue.push(
      tuple
        ? { id: row.id, final, resolve, reject, fresh: true, data: tuple }
        : { id: row.id, final, resolve, reject, fresh: false, data: recordJson(row) },
    );
    if (this.queue.length >= MAX_BATCH) void this.flush();
    else if (opts.urgent && !this.urgent) {
      clearTimeout(this.timer);
      this.urgent = true;
      this.timer = setTimeout(() => void this.flush(), URGENT_FLUSH_MS);
    } else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  /**
   * The row's binary COPY tuple; undefined when a value cannot be carried that way (an id that is not a
   * uuid), for the JSON path to let PostgreSQL say what is wrong.
   */
  private tupleOf(row: ExecutionRow): Buffer | undefined {
    try {
      return binaryRow(row);
    } catch (err) {
      this.logger.warn({ err, executionId: row.id }, 'execution row not encodable for COPY; upserting it instead');
      return undefined;
    }
  }

  /** Writes everything queued so far. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.urgent = false;
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    const batch = this.queue.splice(0, MAX_BATCH);
    this.flushing = this.write(batch).finally(() => (this.flushing = undefined));
    await this.flushing;
    if (this.queue.length > 0) this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  /** Writes everything queued, including rows queued while it writes (shutdown), then the flows' stats. */
  async flushAll(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) await this.flush();
    await this.stats.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.flushAll();
  }

  /** A database outage must not grow memory without bound: past MAX_QUEUED rows the oldest are given up. */
  private shed(): void {
    const dropped = this.queue.splice(0, MAX_BATCH);
    this.logger.error(
      { rows: dropped.length, queued: this.queue.length },
      'too many execution rows waiting for the database; the oldest are dropped',
    );
    const err = new Error('execution rows dropped: the database was unavailable for too long');
    for (const p of dropped) p.reject(err);
  }

  private async write(batch: Pending[], attempt = 1): Promise<void> {
    try {
      await this.store(batch);
      for (const p of batch) p.resolve();
    } catch (err) {
      // While PostgreSQL is unreachable (a restart, a failover) keep the batch and keep trying:
      // giving up would lose IVR records and make queue runs run again. Other errors get 5 tries.
      const outage = isDatabaseUnavailable(err) && !this.stopping;
      if (outage || attempt < 5) {
        if (attempt === 1 || attempt % 10 === 0)
          this.logger.warn({ err, attempt, rows: batch.length }, 'writing executions failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** attempt)));
        return this.write(batch, attempt + 1);
      }
      this.logger.error({ err, count: batch.length }, 'writing executions failed');
      for (const p of batch) p.reject(err);
    }
  }

  /**
   * One batch over one session: fresh rows by COPY straight into the table, the others upserted
   * from one JSON parameter; if a fresh row exists after all (e.g. a retry after a lost answer),
   * the fresh rows are staged in a temporary table and upserted instead.
   */
  private async store(batch: Pending[]): Promise<void> {
    const [client, release] = (await (this.db.driver as PostgresDriver).obtainMasterConnection()) as [
      PoolClient,
      (err?: unknown) => void,
    ];
    let failed: unknown;
    // A checked-out client has no pool listener: a connection lost mid-batch (PostgreSQL restarted)
    // would be an unhandled 'error' event and end the process. The statement in flight rejects too.
    const onError = (err: unknown) => (failed ??= err);
    client.on('error', onError);
    try {
      const fresh = batch.filter((p): p is FreshPending => p.fresh);
      const existing = batch.filter((p) => !p.fresh);
      if (fresh.length > 0) {
        const rows = onePerId(fresh).map((p) => p.data);
        try {
          await copyInto(client, COPY_NEW, rows);
        } catch (err) {
          if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
          await client.query(staged.has(client) ? 'BEGIN' : `BEGIN; ${STAGE}`);
          staged.add(client);
          await copyInto(client, COPY_STAGED, rows);
          await client.query(`${UPSERT_STAGED}; COMMIT`);
        }
      }
      // After the fresh rows: a late pending write of the same id then meets the final row and keeps it.
      if (existing.length > 0)
        await client.query(UPSERT_JSON, [
          `[${onePerId(existing)
            .map((p) => p.data)
            .join(',')}]`,
        ]);
    } catch (err) {
      failed = err;
      throw err;
    } finally {
      client.off('error', onError);
      // A session that failed mid-COPY or mid-transaction is not handed back to the pool.
      release(failed);
    }
  }
}
