import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { ExecutionWriter } from '../executions/execution-writer.service';
import { FlowRunner } from '../runs/flow-runner.service';
import { PublishedFlowsService } from '../flows/published-flows.service';
import type { FlowRunJob } from '../queue/flow-runs.queue';
import { rowsOnPool } from '../platform/database/raw-rows';
import type { ExecutionRow } from '../executions/row-encoding';
import type { ClaimedJob } from '../queue/job-finish';
import { failOwnJob, notOwned, unreserveOwnJobs } from '../queue/job-ownership';
import { fetchFlowRuns, type LimitedFetch } from '../queue/limited-fetch';
import { notifySql, QueueListener } from '../queue/queue-signals';
import { QueueService } from '../queue/queue.service';
import { JobFinisher } from './job-finisher';
import { StandbyJobs } from './standby-jobs';
import { WorkerLease } from './worker-lease';

type Job = ClaimedJob;
/**
 * What ends a pause: `commit` (jobs committed, by this process or, notified, by any), `slot` (a run
 * of ours finished: we were full), `release` (a job of a limited flow left `active` in the database,
 * here or, notified, in any process: we were held back by a flow's limit, and only that, or the
 * poll, can make room).
 */
type WakeOn = 'commit' | 'slot' | 'release';
const FINAL_STATUSES = ['succeeded', 'failed', 'timeout'];

/**
 * The queue workers of this process (ROLE all or worker): keeps up to WORKER_CONCURRENCY runs in
 * flight, fetching as many jobs as there are free slots. It polls every QUEUE_POLL_SECONDS only
 * while the queue is empty; a busy queue is fetched again as soon as a slot frees, and jobs
 * committed by any process wake it at once (LISTEN/NOTIFY, queue-signals.ts). Jobs are fetched
 * through `fetchFlowRuns`, which honours each flow's `maxConcurrentRuns` across all processes; when
 * only limits hold jobs back, the loop waits until a job of a limited flow is released by any
 * process (notified), or the poll interval.
 *
 * A job completes with its execution's final row, in one statement (JobFinisher), whatever the
 * run's status: a failed flow is a completed job with a failed execution. The slot of a limited
 * flow's job goes straight to the flow's next queued job in that statement (queue/job-finish.ts),
 * so a limit is kept busy without a fetch per run. Only infrastructure errors
 * (database) fail the job, so pg-boss retries it with backoff. A retried job whose execution
 * already finished (its worker died before completing the job) is completed without running again.
 *
 * The process holds a lease (worker-lease.ts) and its jobs are tagged with it: if it dies, other
 * processes hand its jobs back within QUEUE_LEASE_SECONDS. It completes or fails only jobs it
 * still holds (job-ownership.ts), and fetches nothing while its lease is not held.
 */
@Injectable()
export class RunWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RunWorker');
  private readonly active = new Map<string, Promise<void>>();
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: { resolve: () => void; on: WakeOn } | undefined;
  /** Bumped each time jobs of a limited flow leave `active` (here or, notified, elsewhere). */
  private releases = 0;
  private lease: WorkerLease | undefined;
  private finisher: JobFinisher | undefined;
  private listener: QueueListener | undefined;
  /** Standby jobs per limited flow, to start the moment a run of that flow ends (job-ownership.ts). */
  private readonly standby = new StandbyJobs();
  /** Bumped on every campaign pause signalled (standby jobs reserved before it go back). */
  private pauses = 0;
  /** Standby jobs being handed back (awaited at shutdown). */
  private readonly unreserving = new Set<Promise<void>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: QueueService,
    private readonly published: PublishedFlowsService,
    private readonly runner: FlowRunner,
    private readonly writer: ExecutionWriter,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.ROLE === 'api') return;
    this.lease = new WorkerLease(
      this.db,
      this.config.QUEUE_LEASE_SECONDS,
      this.logger,
      (ms) => void this.checkOwnership(ms),
    );
    await this.lease.start();
    const pool = (this.db.driver as PostgresDriver).master as Pool;
    this.finisher = new JobFinisher(pool, this.query, this.writer, this.lease.id, this.logger, {
      claimed: (jobs) => {
        for (const job of jobs) this.track(job);
      },
      reserved: (jobs, sent) => this.reserved(jobs, sent),
      epoch: () => this.pauses,
      reserveWants: (handedOver, finished) => this.standby.wants(handedOver, finished),
      released: (limitedFreed) => {
        if (limitedFreed) this.released();
      },
      stopping: () => this.stopping,
    });
    this.listener = new QueueListener(
      (this.db.options as { url: string }).url,
      (signal) =>
        signal === 'paused' ? this.campaignPaused() : this.wakeUp(signal === 'queued' ? 'commit' : 'release'),
      this.logger,
    );
    await this.listener.start();
    this.queue.onCommitted(() => this.wakeUp('commit'));
    this.loop = this.pump();
    this.logger.log(
      {
        concurrency: this.config.WORKER_CONCURRENCY,
        pollSeconds: this.config.QUEUE_POLL_SECONDS,
        worker: this.lease.id,
        leaseSeconds: this.config.QUEUE_LEASE_SECONDS,
      },
      'queue workers started',
    );
  }

  private get query() {
    return rowsOnPool(this.db);
  }

  /** This process's lease id (the tag on the jobs it holds); undefined when it runs no workers. */
  get workerId(): string | undefined {
    return this.lease?.id;
  }

  /**
   * Stops fetching, lets runs in flight finish (FlowRunner aborts them past its grace period; those
   * jobs are handed back).
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.wake?.resolve();
    await this.loop;
    await this.unreserve(this.standby.all());
    this.standby.drop();
    await this.runner.drain();
    // Runs handed over while draining are started and finished too (FlowRunner aborts them at once).
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()]);
    await this.finisher?.flush();
    await Promise.all([...this.unreserving]);
    await this.listener?.stop();
    await this.lease?.stop();
  }

  private async pump(): Promise<void> {
    const pollMs = this.config.QUEUE_POLL_SECONDS * 1000;
    while (!this.stopping) {
      const free = this.config.WORKER_CONCURRENCY - this.active.size;
      if (free <= 0) {
        await this.pause(pollMs, 'slot');
        continue;
      }
      if (!this.lease!.held()) {
        // Jobs fetched now could be reclaimed by others at once: wait for the refresh.
        await this.pause(pollMs, 'commit');
        continue;
      }
      const releases = this.releases;
      let fetched: LimitedFetch = { jobs: [], blocked: false };
      try {
        fetched = await fetchFlowRuns(this.db, free, this.lease!.id);
      } catch (err) {
        this.logger.error({ err }, 'fetching jobs failed');
      }
      if (fetched.reclaimed)
        this.logger.warn(
          { ...fetched.reclaimed },
          'reclaimed the runs of dead workers (lease expired): they will be retried',
        );
      if (fetched.leaseLost) this.lease!.refreshSoon();
      for (const job of fetched.jobs)
        this.track({ id: job.id, data: job.data, retryCount: job.retryCount, retryLimit: job.retryLimit });
      if (fetched.jobs.length >= free || this.stopping) continue;
      if (!fetched.blocked) await this.pause(pollMs, 'commit');
      // Held back by limits: a release during the fetch may already have made room.
      else if (this.releases === releases) await this.pause(pollMs, 'release');
    }
  }

  /** Waits `ms`, or less when woken: always by a local commit, else by the event `on` names. */
  private pause(ms: number, on: WakeOn): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      this.wake = { resolve: done, on };
    });
  }

  private wakeUp(event: WakeOn): void {
    if (event === 'release') this.releases++;
    if (this.wake && (event === 'commit' || this.wake.on === event)) this.wake.resolve();
  }

  private track(job: Job): void {
    const executionId = job.data.executionId;
    const flowId = job.data.maxConcurrentRuns ? job.data.flowId : undefined;
    if (flowId !== undefined) this.standby.started(flowId);
    const done = this.process(job)
      .then(
        (finished) =>
          finished === null
            ? this.handBack(job, { message: 'the worker shut down during the run' })
            : this.finisher!.finish(job, finished === true ? undefined : finished, this.startSuccessor(flowId)),
        (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          const last = job.retryCount >= job.retryLimit;
          this.logger.error(
            { err, executionId, retry: job.retryCount },
            last
              ? 'queued run hit an infrastructure error; no retries left'
              : 'queued run hit an infrastructure error; pg-boss will retry it',
          );
          if (last) void this.recordGivenUp(job.data, message);
          return this.handBack(job, { message });
        },
      )
      .finally(() => {
        this.active.delete(job.id);
        if (flowId !== undefined) void this.unreserve(this.standby.ended(flowId));
        this.wakeUp('slot');
      });
    this.active.set(job.id, done);
  }

  /**
   * A campaign was paused: every standby job goes back (the next statements reserve none of the
   * paused campaign), and so do those a statement sent before the signal returns (`pauses`).
   */
  private campaignPaused(): void {
    this.pauses++;
    void this.unreserve(this.standby.all());
    this.standby.drop();
  }

  /** A run of limited flow `flowId` ended: starts a standby job of that flow in its place, if any. */
  private startSuccessor(flowId: string | undefined): string | undefined {
    if (flowId === undefined || this.stopping) return undefined;
    const next = this.standby.take(flowId);
    if (next) this.track(next);
    return next?.id;
  }

  /**
   * Standby jobs the finishing statement reserved: each starts at once in place of a finished run
   * whose slot is still counted (its statement not sent yet), waits for a run of its flow to end, or,
   * with none of its flow in flight, goes back to the queue.
   */
  private reserved(jobs: Job[], pausesWhenSent: number): void {
    const back: Job[] = [];
    for (const job of jobs) {
      if (this.stopping || pausesWhenSent !== this.pauses) back.push(job);
      else if (this.finisher!.adopt(job.data.flowId, job.id)) this.track(job);
      else if (!this.standby.keep(job)) back.push(job);
    }
    void this.unreserve(back);
  }

  private unreserve(jobs: Job[]): Promise<void> {
    if (jobs.length === 0) return Promise.resolve();
    const p = this.handBackStandby(jobs).finally(() => this.unreserving.delete(p));
    this.unreserving.add(p);
    return p;
  }

  private async handBackStandby(jobs: Job[]): Promise<void> {
    try {
      await unreserveOwnJobs(
        this.query,
        this.lease!.id,
        jobs.map((j) => j.id),
      );
      this.released();
    } catch (err) {
      // Left reserved: handed back when this worker's lease lapses (it stops) or at its next stop.
      this.logger.warn({ err, jobs: jobs.length }, 'handing back standby jobs failed');
    }
  }

  /**
   * Runs one job: its final row (to write with the completion), true when its row is written already,
   * null when the run was abandoned at shutdown.
   */
  private async process(job: Job): Promise<ExecutionRow | true | null> {
    const d = job.data;
    if (job.retryCount > 0 && (await this.alreadyFinished(d))) return true;
    const flow = await this.published.byVersionId(d.tenantId, d.versionId);
    if (!flow) {
      // The flow was deleted after the event was accepted: nothing to run, and nothing to retry.
      await this.recordFailed(d, 'FLOW_VERSION_MISSING', 'the flow version no longer exists');
      return true;
    }
    const run = this.runner.start({
      flow,
      input: d.input,
      trigger: d.trigger,
      executionId: d.executionId,
      eventId: d.eventId,
      retryOf: d.retryOf,
      runningRecorded: typeof d.campaignId === 'string',
    });
    return run.finished;
  }

  private recordFailed(d: FlowRunJob, code: string, message: string): Promise<void> {
    return this.writer.recordFailed({ ...d, flowVersion: d.version }, code, message);
  }

  /** Out of retries: the execution is marked failed if the database takes the write. */
  private async recordGivenUp(d: FlowRunJob, message: string): Promise<void> {
    await this.recordFailed(
      d,
      'INFRASTRUCTURE',
      `gave up after repeated infrastructure errors: ${message.slice(0, 200)}`,
    ).catch(() => undefined);
  }

  private async alreadyFinished(d: FlowRunJob): Promise<boolean> {
    const rows: { status: string }[] = await this.db.query(
      'SELECT status FROM executions WHERE id = $1 AND tenant_id = $2',
      [d.executionId, d.tenantId],
    );
    return rows.length > 0 && FINAL_STATUSES.includes(rows[0]!.status);
  }

  /**
   * Fails the job so pg-boss retries it (with backoff) up to EVENT_RETRY_LIMIT times; a job no longer
   * ours is left to its holder.
   */
  private async handBack(job: Job, reason: { message: string }): Promise<void> {
    await failOwnJob(this.query, this.lease!.id, job.id, reason).catch((err: unknown) =>
      this.logger.error(
        { err, executionId: job.data.executionId },
        'failing the job failed; it will be reclaimed or expire and be retried',
      ),
    );
    if (job.data.maxConcurrentRuns) this.released();
  }

  /** A slot of a limited flow was freed here: this loop and, notified, every other process may fetch. */
  private released(): void {
    this.wakeUp('release');
    this.query(notifySql('released')).catch((err: unknown) =>
      this.logger.debug({ err }, 'notifying a release failed; the others see it at their poll'),
    );
  }

  /**
   * After a lapse of our lease: the runs in flight whose jobs other workers reclaimed are no
   * longer counted against their flows' limits and will run again elsewhere. They cannot be
   * stopped from here; say so, so that a duplicate delivery (at-least-once) is explained.
   */
  private async checkOwnership(lapsedMs: number): Promise<void> {
    const ids = [...this.active.keys()];
    try {
      // Standby jobs reclaimed meanwhile are another worker's now: never start them here.
      const reserved = this.standby.all().map((j) => j.id);
      this.standby.drop(new Set(await notOwned(this.query, this.lease!.id, reserved)));
      const lost = await notOwned(this.query, this.lease!.id, ids);
      this.logger.warn(
        {
          lapsedMs: Math.round(lapsedMs),
          inFlight: ids.length,
          reclaimed: lost.length,
          executionIds: lost.slice(0, 20),
        },
        'worker lease refreshed after a lapse',
      );
    } catch (err) {
      this.logger.warn({ err }, 'checking which runs are still ours failed');
    }
  }
}
