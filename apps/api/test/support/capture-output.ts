import fs from 'node:fs';

/**
 * Captures everything written to stdout/stderr, whichever way (pino's sonic-boom writes to the
 * fd), into `logs`; the app's JSON log lines are kept there rather than printed. Returns the
 * function that restores the streams. For canary tests: a secret must not appear in the logs.
 */
export function captureOutput(logs: string[]): () => void {
  const restore: (() => void)[] = [];
  const text = (b: unknown) =>
    Buffer.isBuffer(b)
      ? b.toString('utf8')
      : typeof b === 'string'
        ? b
        : ArrayBuffer.isView(b)
          ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8')
          : '';
  const quiet = (rest: unknown[]) => {
    const cb = rest.find((x) => typeof x === 'function') as ((e: null, n: number) => void) | undefined;
    if (cb) setImmediate(() => cb(null, 0));
    return 0;
  };
  for (const name of ['write', 'writeSync'] as const) {
    const real = fs[name] as (...a: unknown[]) => unknown;
    (fs as Record<string, unknown>)[name] = function (fd: number, buf: unknown, ...rest: unknown[]) {
      if (fd === 1 || fd === 2) {
        logs.push(text(buf));
        if (text(buf).startsWith('{"level"')) return quiet(rest);
      }
      return real.call(fs, fd, buf, ...rest);
    };
    restore.push(() => ((fs as Record<string, unknown>)[name] = real));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const real = stream.write;
    stream.write = function (chunk: unknown, ...rest: unknown[]) {
      logs.push(text(chunk));
      if (text(chunk).startsWith('{"level"')) {
        quiet(rest);
        return true;
      }
      return (real as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    } as typeof stream.write;
    restore.push(() => (stream.write = real));
  }
  return () => {
    for (const r of restore.reverse()) r();
  };
}

/** Every row of every table of the public and pgboss schemas, as text (to search for a canary). */
export async function dumpDatabase(db: { query(sql: string): Promise<unknown> }): Promise<string> {
  const tables = (await db.query(
    `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('public', ` +
      `'pgboss') AND table_type = 'BASE TABLE'`,
  )) as { table_schema: string; table_name: string }[];
  let dump = '';
  for (const { table_schema, table_name } of tables) {
    const rows = (await db.query(`SELECT x::text AS r FROM "${table_schema}"."${table_name}" x`)) as { r: string }[];
    dump += rows.map((r) => r.r).join('\n');
  }
  return dump;
}
