/**
 * Child processes of the benchmarks (the API, the mock CRM, the raw baseline): started on
 * 127.0.0.1 with free ports, always stopped (also when the bench fails or is interrupted).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { buildFresh, DIST_MAIN } from '../apps/api/test/support/build-fresh';

export const ROOT = path.resolve(__dirname, '..');

const children = new Set<ChildProcess>();
let hooked = false;

/** Kills whatever is still running when the bench process exits (SIGTERM lets the API stop its postgres first). */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      void Promise.all([...children].map((c) => stopChild(c))).finally(() => process.exit(130));
    });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child is gone. */
export function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  children.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface Started {
  port: number;
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Runs a plain node script that prints `listening <port>` when ready. */
export function startScript(file: string, env: Record<string, string> = {}): Promise<Started> {
  hookExit();
  const child = spawn(process.execPath, [file], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        const port = Number(m[1]);
        resolve({ port, base: `http://127.0.0.1:${port}`, child, stop: () => stopChild(child) });
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${file} exited (${code}) before listening: ${out}`)));
  });
}

/**
 * How to run the API: the build when it is up to date (`npm run build`), else the sources through
 * SWC; `root`: another checkout, whose build is used as it is.
 */
export function apiEntry(root?: string): { args: string[]; what: string } {
  // The node flags `npm start` and the Dockerfile use.
  const flags = ['--max-semi-space-size=64'];
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of every API and worker process, written there as each exits.
  if (process.env.BENCH_CPU_PROF) flags.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`);
  if (root) return { args: [...flags, path.join(root, 'apps/api/dist/main.js')], what: `built output of ${root}` };
  return buildFresh()
    ? { args: [...flags, DIST_MAIN], what: 'built output (apps/api/dist/main.js)' }
    : {
        args: [...flags, '-r', '@swc-node/register', 'apps/api/src/main.ts'],
        what: 'sources through @swc-node/register (no fresh build)',
      };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops a postgres left running in `pgDataDir` by an interrupted bench, so the folder can be wiped. */
export async function stopStalePostgres(pgDataDir: string): Promise<void> {
  const pidFile = path.join(pgDataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!(pid > 0) || !alive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

export interface ApiProcess extends Started {
  what: string;
  logFile: string;
}

/**
 * The real API as its own process, on a fresh embedded PostgreSQL in `dataDir` (wiped first),
 * logging to `dataDir/api.log`. Ready when /api/v1/health answers 200.
 */
export async function startApi(dataDir: string, env: Record<string, string>): Promise<ApiProcess> {
  hookExit();
  await stopStalePostgres(path.join(dataDir, 'postgres/pg'));
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const [port, pgPort] = [await freePort(), await freePort()];
  // BENCH_API_ROOT: the build of another checkout, with its node_modules (an A/B of two commits).
  const other = process.env.BENCH_API_ROOT;
  const { args, what } = apiEntry(other);
  const logFile = path.join(dataDir, 'api.log');
  const log = fs.openSync(logFile, 'w');
  const { DATABASE_URL: _d, ...inherited } = process.env;
  // BENCH_API_NODE_ARGS: extra node flags for the API process (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: other ?? ROOT,
    env: {
      ...inherited,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      EMBEDDED_PG_PORT: String(pgPort),
      ...env,
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  children.add(child);
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the API exited (${child.exitCode}):\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
    // The listening line comes once every process of PROCESSES > 1 serves (health answers with the first).
    const ok = await fetch(`${base}/api/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok && fs.readFileSync(logFile, 'utf8').includes('callflow listening on')) break;
    if (Date.now() > until) {
      await stopChild(child);
      throw new Error(`the API did not become healthy in 90 s:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { port, base, child, what, logFile, stop: () => stopChild(child) };
}

/** One API or worker process started by startNodeService. */
export interface NodeService {
  name: string;
  child: ChildProcess;
  pid: number;
  /** http://127.0.0.1:<port> for an HTTP role, '' for ROLE=worker. */
  base: string;
  logFile: string;
  /** Resolves when the process has exited (whoever ended it). */
  exited: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs the API entry (see apiEntry) as one service process with `env` (DATABASE_URL, ROLE, ...),
 * logging to `logFile` (appended: a restart keeps the previous output). Ready when
 * /api/v1/health answers 200, or for ROLE=worker when it prints that its workers started.
 */
export async function startNodeService(
  name: string,
  env: Record<string, string>,
  logFile: string,
  timeoutMs = 90_000,
  /** Another checkout whose build runs instead (an A/B of two commits); its node_modules too. */
  root?: string,
): Promise<NodeService> {
  hookExit();
  const port = env.ROLE === 'worker' ? 0 : Number(env.PORT ?? (await freePort()));
  const { args } = apiEntry(root);
  fs.appendFileSync(logFile, `\n--- ${name} starting at ${new Date().toISOString()} ---\n`);
  const from = fs.statSync(logFile).size;
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, args, {
    cwd: root ?? ROOT,
    env: { ...process.env, HOST: '127.0.0.1', ...env, PORT: String(port || 3000) },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = port ? `http://127.0.0.1:${port}` : '';
  const tail = () => fs.readFileSync(logFile).subarray(from).toString().slice(-3000);
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail()}`);
    const ready = base
      ? await fetch(`${base}/api/v1/health`).then(
          (r) => r.ok,
          () => false,
        )
      : tail().includes('callflow worker started');
    if (ready) break;
    if (Date.now() > until) {
      await stopChild(child);
      throw new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { name, child, pid: child.pid!, base, logFile, exited, stop: () => stopChild(child) };
}
