import type { Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import type { ExecutionWriter } from '../executions/execution-writer.service';
import { finalRecordJson, type ExecutionRow } from '../executions/row-encoding';
import { finishJobs, type ClaimedJob, type Finishing } from '../queue/job-finish';
import { completeOwnJobs, promoteOwnJobs } from '../queue/job-ownership';
import type { Rows } from '../platform/database/raw-rows';

/** Jobs per finishing statement (its JSON parameter grows with the rows' steps). */
const MAX_BATCH = 200;
const COMPLETE_RETRY_MS = 1_000;
/**
 * One statement in flight, and the runs that end within GATHER_MS share it: a statement's cost is
 * mostly per statement (the lock, the plan's nodes, the executions trigger, the commit), so on a
 * busy host bigger batches deliver more. Measured against 3 statements at once with no wait (A/B in
 * one run, 1 worker, 10,000 events, 2 rounds): CPU per delivery 465–480 µs instead of 880–900
 * without a limit, 600 instead of 840–1,000 with one, and the limited flow's in-flight mean 5.7–6.0
 * instead of 4.0–4.3 (the host was the bottleneck).
 */
const MAX_IN_FLIGHT = 1;
const GATHER_MS = 2;

interface Waiting {
  job: ClaimedJob;
  row: ExecutionRow | undefined;
  /** The standby job started in this run's place (its slot passes to it: job-ownership.ts). */
  successor?: string;
  done: () => void;
}

export interface FinisherHooks {
  /** Jobs handed the slots of finished ones: run them. */
  claimed(jobs: ClaimedJob[]): void;
  /** Standby jobs reserved for this worker (not started, not counted); `sent`: epoch() when the statement went. */
  reserved(jobs: ClaimedJob[], sent: number): void;
  /** Changes when standby jobs reserved before now must not start (a campaign paused). */
  epoch(): number;
  /**
   * How many standby jobs to reserve per limited flow id with the next statement, given the slots
   * of each such flow that this statement hands over (its finished runs with no successor) and the
   * runs of each that have finished (this statement's and those waiting for the next).
   */
  reserveWants(
    handedOver: ReadonlyMap<string, number>,
    finished: ReadonlyMap<string, number>,
  ): ReadonlyMap<string, number>;
  /** Jobs of ours left `active` (slots may be free in the database). */
  released(limitedFreed: boolean): void;
  stopping(): boolean;
}

/** Per limited flow, the finished runs of `list` (that have no successor: `orphans`). */
function perLimitedFlow(list: readonly Waiting[], orphans = false): Map<string, number> {
  const slots = new Map<string, number>();
  for (const w of list)
    if (w.job.data.maxConcurrentRuns && (!orphans || w.successor === undefined))
      slots.set(w.job.data.flowId, (slots.get(w.job.data.flowId) ?? 0) + 1);
  return slots;
}

/**
 * Finishes this worker's jobs: each run's final row, its job's completion and, for a limited flow,
 * the hand-over of its slot (queue/job-finish.ts), for every job finished since the last statement,
 * in one round trip. One statement runs at a time, taking what waits when it starts, so the batches
 * grow with the load. If the
 * statement fails (the database is unreachable), the rows go through the execution writer (which
 * keeps them until PostgreSQL is back) and the completions are retried every second.
 */
export class JobFinisher {
  private waiting: Waiting[] = [];
  private readonly running = new Set<Promise<void>>();
  private scheduled = false;
  private retryIds: string[] = [];
  private retryPromote: string[] = [];
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly query: Rows,
    private readonly writer: ExecutionWriter,
    private readonly workerId: string,
    private readonly logger: Logger,
    private readonly hooks: FinisherHooks,
  ) {}

  /**
   * Resolves once the row is written and the job completed, or both are left to the retrying paths.
   * `successor`: the standby job started in this run's place.
   */
  finish(job: ClaimedJob, row: ExecutionRow | undefined, successor?: string): Promise<void> {
    return new Promise<void>((done) => {
      this.waiting.push({ job, row, successor, done });
      this.schedule();
    });
  }

  /**
   * Makes standby job `successor` the successor of a finished run of flow `flowId` that has none and
   * whose statement has not been sent yet (its slot is still counted); false when there is none.
   */
  adopt(flowId: string, successor: string): boolean {
    const w = this.waiting.find((x) => x.successor === undefined && x.job.data.flowId === flowId);
    if (!w || !w.job.data.maxConcurrentRuns) return false;
    w.successor = successor;
    return true;
  }

  /** Waits for the statements in flight and the completions still to retry (shutdown). */
  async flush(): Promise<void> {
    while (this.running.size > 0 || this.waiting.length > 0) {
      if (this.running.size === 0) this.run();
      await Promise.all([...this.running]);
    }
    await this.retryCompletions();
  }

  private schedule(): void {
    if (this.running.size >= MAX_IN_FLIGHT || this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      if (this.running.size < MAX_IN_FLIGHT) this.run();
    }, GATHER_MS);
  }

  private run(): void {
    const batch = this.waiting.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    const p: Promise<void> = this.write(batch).finally(() => {
      this.running.delete(p);
      if (this.waiting.length > 0) this.schedule();
    });
    this.running.add(p);
  }

  private async write(batch: Waiting[]): Promise<void> {
    const items: Finishing[] = batch.map((w) => ({
      jobId: w.job.id,
      finalRow: w.row ? finalRecordJson(w.row) : undefined,
    }));
    const promote = batch.filter((w) => w.successor !== undefined).map((w) => w.successor!);
    const handOver = !this.hooks.stopping();
    const epoch = this.hooks.epoch();
    let r;
    try {
      // While shutting down, nothing new is started: the slots are released instead.
      r = await finishJobs(this.pool, this.workerId, items, {
        handOver,
        promote,
        reserve: handOver
          ? this.hooks.reserveWants(perLimitedFlow(batch, true), perLimitedFlow([...batch, ...this.waiting]))
          : new Map(),
      });
    } catch (err) {
      this.logger.error({ err, jobs: batch.length }, 'finishing jobs failed; writing their rows and completing apart');
      await this.fallBack(batch);
      return;
    }
    const standby = r.jobs.filter((j) => j.standby);
    const handed = r.jobs.filter((j) => !j.standby);
    if (handed.length > 0) this.hooks.claimed(handed);
    if (standby.length > 0) this.hooks.reserved(standby, epoch);
    for (const w of batch) if (w.row && r.recorded.has(w.job.id)) this.writer.countFinished(w.row);
    const missing = batch.filter((w) => w.row && !r.recorded.has(w.job.id));
    // A queue run's row exists from its enqueue; if it was removed meanwhile, write it whole.
    await Promise.all(missing.map((w) => this.writer.record(w.row!, { urgent: true }).catch(() => undefined)));
    const lost = batch.filter((w) => !r.completed.has(w.job.id)).map((w) => w.job.id);
    if (lost.length > 0)
      this.logger.warn(
        { jobs: lost.length, executionIds: lost.slice(0, 20) },
        'runs finished here after their jobs were handed to other workers (lease lapsed or job expired); ' +
          'their retry completes without running again if it has not run yet',
      );
    const freed = batch.filter((w) => w.job.data.maxConcurrentRuns && !w.successor && r.completed.has(w.job.id));
    for (const w of batch) w.done();
    this.hooks.released(freed.length > handed.length);
  }

  /** The rows through the writer (durable before the completion), then the completions, retried. */
  private async fallBack(batch: Waiting[]): Promise<void> {
    await Promise.all(
      batch.map(async (w) => {
        try {
          if (w.row) await this.writer.record(w.row, { urgent: true });
          this.retryIds.push(w.job.id);
          // Its slot passes to the successor: counted before this job stops being counted.
          if (w.successor) this.retryPromote.push(w.successor);
        } catch (err) {
          // The row could not be written: the job is left to expire or be reclaimed, and runs again.
          this.logger.error({ err, executionId: w.job.id }, 'recording a run failed');
        } finally {
          w.done();
        }
      }),
    );
    this.retryTimer ??= setTimeout(() => void this.retryCompletions(), 0);
  }

  private async retryCompletions(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const ids = this.retryIds.splice(0);
    const promote = this.retryPromote.splice(0);
    if (ids.length === 0) return;
    try {
      await promoteOwnJobs(this.query, this.workerId, promote);
      await completeOwnJobs(this.query, this.workerId, ids);
    } catch (err) {
      // Their executions are final, so a job that expires instead is completed without running
      // again; but until then it holds a slot of its flow's limit: try again while we live.
      this.logger.error({ err, jobs: ids.length }, 'completing jobs failed; retrying');
      if (!this.hooks.stopping()) {
        this.retryIds.push(...ids);
        this.retryPromote.push(...promote);
        this.retryTimer ??= setTimeout(() => void this.retryCompletions(), COMPLETE_RETRY_MS);
      }
      return;
    }
    this.hooks.released(true);
  }
}
