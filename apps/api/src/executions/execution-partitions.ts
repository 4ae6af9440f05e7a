/**
 * Time partitions of `executions` (migration ExecutionPartitions): the table is partitioned by
 * RANGE (id), and execution ids are UUIDv7 (platform/ids/uuid7.ts), whose first 48 bits are the Unix
 * milliseconds, so a partition bounded by two time prefixes holds the runs started in that span.
 * Retention drops whole partitions instead of deleting rows; `executions_default` (the DEFAULT
 * partition) takes ids outside every range (random v4 ids of old installs, runs of a span whose
 * partition was missing) and is pruned row by row.
 */

const DAY_MS = 86_400_000;
/** The DEFAULT partition (also: the table an existing install's rows stay in after the migration). */
export const DEFAULT_PARTITION = 'executions_default';
/**
 * Partitions are created to cover at least this far ahead of now (workers keep it hourly; a run
 * past it lands in DEFAULT, moved out when its partition is made). Few: every partition costs each
 * statement on the whole table planning time.
 */
export const AHEAD_MS = DAY_MS;
/**
 * DDL on the table waits this long for its lock, then gives up until the next pass: statements on
 * executions queue behind a waiting DROP or ATTACH, so the wait is a stall of the hot path.
 */
const LOCK_TIMEOUT = `SET LOCAL lock_timeout = '500ms'`;

const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Each run's row is written three times (queued, running, final) and no index covers what changes:
 * room left on its page keeps those updates HOT (no entry in any of the 7 indexes). Measured by the
 * campaign bench: 19 % of the updates HOT when full, ~70 % at 50; PostgreSQL's CPU per delivery
 * 0.8–0.9× with a limit; the table ~25 % larger (migration ExecutionFillfactor).
 */
export const EXECUTIONS_FILLFACTOR = 50;

/** A query function (TypeORM QueryRunner.query or DataSource.query): SELECT answers its rows. */
export type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/** One range partition: its table and the milliseconds its ids span, [from, to). */
export interface RangePartition {
  name: string;
  from: number;
  to: number;
}

/** The smallest UUID whose UUIDv7 time is `ms` (a partition bound). */
export function uuidAt(ms: number): string {
  const t = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${t.slice(0, 8)}-${t.slice(8)}-0000-0000-000000000000`;
}

/** The Unix ms of a UUIDv7 bound (its first 48 bits). */
function msOf(uuid: string): number {
  return parseInt(uuid.replace(/-/g, '').slice(0, 12), 16);
}

/**
 * Days one partition spans: about 7 partitions per retention, whole days (2 at the default 14). A
 * run is kept up to one span past the retention; more, shorter partitions would cost every query
 * that cannot prune (the list: by tenant and time) planning time per partition.
 */
export function spanDays(retentionDays: number): number {
  return Math.max(1, Math.ceil(retentionDays / 7));
}

/** `executions_pYYYYMMDD` after the UTC day the partition starts on. */
function nameOf(fromMs: number): string {
  return `executions_p${new Date(fromMs).toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/** The range partitions of `executions`, oldest first. */
export async function rangePartitions(query: Query): Promise<RangePartition[]> {
  const rows = (await query(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'executions'::regclass`,
  )) as { name: string; bound: string }[];
  const out: RangePartition[] = [];
  for (const r of rows) {
    const m = /FROM \('([0-9a-f-]{36})'\) TO \('([0-9a-f-]{36})'\)/.exec(r.bound);
    if (m) out.push({ name: r.name, from: msOf(m[1]!), to: msOf(m[2]!) });
  }
  return out.sort((a, b) => a.from - b.from);
}

/**
 * Adds the partition [fromMs, toMs): a new table, the DEFAULT partition's rows of that range moved
 * into it (ids of a span whose partition was missing), then attached (which checks DEFAULT holds
 * none of the range any more). Run inside a transaction.
 */
async function addPartition(query: Query, fromMs: number, toMs: number): Promise<string> {
  const name = nameOf(fromMs);
  const [lo, hi] = [uuidAt(fromMs), uuidAt(toMs)];
  await query(LOCK_TIMEOUT);
  await query(`CREATE TABLE ${name} (LIKE executions INCLUDING DEFAULTS) WITH (fillfactor = ${EXECUTIONS_FILLFACTOR})`);
  await query(
    `WITH moved AS (DELETE FROM ${DEFAULT_PARTITION} WHERE id >= $1 AND id < $2 RETURNING *) ` +
      `INSERT INTO ${name} SELECT * FROM moved`,
    [lo, hi],
  );
  await query(`ALTER TABLE executions ATTACH PARTITION ${name} FOR VALUES FROM ('${lo}') TO ('${hi}')`);
  return name;
}

/**
 * Sets EXECUTIONS_FILLFACTOR on the partitions without it (made by a process of an older version
 * during a rolling upgrade): their pages written from now on keep the room. Run inside a
 * transaction of its own (its lock may not be granted in time); returns the tables changed.
 */
export async function giveRoomForUpdates(query: Query): Promise<string[]> {
  const rows = (await query(
    `SELECT c.oid::regclass::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'executions'::regclass AND NOT coalesce(c.reloptions, '{}') @> $1::text[]`,
    [[`fillfactor=${EXECUTIONS_FILLFACTOR}`]],
  )) as { name: string }[];
  if (rows.length) await query(LOCK_TIMEOUT);
  for (const r of rows) await query(`ALTER TABLE ${r.name} SET (fillfactor = ${EXECUTIONS_FILLFACTOR})`);
  return rows.map((r) => r.name);
}

/**
 * Creates the partitions missing from the newest one (or today, UTC) until `now + AHEAD_MS`, each
 * `days` long; a gap before today (no pass for days) is left to DEFAULT. Run inside a transaction;
 * returns the tables created.
 */
export async function ensurePartitions(query: Query, now: number, days: number): Promise<string[]> {
  const parts = await rangePartitions(query);
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  let from = Math.max(parts.length ? parts[parts.length - 1]!.to : today, today);
  const created: string[] = [];
  while (from < now + AHEAD_MS) {
    const to = from + days * DAY_MS;
    created.push(await addPartition(query, from, to));
    from = to;
  }
  return created;
}

/**
 * Drops the range partitions whose every id is older than `cutoffMs` (their span ended before it),
 * one transaction each; returns their names, and those whose lock was not granted within
 * lock_timeout (`busy`: left for the next pass).
 */
export async function dropExpired(
  transaction: <T>(run: (query: Query) => Promise<T>) => Promise<T>,
  parts: readonly RangePartition[],
  cutoffMs: number,
): Promise<{ dropped: string[]; busy: string[] }> {
  const dropped: string[] = [];
  const busy: string[] = [];
  for (const p of parts) {
    if (p.to > cutoffMs) continue;
    try {
      await transaction(async (query) => {
        await query(LOCK_TIMEOUT);
        await query(`DROP TABLE ${p.name}`);
      });
      dropped.push(p.name);
    } catch (err) {
      if ((err as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw err;
      busy.push(p.name);
    }
  }
  return { dropped, busy };
}
