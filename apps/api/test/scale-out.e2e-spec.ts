/**
 * docker-compose.scale.yml's topology, run natively: one PostgreSQL (a fresh, unmigrated database
 * on the test server), two ROLE=api and two ROLE=worker processes of the built API (its sources
 * when the build is older) started at once, and Debian's nginx with the committed deploy/nginx.conf
 * in front of the API processes.
 * Everything a client does goes through nginx; the replicas are read directly only to see which
 * one did the work (their per-process metrics; the CRM's view of the worker connections).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { MIGRATIONS } from '../src/database/data-source';
import { scratchDatabase } from './db-url';
import { openStream } from './support/campaigns';
import { DeliveryCrm, NGINX, printed, startNginx, startReplica, type Nginx } from './support/scale-out';
import { freePort, type Server } from './support/server-process';
import { chainFlow, postNode, respondNode, sleep, waitFor } from './support/triggers';

const MISSING = fs.existsSync(NGINX)
  ? undefined
  : `nginx not found at ${NGINX} (apt-get install -y nginx; .ci/run installs it)`;
if (MISSING) process.stderr.write(`scale-out.e2e-spec: skipped: ${MISSING}\n`);

jest.setTimeout(120_000);

const ADMIN = { email: 'scale@test.local', password: 'tidal orchid lantern 7' };
const METRICS_TOKEN = 'scale-out-metrics-token-0123456789';
// Shared by every replica, as the compose file requires.
const SECRETS = {
  SECRETS_KEY: crypto.randomBytes(32).toString('base64'),
  JWT_SECRET: crypto.randomBytes(48).toString('base64url'),
};
const IVR_KEY = 'scale-ivr';
/** The CRM's token: sealed with SECRETS_KEY by the API replica that saves it, opened by the workers. */
const CRM_TOKEN = 'crm-token-0123456789';

(MISSING ? describe.skip : describe)(`scale-out behind nginx${MISSING ? ` (skipped: ${MISSING})` : ''}`, () => {
  const db = scratchDatabase();
  let dir: string;
  let lb: string;
  const apiBases: string[] = [];
  const apis: Server[] = [];
  const workers: Server[] = [];
  let nginx: Nginx | undefined;
  let crm: DeliveryCrm;
  let token: string;
  let apiKey: string;

  const request = (base: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${url}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        // An API key call carries no bearer token (a bearer there would be taken for the key).
        ...(token && !headers['x-api-key'] ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const ivrCall = (i: number) =>
    request(
      lb,
      'POST',
      `/api/v1/ivr/${IVR_KEY}`,
      { call: { id: `c-${i}`, callerId: `+3906${i}` } },
      {
        'x-api-key': apiKey,
      },
    );
  const postEvents = async (campaign: string, from: number, n: number) => {
    const events = Array.from({ length: n }, (_, k) => ({
      id: `${campaign}-${from + k}`,
      type: 'campaign.contact',
      campaign: { id: campaign },
    }));
    const r = await request(lb, 'POST', '/api/v1/events', events, { 'x-api-key': apiKey });
    expect(r.status).toBe(202);
    return events.map((e) => e.id);
  };
  /** IVR runs this replica answered (its own metrics, read directly). */
  const ivrRunsOf = async (base: string) => {
    const text = await (
      await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    const line = new RegExp(
      `^callflow_runs_total\\{flow="${IVR_KEY}",trigger="ivr",status="succeeded"\\} (\\d+)$`,
      'm',
    );
    return Number(line.exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    await db.create();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-scale-'));
    fs.chmodSync(dir, 0o755); // nginx's workers (user nobody) keep request bodies under it
    crm = await DeliveryCrm.start(() => workers.map((w) => w.child.pid!), CRM_TOKEN);
    const common = {
      DATABASE_URL: db.url,
      ...SECRETS,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      METRICS_TOKEN,
      OUTBOUND_ALLOW: '127.0.0.1',
      // Few runs per worker at a time, so that a batch of events needs both workers.
      WORKER_CONCURRENCY: '4',
    };
    const ports = [await freePort(), await freePort()];
    // All four at once, on a database nobody migrated yet.
    ports.forEach((port, i) => {
      apiBases.push(`http://127.0.0.1:${port}`);
      const env = {
        ...common,
        ROLE: 'api',
        PORT: String(port),
        TRUST_PROXY: '1',
        DATA_DIR: path.join(dir, `api-${i}`),
      };
      apis.push(startReplica(env));
      workers.push(startReplica({ ...common, ROLE: 'worker', DATA_DIR: path.join(dir, `worker-${i}`) }));
    });
    await Promise.all([
      ...apis.map((s) => printed(s, /callflow listening on/)),
      ...workers.map((s) => printed(s, /callflow worker started/)),
    ]);
    const lbPort = await freePort();
    fs.mkdirSync(path.join(dir, 'nginx'));
    nginx = await startNginx(lbPort, ports, path.join(dir, 'nginx'));
    lb = `http://127.0.0.1:${lbPort}`;
  });

  afterAll(async () => {
    await Promise.all([...apis, ...workers].filter((s) => s.running).map((s) => s.stop('SIGTERM')));
    await nginx?.stop();
    await crm?.close();
    await db.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('four replicas started together on an empty database apply each migration once, create one admin', async () => {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      const applied = await c.query<{ name: string; n: number }>(
        'SELECT name, count(*)::int AS n FROM migrations GROUP BY name',
      );
      expect(applied.rows).toHaveLength(MIGRATIONS.length);
      expect(applied.rows.every((r) => r.n === 1)).toBe(true);
      const admins = await c.query('SELECT email FROM users WHERE is_bootstrap');
      expect(admins.rows).toEqual([{ email: ADMIN.email }]);
    } finally {
      await c.end();
    }
  });

  it('signs in through nginx; a token issued by one replica is accepted by the other', async () => {
    const login = async (base: string) => {
      const r = await request(base, 'POST', '/api/v1/auth/login', ADMIN);
      expect(r.status).toBe(200);
      return ((await r.json()) as { accessToken: string }).accessToken;
    };
    token = await login(lb);
    const [fromFirst, fromSecond] = [await login(apiBases[0]!), await login(apiBases[1]!)];
    const flowsWith = (base: string, t: string) =>
      fetch(`${base}/api/v1/flows`, { headers: { authorization: `Bearer ${t}` } }).then((r) => r.status);
    expect(await flowsWith(apiBases[1]!, fromFirst)).toBe(200);
    expect(await flowsWith(apiBases[0]!, fromSecond)).toBe(200);
    expect(await flowsWith(lb, fromFirst)).toBe(200);
    // A token signed with another secret is refused (the check is real).
    const forged = fromFirst.replace(/\.[^.]+$/, `.${crypto.randomBytes(32).toString('base64url')}`);
    expect(await flowsWith(apiBases[1]!, forged)).toBe(401);

    const key = await request(lb, 'POST', '/api/v1/api-keys', { name: 'scale', scopes: ['triggers.invoke'] });
    expect(key.status).toBe(201);
    apiKey = ((await key.json()) as { key: string }).key;
  });

  it('publishes flows through nginx, and IVR calls through it are answered by both API replicas', async () => {
    const publish = async (key: string, definition: unknown) => {
      const created = await request(lb, 'POST', '/api/v1/flows', { name: key, key, definition });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      expect((await request(lb, 'POST', `/api/v1/flows/${id}/publish`, {})).status).toBe(200);
    };
    const ivr = { id: 't', type: 'trigger.ivr', name: 'ivr', config: { deadlineMs: 3000, fallback: { queue: 'x' } } };
    await publish(IVR_KEY, chainFlow(ivr, respondNode('{"queue":"sales","caller":"{{call.callerId}}"}')));
    const campaign = { id: 't', type: 'trigger.campaign', name: 'start', config: { campaignIds: ['scale', 'live'] } };
    // A connection holds the CRM's token: saved through one API replica, used by both workers.
    const crmConnection = { name: 'crm', type: 'bearer', token: CRM_TOKEN, allowedOrigins: [new URL(crm.url).origin] };
    const connection = await request(lb, 'POST', '/api/v1/connections', crmConnection);
    expect(connection.status).toBe(201);
    const { id: connectionId } = (await connection.json()) as { id: string };
    const post = postNode(crm.url, '{"event":"{{event.id}}","campaign":"{{campaign.id}}"}');
    const deliver = { ...post, config: { ...post.config, connectionId } };
    await publish('scale-deliver', chainFlow(campaign, deliver));

    const before = await Promise.all(apiBases.map(ivrRunsOf));
    const calls = 40;
    for (let i = 0; i < calls; i += 4) {
      const answers = await Promise.all([0, 1, 2, 3].map((k) => ivrCall(i + k)));
      for (const [k, a] of answers.entries()) {
        expect(a.status).toBe(200);
        expect(((await a.json()) as { output: unknown }).output).toEqual({ queue: 'sales', caller: `+3906${i + k}` });
      }
    }
    const after = await Promise.all(apiBases.map(ivrRunsOf));
    const answered = after.map((n, i) => n - before[i]!);
    expect(answered[0]! + answered[1]!).toBe(calls);
    expect(Math.min(...answered)).toBeGreaterThanOrEqual(calls / 4);
    // Metrics are per process: the load balancer does not serve a random replica's.
    expect((await request(lb, 'GET', '/metrics')).status).toBe(404);
  });

  it('events posted through nginx are delivered exactly once each, by both workers', async () => {
    crm.delayMs = 100;
    const ids = [...(await postEvents('scale', 0, 20)), ...(await postEvents('scale', 20, 20))];
    await waitFor(async () => (ids.every((id) => crm.countOf(id) > 0) ? true : undefined), 30_000, 'every delivery');
    await sleep(500);
    expect(crm.violations).toEqual([]);
    expect(ids.map((id) => crm.countOf(id))).toEqual(ids.map(() => 1));
    const byWorker = workers.map((w) => crm.deliveries.filter((d) => d.pid === w.child.pid).length);
    expect(byWorker[0]! + byWorker[1]!).toBe(ids.length);
    expect(Math.min(...byWorker)).toBeGreaterThan(0);
  });

  it('streams campaign progress (server-sent events) through nginx as the runs finish', async () => {
    crm.delayMs = 0;
    const [first] = await postEvents('live', 0, 1);
    await waitFor(async () => (crm.countOf(first!) ? true : undefined), 15_000, 'the first delivery');
    const stream = openStream({ baseUrl: lb, token }, '/api/v1/campaigns/live');
    try {
      await stream.ready;
      expect(stream.status).toBe(200);
      expect(stream.contentType).toMatch(/^text\/event-stream/);
      const last = () => stream.events.at(-1)?.data as { succeeded: number } | undefined;
      await waitFor(async () => (last()?.succeeded === 1 ? true : undefined), 10_000, 'the first event');
      await postEvents('live', 1, 10);
      // Each change arrives while the stream stays open: nginx does not hold it back.
      await waitFor(async () => (last()?.succeeded === 11 ? true : undefined), 20_000, 'the stream to show 11');
      expect(stream.ended).toBe(false);
      expect(stream.events.length).toBeGreaterThanOrEqual(2);
    } finally {
      stream.close();
    }
  });

  it("counts the client's address as nginx saw it, not an X-Forwarded-For the client made up", async () => {
    const wrong = { email: ADMIN.email, password: 'not the password at all' };
    const r = await request(lb, 'POST', '/api/v1/auth/login', wrong, { 'x-forwarded-for': '203.0.113.7' });
    expect(r.status).toBe(401);
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      const keys = (await c.query<{ key: string }>('SELECT key FROM login_failures')).rows.map((k) => k.key);
      expect(keys).toContain('ip:127.0.0.1');
      expect(keys.filter((k) => k.includes('203.0.113.7'))).toEqual([]);
    } finally {
      await c.end();
    }
  });

  it("limits bodies as the API does: 413 in the API's shape, webhooks' larger limit passed on", async () => {
    const big = JSON.stringify([{ id: 'x', type: 'campaign.contact', pad: 'x'.repeat(1536 * 1024) }]);
    const tooLarge = await request(lb, 'POST', '/api/v1/events', big, { 'x-api-key': apiKey });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await tooLarge.json()).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'request body too large',
    });
    // 2 MiB to a webhook reaches the API (8 MiB limit there): no such flow, its own 404.
    const hook = await request(
      lb,
      'POST',
      '/api/v1/hooks/no-such-flow',
      { pad: 'x'.repeat(2 * 1024 * 1024) },
      {
        'x-api-key': apiKey,
      },
    );
    expect(hook.status).toBe(404);
    expect(((await hook.json()) as { statusCode: number }).statusCode).toBe(404);
  });

  it('keeps answering through nginx when one API replica is killed; a 503 in the API shape once both are', async () => {
    await apis[0]!.stop('SIGKILL');
    const before = await ivrRunsOf(apiBases[1]!);
    for (let i = 0; i < 20; i++) expect((await ivrCall(1000 + i)).status).toBe(200);
    expect((await ivrRunsOf(apiBases[1]!)) - before).toBe(20);
    expect((await request(lb, 'GET', '/api/v1/health')).status).toBe(200);

    await apis[1]!.stop('SIGKILL');
    const none = await ivrCall(2000);
    expect(none.status).toBe(503);
    expect(none.headers.get('retry-after')).toBe('2');
    expect(((await none.json()) as { statusCode: number }).statusCode).toBe(503);
  });
});
