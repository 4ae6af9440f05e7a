import crypto from 'node:crypto';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** Statements prepared per session (pool clients are reused objects; a new connection is a new one). */
const prepared = new WeakMap<PoolClient, Set<string>>();

/** A parameter as a literal of EXECUTE's argument list (strings escaped by the driver). */
function literal(client: PoolClient, v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error(`not an integer: ${v}`);
    return String(v);
  }
  if (v instanceof Date) return client.escapeLiteral(v.toISOString());
  // The simple protocol ends the query text at a NUL: refused, never cut.
  if (typeof v === 'string' && !v.includes('\u0000')) return client.escapeLiteral(v);
  throw new Error(`unsupported parameter: ${typeof v}`);
}

/**
 * Runs `sql` ($1… parameters: strings, integers, dates, nulls) as a statement prepared once per
 * session and run with a generic plan. For queries on executions that cannot prune its partitions
 * (by tenant and time): a custom plan, which PostgreSQL keeps choosing for them, is planned anew at
 * each call, for every partition (measured: 1.5 ms against 0.25 ms run with the generic plan at 25
 * partitions). One round trip: PREPARE the first time, then `SET LOCAL` and EXECUTE with the values
 * inlined, in the implicit transaction of one simple query.
 */
export async function genericQuery<R>(db: DataSource, sql: string, params: readonly unknown[]): Promise<R[]> {
  const name = `callflow_q_${crypto.createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
  const [client, release] = (await (db.driver as PostgresDriver).obtainMasterConnection()) as [
    PoolClient,
    (err?: unknown) => void,
  ];
  let failed: unknown;
  // A checked-out client has no pool listener: a lost connection would be an unhandled 'error'.
  const onError = (err: unknown) => (failed ??= err);
  client.on('error', onError);
  try {
    const names = prepared.get(client) ?? new Set<string>();
    const prepare = names.has(name) ? '' : `PREPARE ${name} AS ${sql};\n`;
    const args = params.length ? `(${params.map((p) => literal(client, p)).join(', ')})` : '';
    const res = (await client.query(
      `${prepare}SET LOCAL plan_cache_mode = force_generic_plan;\nEXECUTE ${name}${args}`,
    )) as unknown;
    names.add(name);
    prepared.set(client, names);
    const results = res as { rows: R[] }[];
    return results[results.length - 1]!.rows;
  } catch (err) {
    failed = err;
    throw err;
  } finally {
    client.off('error', onError);
    // A session that failed is not handed back (it may be gone, or mid-transaction).
    release(failed === undefined ? undefined : failed instanceof Error ? failed : new Error(String(failed)));
  }
}
