import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BackgroundTask } from '../platform/tasks/background-task';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';

const EVERY_MS = 60 * 60 * 1000;
const FIRST_AFTER_MS = 60 * 1000;
const BATCH = 5_000;
/** Advisory lock key: one process prunes at a time. */
const LOCK_KEY = 7210;
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
 * Deletes executions and event idempotency records older than EXECUTIONS_RETENTION_DAYS, hourly,
 * in worker processes only, under an advisory lock, in batches (no long lock on the tables), and
 * flow stats rollups past their own retention (FLOW_STATS_PRUNE).
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

  onApplicationBootstrap(): void {
    if (this.config.ROLE !== 'api') this.task.start(EVERY_MS, FIRST_AFTER_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One pass; returns the rows deleted per table, or null when another process holds the lock. */
  async prune(): Promise<{ executions: number; eventRuns: number; flowStats: number } | null> {
    const qr = this.db.createQueryRunner();
    await qr.connect();
    try {
      const [{ locked }] = await qr.query('SELECT pg_try_advisory_lock($1) AS locked', [LOCK_KEY]);
      if (!locked) return null;
      try {
        const days = this.config.EXECUTIONS_RETENTION_DAYS;
        const executions = await this.deleteOld(
          qr.query.bind(qr),
          `DELETE FROM executions WHERE id IN (SELECT id FROM executions ` +
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
        if (executions + eventRuns + campaigns + flowStats > 0)
          this.logger.log({ executions, eventRuns, campaigns, flowStats, days }, 'pruned old executions');
        return { executions, eventRuns, flowStats };
      } finally {
        await qr.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
      }
    } finally {
      await qr.release();
    }
  }

  private async deleteOld(
    query: (sql: string, params: unknown[]) => Promise<unknown>,
    sql: string,
    days?: number,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      // DELETE answers [rows, count] through TypeORM.
      const [, count] = (await query(sql, days === undefined ? [] : [days])) as [unknown, number];
      total += count;
      if (count < BATCH) return total;
    }
  }
}
