import type { EntityManager } from 'typeorm';

/**
 * Failed attempts kept in PostgreSQL (table `login_failures`: a key and a time), so that every API
 * process sharing the database sees the same counts. The sign-in throttle (`auth/login-throttle`)
 * and the webhook-secret throttle (`webhook-secrets/webhook-secret-throttle`) both count here,
 * under keys of their own (`acct:`/`ip:`, `hook:`/`hookset:`), over the same window.
 */

/** Failures are counted over this window; the table keeps nothing older. */
export const FAILURE_WINDOW_SECONDS = 15 * 60;

/** The window's failures under one key. */
export interface FailureCount {
  n: number;
  oldest: Date;
}

/** Anything that runs SQL: a DataSource, or an EntityManager inside a transaction. */
type Sql = Pick<EntityManager, 'query'>;

/** The window's failures of each key (keys without any are absent). */
export async function countFailures(m: Sql, keys: string[]): Promise<Map<string, FailureCount>> {
  const rows: { key: string; n: number; oldest: Date }[] = await m.query(
    `SELECT key, count(*)::int AS n, min(created_at) AS oldest FROM login_failures
     WHERE key = ANY($1) AND created_at > now() - make_interval(secs => $2) GROUP BY key`,
    [keys, FAILURE_WINDOW_SECONDS],
  );
  return new Map(rows.map((r) => [r.key, { n: r.n, oldest: new Date(r.oldest) }]));
}

/** Records one failure under each key (forgetting those past the window); returns the new rows' ids. */
export async function recordFailures(m: Sql, keys: string[]): Promise<string[]> {
  await m.query(`DELETE FROM login_failures WHERE created_at < now() - make_interval(secs => $1)`, [
    FAILURE_WINDOW_SECONDS,
  ]);
  const values = keys.map((_, i) => `($${i + 1})`).join(', ');
  const ids: { id: string }[] = await m.query(`INSERT INTO login_failures (key) VALUES ${values} RETURNING id`, keys);
  return ids.map((r) => String(r.id));
}

/**
 * Records one failure under `key` and returns the window's count with it, in one statement (no
 * transaction): for throttles that count after the fact.
 */
export async function recordAndCountFailure(m: Sql, key: string): Promise<FailureCount> {
  const rows: { n: number; oldest: Date | null; now: Date }[] = await m.query(
    `WITH pruned AS (DELETE FROM login_failures WHERE created_at < now() - make_interval(secs => $2)),
          added AS (INSERT INTO login_failures (key) VALUES ($1) RETURNING created_at)
     SELECT count(*)::int + 1 AS n, min(created_at) AS oldest, (SELECT created_at FROM added) AS now
     FROM login_failures WHERE key = $1 AND created_at > now() - make_interval(secs => $2)`,
    [key, FAILURE_WINDOW_SECONDS],
  );
  const r = rows[0]!;
  return { n: r.n, oldest: new Date(r.oldest ?? r.now) };
}

/**
 * Seconds to wait before `count` is under `limit` again (the oldest failure leaving the window
 * first), or 0 when it is under already.
 */
export function retryAfterSeconds(count: FailureCount | undefined, limit: number, now = Date.now()): number {
  if (!count || count.n < limit) return 0;
  const until = count.oldest.getTime() + FAILURE_WINDOW_SECONDS * 1000;
  return Math.max(1, Math.ceil((until - now) / 1000));
}
