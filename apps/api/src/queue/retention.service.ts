import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type QueryRunner } from 'typeorm';
import { BackgroundTask } from '../platform/tasks/background-task';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { ADVISORY_LOCK } from '../platform/database/advisory-locks';
import {
  DEFAULT_PARTITION,
  dropExpired,
  ensurePartitions,
  giveRoomForUpdates,
  rangePartitions,
  spanDays,
  type Query,
} from '../executions/execution-partitions';

const EVERY_MS = 60 * 60 * 1000;
const FIRST_AFTER_MS = 60 * 1000;
const BATCH = 5_000;
const DAY_MS = 86_400_000;
/** Advisory lock key: one process prunes at a time. */
const LOCK_KEY = ADVISORY_LOCK.retention;
/** Campaign rows of campaigns idle past the retention (small tables: one statement each). */
const CAMPAIGN_PRUNES = [
  `DELETE FROM campaign_counters WHERE updated_at < now() - make_interval(days => $1) AND queued = 0 AND running = 0`,
  `DELETE FROM campaign_failures WHERE updated_at < now() - make_interval(days => $1)`,
  `DELETE FROM campaign_retries WHERE created_at < now() - make_interval(days => $1)`,
];
/**
 * Flow stats rollups (flow-stats/): minute and 15-minute rows after 2 days (the hour and day views
 * read the last 24 h at most), hour rows after 8 (the week view), whatever EXECUTIONS_RETENTION_DAYS says.
 */
const FLOW_STATS_PRUNE =
  `DELETE FROM flow_stats WHERE ctid IN (SELECT ctid FROM flow_stats ` +
  `WHERE (span < 60 AND at < now() - interval '2 days') OR (span = 60 AND at < now() - interval '8 days') ` +
  `LIMIT ${BATCH})`;

/**
 * Prunes executions and event idempotency records older than EXECUTIONS_RETENTION_DAYS, hourly,
 * in worker processes only, under an advisory lock: executions by dropping their time partitions
 * whose whole span is past the retention (execution-partitions.ts; a run is kept up to one span
 * longer: 2 days at the default), the DEFAULT partition's rows and event records in batches (no long
 * lock on the tables); and flow stats rollups past their own retention (FLOW_STATS_PRUNE).
 * Partitions are created ahead at every pass and at boot in every process (a run never waits for
 * a worker to have made its partition; one without lands in DEFAULT, moved out when it is made).
 * Once an event's record is gone, the same event id would run again. Campaign counters and failure
 * groups not updated for as long go too (their runs are gone), and retry-all request ids as old.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Retention');
  private readonly task = new BackgroundTask(
    () => this.prune(),
    (err) => this.logger.error({ err }, 'pruning old executions failed'),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Null when another process holds the lock: that one is creating them.
    await this.withLock(() => this.ensurePartitions()).catch((err: unknown) =>
      this.logger.error({ err }, 'creating execution partitions failed'),
    );
    if (this.config.ROLE !== 'api') this.task.start(EVERY_MS, FIRST_AFTER_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /**
   * One pass; returns the rows deleted per table and the execution partitions dropped, or null when
   * another process holds the lock.
   */
  async prune(): Promise<{ executions: number; partitions: string[]; eventRuns: number; flowStats: number } | null> {
    return this.withLock(async (qr) => {
      const days = this.config.EXECUTIONS_RETENTION_DAYS;
      await this.ensurePartitions();
      const { dropped: partitions, busy } = await dropExpired(
        (run) => this.db.transaction((m) => run((sql, params) => m.query(sql, params))),
        await rangePartitions(qr.query.bind(qr)),
        Date.now() - days * DAY_MS,
      );
      if (busy.length) this.logger.warn({ busy }, 'expired execution partitions were busy; dropped at a next pass');
      const executions = await this.deleteOld(
        qr.query.bind(qr),
        `DELETE FROM ${DEFAULT_PARTITION} WHERE ctid IN (SELECT ctid FROM ${DEFAULT_PARTITION} ` +
          `WHERE started_at < now() - make_interval(days => $1) LIMIT ${BATCH})`,
        days,
      );
      const eventRuns = await this.deleteOld(
        qr.query.bind(qr),
        `DELETE FROM event_runs WHERE ctid IN (SELECT ctid FROM event_runs ` +
          `WHERE created_at < now() - make_interval(days => $1) LIMIT ${BATCH})`,
        days,
      );
      const flowStats = await this.deleteOld(qr.query.bind(qr), FLOW_STATS_PRUNE);
      let campaigns = 0;
      for (const sql of CAMPAIGN_PRUNES) {
        const [, count] = (await qr.query(sql, [days])) as [unknown, number];
        campaigns += count;
      }
      if (executions + partitions.length + eventRuns + campaigns + flowStats > 0)
        this.logger.log({ executions, partitions, eventRuns, campaigns, flowStats, days }, 'pruned old executions');
      return { executions, partitions, eventRuns, flowStats };
    });
  }

  /**
   * Creates the execution partitions due (one transaction); logs the new ones. A failure (the lock
   * not granted in time) is logged only: runs go to DEFAULT meanwhile, and the next pass tries again.
   */
  private async ensurePartitions(): Promise<void> {
    try {
      const created = await this.db.transaction((m) =>
        ensurePartitions(
          (sql, params) => m.query(sql, params),
          Date.now(),
          spanDays(this.config.EXECUTIONS_RETENTION_DAYS),
        ),
      );
      if (created.length) this.logger.log({ created }, 'created execution partitions');
    } catch (err) {
      this.logger.error({ err }, 'creating execution partitions failed');
    }
    try {
      const changed = await this.db.transaction((m) => giveRoomForUpdates((sql, params) => m.query(sql, params)));
      if (changed.length) this.logger.log({ changed }, 'set the fillfactor of execution partitions');
    } catch (err) {
      this.logger.warn({ err }, 'setting the fillfactor of execution partitions failed (next pass)');
    }
  }

  /** Runs `work` under the advisory lock (null when another process holds it). */
  private async withLock<T>(work: (qr: QueryRunner) => Promise<T>): Promise<T | null> {
    const qr = this.db.createQueryRunner();
    await qr.connect();
    try {
      const [{ locked }] = await qr.query('SELECT pg_try_advisory_lock($1) AS locked', [LOCK_KEY]);
      if (!locked) return null;
      try {
        return await work(qr);
      } finally {
        await qr.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
      }
    } finally {
      await qr.release();
    }
  }

  private async deleteOld(query: Query, sql: string, days?: number): Promise<number> {
    let total = 0;
    for (;;) {
      // DELETE answers [rows, count] through TypeORM.
      const [, count] = (await query(sql, days === undefined ? [] : [days])) as [unknown, number];
      total += count;
      if (count < BATCH) return total;
    }
  }
}
