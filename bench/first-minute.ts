/**
 * A newcomer's first minute, measured: a fresh clone of this repository (its committed HEAD) in a
 * new private folder (0700, as a home folder is), then the README's two commands, `npm install`
 * and `npm start` (which builds, then serves), timed until `GET /api/v1/health` first answers 200.
 * It checks that the printed admin password signs in and that the printed URL is the one that
 * answers. Two runs: npm's cache as this machine has it (warm), and an empty cache of its own
 * (cold: every package downloaded from the registry).
 *
 * `BENCH_SECTIONS=first-minute npm run bench` writes it to bench/README.md (not in the default
 * set: ~2-4 minutes of installing and building); `node -r @swc-node/register bench/first-minute.ts`
 * prints it. FIRST_MINUTE_CACHES=warm (or cold) runs one of the two.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeEmbeddedPostgres } from '../apps/api/src/platform/database/embedded-postgres-processes';
import { freePort } from './processes';

const ROOT = path.resolve(__dirname, '..');
const HEALTH_TIMEOUT_MS = 15 * 60_000;
/** What a newcomer has not set. */
const UNSET = ['DATA_DIR', 'DATABASE_URL', 'ADMIN_PASSWORD', 'PORT', 'NODE_ENV'];

interface Timing {
  cache: 'warm' | 'cold';
  installMs: number;
  /** `npm start` until its server's first line (the build: libs, API, editor). */
  buildMs: number;
  /** `npm start` until the first 200 of /api/v1/health. */
  startMs: number;
  totalMs: number;
  packages: string;
  npm: string;
}

/**
 * The environment a newcomer's shell has: none of npm's own variables from `npm run bench`, and
 * its PATH without the node_modules/.bin folders `npm run` puts first (node-red brings an npm 10
 * there, which would run instead of the machine's npm and rewrite the lockfile its own way).
 */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_/i.test(k) && !UNSET.includes(k)) env[k] = v;
  }
  const dirs = (env.PATH ?? '').split(path.delimiter);
  env.PATH = dirs.filter((d) => !/node_modules[\\/]\.bin$|node-gyp-bin$/.test(d)).join(path.delimiter);
  return { ...env, ...extra };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out] });
    child.once('exit', (code) => {
      fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${tail(logFile)}`));
    });
  });
}

function tail(file: string, lines = 15): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '';
}

async function healthy(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/api/v1/health`)).status === 200;
  } catch {
    return false;
  }
}

/** SIGTERM to `npm start`'s process group (npm, its shell, the server), SIGKILL after 30 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid!, 'SIGTERM');
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

async function once(cache: 'warm' | 'cold', log: (m: string) => void): Promise<Timing> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-first-minute-')); // 0700, as a home is
  const checkout = path.join(home, 'callflow');
  const logFile = path.join(home, 'output.log');
  let server: ChildProcess | undefined;
  try {
    execFileSync('git', ['clone', '--quiet', ROOT, checkout]);
    const port = await freePort();
    const env = cleanEnv({
      PORT: String(port),
      EMBEDDED_PG_PORT: String(await freePort()),
      ...(cache === 'cold' ? { npm_config_cache: path.join(home, 'npm-cache') } : {}),
    });
    log(`first minute (${cache} npm cache): npm install in ${checkout}`);
    const t0 = Date.now();
    await run('npm', ['install'], checkout, env, logFile);
    const installMs = Date.now() - t0;
    const packages = /added (\d+) packages?/.exec(fs.readFileSync(logFile, 'utf8'))?.[1] ?? '?';
    const npmVersion = execFileSync('npm', ['--version'], { cwd: checkout, env, encoding: 'utf8' }).trim();
    // The README's first command leaves the committed lockfile as it is.
    const changed = execFileSync('git', ['status', '--porcelain'], { cwd: checkout, encoding: 'utf8' }).trim();
    if (changed) throw new Error(`npm install changed the checkout:\n${changed}`);

    log(`first minute (${cache}): npm start`);
    const t1 = Date.now();
    let stdout = '';
    let buildMs = 0;
    server = spawn('npm', ['start'], { cwd: checkout, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    server.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (!buildMs && /^(initialising embedded|embedded PostgreSQL)/m.test(stdout)) buildMs = Date.now() - t1;
    });
    server.stderr!.on('data', (c: Buffer) => (stdout += c.toString()));
    const base = `http://127.0.0.1:${port}`;
    while (!(await healthy(base))) {
      if (server.exitCode !== null) throw new Error(`npm start exited ${server.exitCode}:\n${stdout.slice(-2000)}`);
      if (Date.now() - t1 > HEALTH_TIMEOUT_MS) throw new Error(`no answer from ${base} after ${HEALTH_TIMEOUT_MS} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const t2 = Date.now();

    // What the newcomer reads on the console is enough: the password signs in, the URL answers.
    const password = /First start: admin (\S+) \/ password (\S+)/.exec(stdout);
    if (!password) throw new Error(`no admin password printed:\n${stdout.slice(-2000)}`);
    if (!stdout.includes(`callflow listening on ${base}`)) throw new Error(`the printed URL is not ${base}`);
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: password[1], password: password[2] }),
    });
    if (login.status !== 200) throw new Error(`the printed password did not sign in (${login.status})`);
    return { cache, installMs, buildMs, startMs: t2 - t1, totalMs: t2 - t0, packages, npm: npmVersion };
  } finally {
    if (server) await stopGroup(server);
    removeEmbeddedPostgres(path.join(checkout, '.data', 'postgres'));
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(0);

/** The section's markdown. */
export async function benchFirstMinute(log: (m: string) => void = () => undefined): Promise<string> {
  const caches = (process.env.FIRST_MINUTE_CACHES ?? 'warm,cold').split(',').map((c) => c.trim());
  const rows: Timing[] = [];
  for (const cache of caches) rows.push(await once(cache === 'cold' ? 'cold' : 'warm', log));
  const asRoot = process.getuid?.() === 0;
  return [
    '## First minute: from `npm install` to the first answer',
    '',
    'A fresh `git clone` of the repository in a new private folder (0700, as a home folder is' +
      `${asRoot ? '; as root, so the embedded PostgreSQL goes to /var/lib/callflow' : ''}), ` +
      "then the README's two " +
      'commands with nothing set: `npm install`, then `npm start` (it builds the libraries, the API and the editor, ' +
      'then serves), until `GET /api/v1/health` first answers 200. Each run also checks that the printed admin ' +
      "password signs in at the printed URL. Warm: npm's cache as this machine has it; cold: an empty cache " +
      "(every package downloaded from the registry). One run of each: the times move with the machine's load " +
      '(the 1-minute load average is given above) as much as with the cache. Measured by `bench/first-minute.ts`.',
    '',
    '| npm cache | npm | packages | `npm install` s | build s | build + first start s | ' +
      '`npm install` → first answer s |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.cache} | ${r.npm} | ${r.packages} | ${seconds(r.installMs)} | ${seconds(r.buildMs)} | ` +
        `${seconds(r.startMs)} | ${seconds(r.totalMs)} |`,
    ),
  ].join('\n');
}

if (require.main === module) {
  benchFirstMinute((m) => process.stderr.write(`${m}\n`)).then(
    (md) => process.stdout.write(`${md}\n`),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
