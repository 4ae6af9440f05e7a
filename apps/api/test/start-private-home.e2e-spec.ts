/**
 * `npm start` as root from a checkout in a private home (mode 0700, as /root is on most cloud
 * machines and containers): the postgres user, which PostgreSQL runs as, reaches neither the
 * checkout's DATA_DIR nor its node_modules. The server starts anyway with no settings and no
 * chmod of the home: the cluster goes to a folder of its own under /var/lib/callflow (printed),
 * the binaries run from a copy there, the secrets stay in DATA_DIR. Restart and recovery after
 * `kill -9` work there too. Only as root (elsewhere PostgreSQL runs as the user itself).
 *
 * The checkout is a hard-linked copy of this one's files (sources, manifests, node_modules) in
 * a 0700 folder; it runs main.ts through @swc-node/register like start.e2e-spec.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { removeEmbeddedPostgres } from '../src/platform/database/embedded-postgres-processes';
import { freePort, Server } from './support/server-process';

const ROOT = path.resolve(__dirname, '../../..');
const AS_ROOT = process.getuid?.() === 0 && process.platform === 'linux';
const ADMIN_EMAIL = 'private-home@test.local';
/** What a checkout needs to run apps/api/src/main.ts. */
const CHECKOUT = ['package.json', 'tsconfig.json', 'tsconfig.base.json', 'apps/api', 'libs', 'node_modules'];

jest.setTimeout(120_000);

(AS_ROOT ? describe : describe.skip)('npm start as root in a private (0700) home', () => {
  let home: string;
  let checkout: string;
  let port: number;
  let pgPort: number;
  let base: string;
  let password: string;
  let clusterDir: string;
  const servers: Server[] = [];

  const start = (): Server => {
    // Nothing set but the ports (free ones) and the admin's email: no DATA_DIR, no database.
    const inherited = { ...process.env };
    const unset = ['DATABASE_URL', 'TEST_DATABASE_URL', 'TEST_PG_ADMIN_URL', 'ADMIN_PASSWORD', 'DATA_DIR'];
    for (const name of unset) delete inherited[name];
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/api/src/main.ts'], {
      cwd: checkout,
      env: { ...inherited, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), ADMIN_EMAIL, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const s = new Server(child);
    servers.push(s);
    return s;
  };

  const login = (pw: string) =>
    fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN_EMAIL, password: pw }),
    });

  const postmasterPid = (): number | undefined => {
    const f = path.join(clusterDir, 'postmaster.pid');
    return fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8').split('\n')[0]) : undefined;
  };
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    home = path.join(ROOT, '.data', `private-home-${process.pid}`);
    fs.rmSync(home, { recursive: true, force: true });
    fs.mkdirSync(home, { recursive: true });
    fs.chmodSync(home, 0o700);
    checkout = path.join(home, 'callflow');
    for (const entry of CHECKOUT) {
      const to = path.join(checkout, entry);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      try {
        execFileSync('cp', ['-al', path.join(ROOT, entry), to]); // hard links: under a second
      } catch {
        execFileSync('cp', ['-a', path.join(ROOT, entry), to]);
      }
    }
    port = await freePort();
    pgPort = await freePort();
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const s of servers) if (s.running) await s.stop('SIGKILL');
    if (checkout) removeEmbeddedPostgres(path.join(checkout, '.data', 'postgres'));
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('first start: the cluster goes outside the home (said where); sign-in works; the home stays 0700', async () => {
    const s = start();
    await s.ready(90_000);
    const said = /embedded PostgreSQL: cluster in (\S+), as the postgres user cannot reach (\S+) \((\S+) is private\)/;
    const m = said.exec(s.stdout);
    expect(m).not.toBeNull();
    clusterDir = m![1]!;
    expect(m![2]).toBe(path.join(checkout, '.data', 'postgres'));
    // The private folder named: this home, or one above it when this checkout is itself in one.
    expect(`${home}/`.startsWith(`${m![3]}/`)).toBe(true);
    expect(fs.statSync(m![3]!).mode & 0o001).toBe(0);
    expect(clusterDir.startsWith('/var/lib/callflow/')).toBe(true);
    expect(s.stdout).toMatch(
      /embedded PostgreSQL: runs from \/var\/lib\/callflow\/postgresql-\S+, as the postgres user cannot reach node_mod/,
    );

    const pw = /First start: admin (\S+) \/ password (\S+)/.exec(s.stdout);
    expect(pw?.[1]).toBe(ADMIN_EMAIL);
    password = pw![2]!;
    const health = await fetch(`${base}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });
    expect((await login(password)).status).toBe(200);

    // The cluster belongs to the postgres user; nothing of the home was opened to it.
    const postgresUid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    expect(fs.statSync(clusterDir).uid).toBe(postgresUid);
    expect(fs.statSync(home).mode & 0o777).toBe(0o700);
    // The secrets stay in DATA_DIR, the superuser's password among them.
    expect(fs.statSync(path.join(checkout, '.data', 'postgres', 'superuser.password')).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(checkout, '.data', 'secrets.key'))).toBe(true);
    expect(fs.existsSync(path.join(checkout, '.data', 'postgres', 'pg'))).toBe(false);

    expect(await s.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(postmasterPid()).toBeUndefined();
  });

  it('restart keeps the data; after kill -9 the next start stops the orphaned PostgreSQL and carries on', async () => {
    expect(password).toBeDefined();
    const s = start();
    await s.ready(90_000);
    expect(s.stdout).not.toMatch(/First start|initialising/);
    expect(s.stdout).toContain(`cluster in ${clusterDir}`);
    expect((await login(password)).status).toBe(200);

    expect(await s.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const orphan = postmasterPid();
    expect(orphan && alive(orphan)).toBeTruthy();

    const again = start();
    await again.ready(90_000);
    expect(again.stdout).toMatch(new RegExp(`stopping orphaned PostgreSQL \\(pid ${orphan}\\)`));
    expect(alive(orphan!)).toBe(false);
    expect((await fetch(`${base}/api/v1/health`)).status).toBe(200);
    expect((await login(password)).status).toBe(200);
    expect(await again.stop()).toEqual({ code: 0, signal: null });
    expect(postmasterPid()).toBeUndefined();
  });
});
