/**
 * Wake-ups between processes over PostgreSQL's LISTEN/NOTIFY, so that a worker waiting for work
 * does not wait for its poll (QUEUE_POLL_SECONDS): `queued` when runs were committed (by any API
 * process), `released` when a job of a limited flow left `active` without a job handed its slot
 * (a worker held back by that flow's limit may now fetch). A notification sent inside a
 * transaction is delivered at its commit, so a woken worker sees the change. The poll stays: a
 * lost connection (or a notification sent while it was down) costs one poll interval, no more.
 */
import type { Logger } from '@nestjs/common';
import { Client } from 'pg';

export const QUEUE_CHANNEL = 'callflow_flow_runs';
export type QueueSignal = 'queued' | 'released' | 'paused';

/** SQL that sends `signal` (inside a transaction: at its commit). */
export const notifySql = (signal: QueueSignal) => `SELECT pg_notify('${QUEUE_CHANNEL}', '${signal}')`;

const RECONNECT_MS = 1_000;

/** One LISTEN session of a worker process; reconnects after a loss (meanwhile the poll covers). */
export class QueueListener {
  private client: Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly onSignal: (signal: QueueSignal) => void,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.connect().catch((err: unknown) => this.lost(err));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const c = new Client({ connectionString: this.url, application_name: 'callflow-queue-listen' });
    let gone = false;
    const onGone = (err?: unknown) => {
      if (gone) return;
      gone = true;
      if (this.client === c) this.client = undefined;
      void c.end().catch(() => undefined);
      this.lost(err);
    };
    c.on('error', onGone);
    c.on('end', () => onGone());
    c.on('notification', (n) => {
      if (n.payload === 'queued' || n.payload === 'released' || n.payload === 'paused') this.onSignal(n.payload);
    });
    await c.connect();
    await c.query(`LISTEN ${QUEUE_CHANNEL}`);
    if (this.stopped) {
      await c.end().catch(() => undefined);
      return;
    }
    this.client = c;
    // Anything sent while we were not listening: look once; and as for a pause (standby jobs go back;
    // the next statements reserve again, skipping paused campaigns).
    this.onSignal('queued');
    this.onSignal('paused');
  }

  private lost(err?: unknown): void {
    if (this.stopped || this.retry) return;
    this.logger.warn({ err }, 'queue wake-up session lost; polling until it is back');
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) void this.connect().catch((e: unknown) => this.lost(e));
    }, RECONNECT_MS);
    this.retry.unref();
  }
}
