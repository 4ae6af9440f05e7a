import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

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
 * Runs `work` while this process holds the session advisory lock `key`, waiting for it (`waiting` is
 * called first when another session holds it, so the wait can be told). The lock lives on one
 * connection of its own, held for the whole of `work` (through the pool, lock and unlock could land
 * on different connections); `work` uses the pool as usual. A connection that failed to unlock, or
 * was lost, is closed rather than handed back: PostgreSQL then frees the lock, where a pooled
 * session still holding it would stall every other process at this step.
 */
export async function withSessionLock<T>(
  db: DataSource,
  key: number,
  work: () => Promise<T>,
  waiting?: () => void,
): Promise<T> {
  const [client, release] = (await (db.driver as PostgresDriver).obtainMasterConnection()) as [
    PoolClient,
    (err?: Error) => void,
  ];
  let broken: Error | undefined;
  // A checked-out client has no pool listener: a lost connection would be an unhandled 'error'.
  const onError = (err: Error) => (broken ??= err);
  client.on('error', onError);
  const lockSql = async (sql: string) => {
    try {
      return (await client.query<{ ok: boolean }>(sql, [key])).rows[0];
    } catch (err) {
      broken ??= err instanceof Error ? err : new Error(String(err));
      throw err;
    }
  };
  try {
    if (!(await lockSql('SELECT pg_try_advisory_lock($1) AS ok'))?.ok) {
      waiting?.();
      await lockSql('SELECT pg_advisory_lock($1)');
    }
    try {
      return await work();
    } finally {
      await lockSql('SELECT pg_advisory_unlock($1) AS ok').catch(() => undefined);
    }
  } finally {
    client.off('error', onError);
    release(broken);
  }
}
