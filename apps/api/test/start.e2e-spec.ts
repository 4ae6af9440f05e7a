/**
 * `npm start` as a user meets it: the server is spawned as a real process (main.ts through
 * @swc-node/register, and the built apps/api/dist/main.js when a build exists) on a fresh DATA_DIR
 * with its own embedded PostgreSQL. First start, restart, recovery after SIGKILL, bad config,
 * structured request logs, several processes (PROCESSES).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildFresh, DIST_MAIN } from './support/build-fresh';
import { freePort, Server } from './support/server-process';

const ROOT = path.resolve(__dirname, '../../..');
const SRC_MAIN = ['-r', '@swc-node/register', 'apps/api/src/main.ts'];
/** A build exists and is not older than the sources (`npm run build` ran after the last edit). */
const BUILD_FRESH = buildFresh();
const ADMIN_EMAIL = 'start@test.local';

jest.setTimeout(60_000);

/** The node processes `pid` started (cluster children; not its postgres). */
function nodeChildren(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .flatMap((e) => {
      try {
        const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return comm === 'node' && ppid === pid ? [Number(e)] : [];
      } catch {
        return [];
      }
    });
}

/**
 * Which of `pids` holds the server end of the loopback TCP connection whose client port is `clientPort` (from
 * /proc/net/tcp and each fd).
 */
function connectionOwner(clientPort: number, serverPort: number, pids: number[]): number | undefined {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  const line = fs
    .readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[1]?.endsWith(`:${hex(serverPort)}`) && f[2]?.endsWith(`:${hex(clientPort)}`));
  const inode = line?.[9];
  if (!inode) return undefined;
  return pids.find((pid) =>
    fs.readdirSync(`/proc/${pid}/fd`).some((fd) => fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`),
  );
}

/** GET over a keep-alive connection of its own; the answer's status and the connection's client port. */
function getOnOwnConnection(
  agent: http.Agent,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; clientPort: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, clientPort: req.socket!.localPort! }));
    });
    req.on('error', reject);
  });
}

describe('starting the server (npm start)', () => {
  let dataDir: string;
  let port: number;
  let pgPort: number;
  let base: string;
  const servers: Server[] = [];
  let password: string | undefined;

  /** `group`: in its own process group, as a terminal runs it (Ctrl-C = SIGINT to the group). */
  const start = (env: Record<string, string> = {}, args = SRC_MAIN, group = false): Server => {
    // Only what a user would set: none of the test runner's database variables.
    const {
      DATABASE_URL: _d,
      TEST_DATABASE_URL: _t,
      TEST_PG_ADMIN_URL: _a,
      ADMIN_PASSWORD: _p,
      ...inherited
    } = process.env;
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: {
        ...inherited,
        DATA_DIR: dataDir,
        PORT: String(port),
        EMBEDDED_PG_PORT: String(pgPort),
        ADMIN_EMAIL,
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: group,
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
    const f = path.join(dataDir, 'postgres/pg/postmaster.pid');
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
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-start-'));
    fs.chmodSync(dataDir, 0o755); // the postgres user must traverse it (mkdtemp makes it 0700)
    port = await freePort();
    pgPort = await freePort();
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const s of servers) if (s.running) await s.stop('SIGKILL');
    // A SIGKILLed server leaves its postgres running: stop it, then drop the folder.
    const pid = postmasterPid();
    if (pid && alive(pid)) {
      process.kill(pid, 'SIGINT');
      for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('first start: sets up the database, creates the admin, prints its password once, answers /health', async () => {
    const s = start();
    await s.ready();
    expect(s.stdout).toMatch(/initialising embedded PostgreSQL/);
    const m = /First start: admin (\S+) \/ password (\S+)/.exec(s.stdout);
    expect(m?.[1]).toBe(ADMIN_EMAIL);
    password = m![2]!;
    expect(s.stdout.split(password).length - 1).toBe(1); // printed once, never logged

    const health = await fetch(`${base}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok', version: expect.any(String) });
    expect((await login(password)).status).toBe(200);
    // Structured logs: one JSON line per request, with the request id, and no secrets.
    await new Promise((r) => setTimeout(r, 200));
    const reqLine = s.jsonLines().find((l) => (l.req as { url?: string } | undefined)?.url === '/api/v1/auth/login');
    expect(reqLine).toMatchObject({
      level: 30,
      req: { id: expect.anything(), method: 'POST' },
      res: { statusCode: 200 },
    });
    expect(
      s
        .jsonLines()
        .map((l) => JSON.stringify(l))
        .join('\n'),
    ).not.toContain(password);

    expect(await s.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(s.stdout).toMatch(/callflow stopping \(SIGTERM\)/);
    expect(s.jsonLines().filter((l) => Number(l.level) >= 50)).toEqual([]);
    expect(postmasterPid()).toBeUndefined(); // its postgres stopped cleanly
  });

  it('restart: keeps the data (same admin password works), prints no password; Ctrl-C stops it cleanly', async () => {
    expect(password).toBeDefined();
    const s = start({}, SRC_MAIN, true);
    await s.ready();
    expect(s.stdout).not.toMatch(/First start|initialising/);
    expect((await login(password!)).status).toBe(200);
    expect((await login('wrong password')).status).toBe(401);
    // Ctrl-C in a terminal: SIGINT to the whole foreground process group. PostgreSQL runs in a
    // group of its own, so the server closes the app before stopping it: no error on the way out.
    process.kill(-s.child.pid!, 'SIGINT');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(s.stdout).toMatch(/callflow stopping \(SIGINT\)/);
    expect(s.jsonLines().filter((l) => Number(l.level) >= 50)).toEqual([]);
    expect(postmasterPid()).toBeUndefined();
  });

  it('ROLE=worker lowers its CPU priority (WORKER_NICE, default 10) so IVR calls go first', async () => {
    const niceOf = (pid: number, tid = pid) => {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    // Every thread (V8's and libuv's run beside the main one), not the main thread alone.
    const threadNices = (pid: number) => fs.readdirSync(`/proc/${pid}/task`).map((tid) => niceOf(pid, Number(tid)));
    for (const [env, nice] of [
      [{}, 10],
      [{ WORKER_NICE: '0' }, os.getPriority()],
    ] as const) {
      const s = start({ ROLE: 'worker', ...env });
      await s.ready(40_000, /callflow worker started \(ROLE=worker\)/);
      expect(niceOf(s.child.pid!)).toBe(nice);
      expect(new Set(threadNices(s.child.pid!))).toEqual(new Set([nice]));
      expect(await s.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
  });

  it('SIGKILL leaves an orphan postgres; the next start stops it and recovers', async () => {
    const s = start();
    await s.ready();
    expect(await s.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const orphan = postmasterPid();
    expect(orphan && alive(orphan)).toBeTruthy();

    const again = start();
    await again.ready();
    expect(again.stdout).toMatch(new RegExp(`stopping orphaned PostgreSQL \\(pid ${orphan}\\)`));
    expect(alive(orphan!)).toBe(false);
    expect((await fetch(`${base}/api/v1/health`)).status).toBe(200);
    expect((await login(password!)).status).toBe(200);
    expect(await again.stop()).toEqual({ code: 0, signal: null });
  });

  (BUILD_FRESH ? it : it.skip)(
    'the built output (apps/api/dist/main.js, when built and fresh: npm run build) runs on the same data',
    async () => {
      const s = start({}, [DIST_MAIN]);
      await s.ready();
      expect((await fetch(`${base}/api/v1/health`)).status).toBe(200);
      expect((await login(password!)).status).toBe(200);
      // The API's description, as the built server makes it (tsc's decorator metadata, not the tests' SWC):
      // it answered 500 once while every in-process test saw 200.
      const docs = await fetch(`${base}/api/docs/openapi.json`);
      expect(docs.status).toBe(200);
      const doc = (await docs.json()) as {
        components: { schemas: Record<string, { properties: Record<string, object> }> };
      };
      expect(doc.components.schemas.TokenEndpointConnection!.properties.apply).toMatchObject({
        oneOf: expect.any(Array),
      });

      expect(await s.stop()).toEqual({ code: 0, signal: null });
    },
  );

  it('PROCESSES=2: shared port and secrets, dead process replaced; SIGTERM stops both, then the database', async () => {
    const s = start({ PROCESSES: '2' });
    await s.ready();
    expect(s.stdout).toMatch(/callflow listening on .*ROLE=all, 2 processes/);
    const first = nodeChildren(s.child.pid!);
    expect(first).toHaveLength(2);

    // Each connection goes to the process with the fewest open ones: eight land four and four, and
    // a token issued by one process is accepted by the other (same JWT secret from DATA_DIR).
    const token = ((await (await login(password!)).json()) as { accessToken: string }).accessToken;
    const agents = Array.from({ length: 8 }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
    try {
      const answers = await Promise.all(
        agents.map((a) => getOnOwnConnection(a, `${base}/api/v1/flows`, { authorization: `Bearer ${token}` })),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
      const owners = answers.map((a) => connectionOwner(a.clientPort, port, first));
      expect(owners.every((o) => o !== undefined)).toBe(true);
      // The fewest-open-connections rule: an even split.
      expect(first.map((pid) => owners.filter((o) => o === pid).length)).toEqual([4, 4]);
    } finally {
      for (const a of agents) a.destroy();
    }

    // One process dies: the other keeps answering, and a new one takes its place.
    process.kill(first[0]!, 'SIGKILL');
    expect((await fetch(`${base}/api/v1/health`)).status).toBe(200);
    const until = Date.now() + 30_000;
    let now = nodeChildren(s.child.pid!);
    while ((now.length < 2 || now.includes(first[0]!)) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      now = nodeChildren(s.child.pid!);
    }
    expect(now).toHaveLength(2);
    expect(now).not.toContain(first[0]);
    expect(s.stderr).toMatch(new RegExp(`server process ${first[0]} exited \\(signal SIGKILL\\); starting another`));

    expect(await s.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(s.stdout).toMatch(/callflow stopping \(SIGTERM\)/);
    expect(now.filter(alive)).toEqual([]);
    expect(postmasterPid()).toBeUndefined();
    expect(s.jsonLines().filter((l) => Number(l.level) >= 50)).toEqual([]);
  });

  it('PROCESSES=2 when the port is taken: exit code 1 naming it, no process or database left', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const s = start({ PROCESSES: '2' });
      const { code } = await s.exited;
      expect(code).toBe(1);
      expect(s.stderr).toMatch(/callflow failed to start: listen EADDRINUSE.*:\d+/);
      expect(nodeChildren(s.child.pid!)).toEqual([]);
      expect(postmasterPid()).toBeUndefined();
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('PROCESSES=2, a process crashing while booting: exit code 1, the others stopped, no database left', async () => {
    const s = start({ PROCESSES: '2' });
    const until = Date.now() + 30_000;
    let kids: number[] = [];
    while (kids.length < 2 && Date.now() < until && s.running) {
      await new Promise((r) => setTimeout(r, 20));
      kids = nodeChildren(s.child.pid!);
    }
    expect(kids).toHaveLength(2);
    expect(s.stdout).not.toMatch(/listening/);
    process.kill(kids[0]!, 'SIGKILL');
    const { code } = await s.exited;
    expect(code).toBe(1);
    expect(s.stderr).toMatch(
      /callflow failed to start: a server process exited \(signal SIGKILL\) before it was ready/,
    );
    expect(kids.filter(alive)).toEqual([]);
    expect(postmasterPid()).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc'],
    ['DATABASE_URL', 'notaurl'],
    ['ADMIN_PASSWORD', 'short'],
    ['ROLE', 'everything'],
    ['PROCESSES', '0'],
  ])('a bad %s (%s) stops the start with exit code 1 and a message naming it', async (name, value) => {
    const s = start({ [name]: value });
    const { code } = await s.exited;
    expect(code).toBe(1);
    expect(s.stderr).toMatch(new RegExp(`invalid configuration:[\\s\\S]*\\b${name}:`));
    expect(s.stdout).not.toMatch(/listening/);
  });
});
