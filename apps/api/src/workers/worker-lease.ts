import crypto from 'node:crypto';
import os from 'node:os';
import type { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { WORKERS_TABLE } from '../queue/job-ownership';

const UPSERT_SQL = `
  INSERT INTO ${WORKERS_TABLE} (id, host, pid, lease_seconds, seen_at) VALUES ($1, $2, $3, $4, now())
  ON CONFLICT (id) DO UPDATE SET seen_at = now(), lease_seconds = EXCLUDED.lease_seconds`;
/**
 * Rows of processes dead for long enough that no job of theirs can still be active (each fetch drops
 * those it reclaims from).
 */
const PRUNE_SQL = `DELETE FROM ${WORKERS_TABLE} WHERE seen_at + make_interval(secs => lease_seconds * 10) < now()`;

/**
 * The lease of this process's queue workers: a row in `queue_workers` (random id per boot) whose
 * `seen_at` is refreshed every lease/3 seconds. The flow-runs fetch of any process hands back the
 * active jobs tagged with a worker whose row is gone or older than its `lease_seconds`.
 *
 * `held()` is the local view, measured from the start of the last refresh that succeeded (the
 * row's `seen_at` is never earlier than that, so the database sees the lease expire no sooner
 * than we do, whatever the clocks). While it is not held the worker fetches nothing; when a
 * refresh succeeds after a lapse, `onRegained` lets the worker find out which of its runs were
 * handed to others meanwhile.
 */
export class WorkerLease {
  readonly id = crypto.randomUUID();
  private readonly leaseMs: number;
  private heldUntil = 0;
  private lapsed = false;
  private lapsedAt = 0;
  private refreshing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly db: DataSource,
    readonly leaseSeconds: number,
    private readonly logger: Logger,
    private readonly onRegained: (lapsedMs: number) => void,
  ) {
    this.leaseMs = leaseSeconds * 1000;
  }

  /** Writes the row (the first write must succeed: the process is starting) and starts refreshing it. */
  async start(): Promise<void> {
    await this.db
      .query(PRUNE_SQL)
      .catch((err: unknown) => this.logger.warn({ err }, 'pruning old worker leases failed'));
    const t0 = performance.now();
    await this.write();
    this.heldUntil = t0 + this.leaseMs;
    this.timer = setInterval(() => this.tick(), Math.max(250, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
  }

  /** True while the last successful refresh is younger than the lease (see the class comment). */
  held(): boolean {
    return performance.now() < this.heldUntil;
  }

  /** Refreshes now (the fetch found the row missing or stale), unless a refresh is under way. */
  refreshSoon(): void {
    this.heldUntil = 0;
    this.tick();
  }

  /** Stops refreshing and deletes the row (graceful shutdown: nothing of ours is active any more). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.refreshing;
    await this.db
      .query(`DELETE FROM ${WORKERS_TABLE} WHERE id = $1`, [this.id])
      .catch((err: unknown) => this.logger.warn({ err }, 'deleting the worker lease failed; it expires by itself'));
  }

  private write(): Promise<unknown> {
    return this.db.query(UPSERT_SQL, [this.id, os.hostname(), process.pid, this.leaseSeconds]);
  }

  private tick(): void {
    if (this.stopped) return;
    if (!this.held() && !this.lapsed) {
      this.lapsed = true;
      this.lapsedAt = performance.now();
      this.logger.error(
        { worker: this.id, leaseSeconds: this.leaseSeconds },
        'worker lease lapsed: fetching nothing until it is refreshed; ' +
          'other workers may take over the runs in flight here',
      );
    }
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
  }

  private async refresh(): Promise<void> {
    const t0 = performance.now();
    try {
      await this.write();
    } catch (err) {
      // Retried at the next tick; past the lease, tick() reports the lapse.
      this.logger.warn({ err, worker: this.id }, 'refreshing the worker lease failed; retrying');
      return;
    }
    if (this.stopped) return;
    this.heldUntil = t0 + this.leaseMs;
    if (this.lapsed) {
      this.lapsed = false;
      this.onRegained(performance.now() - this.lapsedAt);
    }
  }
}
