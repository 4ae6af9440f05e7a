import type { DataSource } from 'typeorm';

/**
 * The PostgreSQL advisory lock keys of this app, in one place so that no two uses share a key by
 * accident (the per-tenant and per-key locks hash their own text instead).
 */
export const ADVISORY_LOCK = {
  /** Migrations (session lock): processes starting together apply them one at a time. */
  migrations: 7200,
  /** The first admin (transaction lock): created once. */
  bootstrap: 7201,
  /** Retention passes (session try-lock): one process at a time. */
  retention: 7210,
  /** flow-runs fetches across processes (transaction lock; shared by finishing statements). */
  fetch: 7211,
  /** The flow-runs queue's creation and settings (session lock), see queue-setup.ts. */
  queueSetup: 7212,
} as const;

/**
 * Runs `work` while this process holds the session advisory lock `key`, waiting for it. The lock is
 * taken and released on one connection of its own, held for the whole of `work` (through the pool,
 * lock and unlock could land on different connections); `work` uses the pool as usual.
 */
export async function withSessionLock<T>(db: DataSource, key: number, work: () => Promise<T>): Promise<T> {
  const lock = db.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [key]);
    try {
      return await work();
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    await lock.release();
  }
}
