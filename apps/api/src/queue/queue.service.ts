import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import PgBoss from 'pg-boss';
import { DataSource, type QueryRunner } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { rowsOn } from '../platform/database/raw-rows';
import { MetricsService } from '../platform/metrics/metrics.service';
import { ExecutionWriter } from '../executions/execution-writer.service';
import { countQueued, markRetried } from '../executions/campaign-counts';
import {
  FLOW_RUNS_QUEUE,
  QUEUE_SCHEMA,
  queueExpireSeconds,
  queueMaintenanceSeconds,
  type FlowRunJob,
} from './flow-runs.queue';
import { setUpFlowRunsQueue } from './queue-setup';
import { notifySql } from './queue-signals';

const DEPTH_EVERY_MS = 5_000;

/**
 * pg-boss on the application database: starts it, creates the `flow-runs` queue, and enqueues
 * runs inside the caller's transaction (execution rows and jobs commit together, so work is
 * durable before the caller is answered). Publishes the queue depth to the metrics. Workers fetch
 * with `fetchFlowRuns` (per-flow limits), not `boss.fetch`.
 */
@Injectable()
export class QueueService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Queue');
  private boss!: PgBoss;
  private depthTimer: NodeJS.Timeout | undefined;
  private readonly enqueuedListeners: (() => void)[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly metrics: MetricsService,
    private readonly writer: ExecutionWriter,
  ) {}

  async onModuleInit(): Promise<void> {
    const worker = this.config.ROLE !== 'api';
    this.boss = new PgBoss({
      connectionString: (this.db.options as { url: string }).url,
      schema: QUEUE_SCHEMA,
      application_name: 'callflow-queue',
      max: 4,
      // Maintenance expires jobs of dead workers; worker processes run it (pg-boss elects one at a time).
      supervise: worker,
      maintenanceIntervalSeconds: queueMaintenanceSeconds(this.config),
      schedule: false,
      archiveCompletedAfterSeconds: 3600,
      deleteAfterDays: this.config.EXECUTIONS_RETENTION_DAYS,
    });
    this.boss.on('error', (err) => this.logger.error({ err }, 'queue error'));
    await this.boss.start();
    const options: PgBoss.Queue = {
      name: FLOW_RUNS_QUEUE,
      retryLimit: this.config.EVENT_RETRY_LIMIT,
      retryDelay: this.config.EVENT_RETRY_DELAY_SECONDS,
      retryBackoff: true,
      expireInSeconds: queueExpireSeconds(this.config),
    };
    await setUpFlowRunsQueue(this.boss, this.db, options, () =>
      this.logger.log('waiting for another process to finish setting up the queue'),
    );
    this.depthTimer = setInterval(() => void this.publishDepth(), DEPTH_EVERY_MS).unref();
    void this.publishDepth();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.depthTimer);
    await this.boss
      ?.stop({ graceful: false, close: true, wait: true })
      .catch((err: unknown) => this.logger.warn({ err }, 'stopping the queue failed'));
  }

  /** The started pg-boss (for the workers). */
  get client(): PgBoss {
    return this.boss;
  }

  /**
   * Inserts `queued` execution rows (through the execution writer) and one job per run, in the
   * caller's transaction; multi-row statements whatever the count. Then, last (campaign-counts.ts:
   * the counter rows stay locked until the commit), marks the `retried` runs (retries: each old run
   * and the run that retries it) and counts the campaign runs. Call `committed()` after the commit
   * to wake local workers.
   */
  async enqueue(
    tx: QueryRunner,
    tenantId: string,
    runs: FlowRunJob[],
    retried: readonly { id: string; retryId: string }[] = [],
  ): Promise<void> {
    if (runs.length === 0) return;
    await this.insertRuns(tx, tenantId, runs);
    await markRetried(tx, tenantId, retried);
    await countQueued(tx, tenantId, runs);
  }

  /**
   * The rows and jobs of `enqueue`, without counting them: a caller queueing in several parts (retry-all)
   * counts once at the end (`countQueued`).
   */
  async insertRuns(tx: QueryRunner, tenantId: string, runs: FlowRunJob[]): Promise<void> {
    if (runs.length === 0) return;
    await this.writer.insertQueued(tx, tenantId, runs);
    const rows = rowsOn(tx);
    const db: PgBoss.Db = { executeSql: async (text, values) => ({ rows: await rows(text, values) }) };
    await this.boss.insert(
      runs.map((r) => ({ id: r.executionId, name: FLOW_RUNS_QUEUE, data: r })),
      { db },
    );
    // Wakes the workers of every process at the commit (queue-signals.ts), not at their next poll.
    await tx.query(notifySql('queued'));
  }

  /** Tells this process's workers that jobs were committed (they skip their poll wait). */
  committed(): void {
    for (const listener of this.enqueuedListeners) listener();
  }

  onCommitted(listener: () => void): void {
    this.enqueuedListeners.push(listener);
  }

  private async publishDepth(): Promise<void> {
    try {
      this.metrics.queueDepth.set(await this.boss.getQueueSize(FLOW_RUNS_QUEUE));
    } catch (err) {
      this.logger.debug({ err }, 'reading the queue depth failed');
    }
  }
}
