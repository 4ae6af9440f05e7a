/**
 * The machine: the embedded PostgreSQL's superuser is not `postgres` / `postgres`. Any local
 * process could otherwise log in on 127.0.0.1 and, through `COPY … FROM PROGRAM`, run commands as
 * the postgres user. The password is random, made on first start, kept in DATA_DIR (0600); a
 * cluster made by an older version (with the old password) gets a random one on its next start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { removeEmbeddedPostgres } from '../../src/platform/database/embedded-postgres-processes';
/** Where the password is kept, in DATA_DIR's PostgreSQL folder. */
const PASSWORD_FILE = 'superuser.password';

jest.setTimeout(90_000);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Logs in as `user`/`password`; the error code when refused ('ok' when it got in). */
async function login(port: number, password: string): Promise<string> {
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function passwordOf(url: string): string {
  return decodeURIComponent(new URL(url).password);
}

const ROOT = path.resolve(__dirname, '../../../..');
/** A secret given to the server through its environment (as SECRETS_KEY may be). */
const SECRET_IN_ENV = 'cd'.repeat(32);

/** The embedded PostgreSQL in its own process (support/embedded-pg-main.ts), as `npm start` starts it. */
class Postgres {
  output = '';
  readonly url: Promise<string>;
  private readonly exited: Promise<number | null>;
  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.url = new Promise((resolve, reject) => {
      const check = () => {
        const m = /^READY ?(\S*)$/m.exec(this.output);
        if (m) return resolve(m[1]!);
        if (child.exitCode !== null) {
          return reject(new Error(`embedded PostgreSQL exited ${child.exitCode}:\n${this.output}`));
        }
        setTimeout(check, 50);
      };
      check();
    });
  }

  static async run(mode: 'start' | 'legacy', dir: string, port: number): Promise<Postgres> {
    const main = 'apps/api/test/support/embedded-pg-main.ts';
    const child = spawn(process.execPath, ['-r', '@swc-node/register', main, mode, dir, String(port)], {
      cwd: ROOT,
      env: { ...process.env, SECRETS_KEY: SECRET_IN_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pg = new Postgres(child);
    running.add(pg);
    await pg.url;
    return pg;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    expect(await this.exited).toBe(0);
    running.delete(this);
  }
}
const running = new Set<Postgres>();

describe('the embedded PostgreSQL superuser (the machine)', () => {
  let base: string;
  const dirs: string[] = [];

  /** A PostgreSQL folder (DATA_DIR/postgres) in a folder the postgres user can reach when root. */
  const newDir = (name: string) => {
    const dir = path.join(base, name, 'postgres');
    dirs.push(dir);
    return dir;
  };

  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-pgpass-'));
    fs.chmodSync(base, 0o755);
  });

  afterAll(async () => {
    for (const pg of running) await pg.stop().catch(() => undefined);
    for (const dir of dirs) removeEmbeddedPostgres(dir);
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('a new cluster: postgres/postgres is refused; the random password is in DATA_DIR (0600)', async () => {
    const dir = newDir('new');
    const port = await freePort();
    const db = await Postgres.run('start', dir, port);
    const url = await db.url;

    expect(await login(port, 'postgres')).toBe('28P01'); // invalid_password
    const file = path.join(dir, PASSWORD_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const password = fs.readFileSync(file, 'utf8').trim();
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(passwordOf(url)).toBe(password);
    expect(await login(port, password)).toBe('ok');
    // No copy of it left beside the cluster (initdb's password file is removed).
    expect(fs.readdirSync(path.dirname(path.join(dir, 'pg'))).filter((f) => f.includes('initdb'))).toEqual([]);

    // PostgreSQL's processes do not inherit the server's secrets: a superuser reads their
    // environment through a program it runs.
    const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query('CREATE TEMP TABLE env (line text)');
      await admin.query(`COPY env FROM PROGRAM 'env'`);
      const lines = (await admin.query<{ line: string }>('SELECT line FROM env')).rows.map((r) => r.line);
      expect(lines.some((l) => l.startsWith('PATH='))).toBe(true);
      // A boolean, so that a failure does not print the environment.
      expect(lines.some((l) => l.includes(SECRET_IN_ENV))).toBe(false);
    } finally {
      await admin.end();
    }

    // A restart keeps the same password.
    await db.stop();
    const again = await Postgres.run('start', dir, port);
    expect(passwordOf(await again.url)).toBe(password);
    expect(again.output).not.toMatch(/initialising|old default/);
    expect(await login(port, 'postgres')).toBe('28P01');
    await again.stop();
  });

  it('a cluster an older version made (postgres/postgres): its next start sets a random password', async () => {
    const dir = newDir('legacy');
    const port = await freePort();
    const legacy = await Postgres.run('legacy', dir, port);
    expect(await login(port, 'postgres')).toBe('ok'); // the hole, before the upgrade
    await legacy.stop();

    const db = await Postgres.run('start', dir, port);
    const url = await db.url;
    expect(db.output).toMatch(/password was the old default; it is now a random one/);
    expect(await login(port, 'postgres')).toBe('28P01');
    const file = path.join(dir, PASSWORD_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(passwordOf(url)).toBe(fs.readFileSync(file, 'utf8').trim());
    expect(await login(port, passwordOf(url))).toBe('ok');
    expect(fs.existsSync(`${file}.pending`)).toBe(false);
    await db.stop();
  });

  it('an upgrade cut short after the password was changed, before it was kept: the next start carries on', async () => {
    const dir = newDir('cut-short');
    const port = await freePort();
    const legacy = await Postgres.run('legacy', dir, port);
    // What a start killed between ALTER ROLE and keeping the file leaves: the pending password set.
    const pending = 'ab'.repeat(24);
    fs.writeFileSync(path.join(dir, `${PASSWORD_FILE}.pending`), `${pending}\n`, { mode: 0o600 });
    const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', password: 'postgres', database: 'postgres' });
    await admin.connect();
    await admin.query(`ALTER ROLE postgres PASSWORD '${pending}'`);
    await admin.end();
    await legacy.stop();

    const db = await Postgres.run('start', dir, port);
    expect(passwordOf(await db.url)).toBe(pending);
    expect(fs.readFileSync(path.join(dir, PASSWORD_FILE), 'utf8').trim()).toBe(pending);
    expect(await login(port, 'postgres')).toBe('28P01');
    expect(await login(port, pending)).toBe('ok');
    await db.stop();
  });
});
