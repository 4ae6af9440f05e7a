import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { withDatabase } from '../db-url';
import { chainFlow, respondNode } from '../support/triggers';

/**
 * Issue 16: an API key passed in the query string reached the log in clear when spelled
 * `?%74oken=` or given twice. Later reviews: the editor's refresh token reached the log in the
 * `set-cookie` response header of every sign-in and refresh (and opened the admin's session), and
 * a webhook flow's own secret (`auth: {in: query, name: crmId}`) or a key under a triple-encoded
 * name was logged in the URL. The real server runs as a process (main.ts, LOG_LEVEL=debug so
 * successful trigger calls log too) against a database of its own, and its stdout must never carry
 * a credential.
 */

const ROOT = path.resolve(__dirname, '../../../..');
const ADMIN = { email: 'logs@test.local', password: 'log redaction admin 7' };

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

describe('security: credentials never reach the log', () => {
  let child: ChildProcess;
  let stdout = '';
  let base: string;
  let dataDir: string;
  const dbName = `l_${crypto.randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${dbName} TEMPLATE callflow_template`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-logs-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const { TEST_DATABASE_URL: _t, TEST_PG_ADMIN_URL: _a, ...inherited } = process.env;
    child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/api/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...inherited,
        DATABASE_URL: withDatabase(process.env.TEST_PG_ADMIN_URL!, dbName),
        DATA_DIR: dataDir,
        PORT: String(port),
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'debug',
        API_DOCS: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stdout += c.toString()));
    const until = Date.now() + 60_000;
    while (!/callflow listening on/.test(stdout)) {
      if (child.exitCode !== null) throw new Error(`server exited early:\n${stdout}`);
      if (Date.now() > until) throw new Error(`server not ready:\n${stdout}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  type Headers = Record<string, string>;
  const call = async (method: string, url: string, body?: unknown, token?: string, extra: Headers = {}) => {
    const headers: Headers = { 'content-type': 'application/json', ...extra };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${url}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.text()) || '{}', setCookie: res.headers.getSetCookie() };
  };
  /** The log lines that hold any of `secrets` (the failure shows them, not the whole log). */
  const leaks = (text: string, secrets: string[]) => text.split('\n').filter((l) => secrets.some((x) => l.includes(x)));
  /** Lets the last lines reach the pipe. */
  const settle = () => new Promise((r) => setTimeout(r, 500));
  const json = <T>(r: { body: string }) => JSON.parse(r.body) as T;
  const signIn = async () => json<{ accessToken: string }>(await call('POST', '/api/v1/auth/login', ADMIN)).accessToken;
  const publish = async (token: string, key: string, definition: unknown) => {
    const flow = json<{ id: string }>(await call('POST', '/api/v1/flows', { name: key, key, definition }, token));
    expect((await call('POST', `/api/v1/flows/${flow.id}/publish`, {}, token)).status).toBe(200);
    return flow.id;
  };
  const newApiKey = async (token: string, name: string) =>
    json<{ key: string }>(await call('POST', '/api/v1/api-keys', { name, scopes: ['triggers.invoke'] }, token)).key;

  it('masks every spelling of ?token= on /ivr, /hooks and /events, answered or refused', async () => {
    const login = JSON.parse((await call('POST', '/api/v1/auth/login', ADMIN)).body) as { accessToken: string };
    const token = login.accessToken;
    for (const [key, type, config] of [
      ['logs-ivr', 'trigger.ivr', {}],
      ['logs-hook', 'trigger.webhook', { methods: ['GET', 'POST'] }],
    ] as const) {
      const definition = chainFlow({ id: 't', type, name: 't', config }, respondNode('{}'));
      const flow = JSON.parse((await call('POST', '/api/v1/flows', { name: key, key, definition }, token)).body) as {
        id: string;
      };
      expect((await call('POST', `/api/v1/flows/${flow.id}/publish`, {}, token)).status).toBe(200);
    }
    const apiKey = (
      JSON.parse(
        (await call('POST', '/api/v1/api-keys', { name: 'logs', scopes: ['triggers.invoke'] }, token)).body,
      ) as { key: string }
    ).key;
    const spellings = [
      `token=${apiKey}`,
      `%74oken=${apiKey}`,
      `to%6Ben=${apiKey}`,
      `TOKEN=${apiKey}`,
      `token=${apiKey}&token=${apiKey}`,
      `a=1&token=x&token=${apiKey}`,
      `token%00=${apiKey}`,
    ];
    const statuses: number[] = [];
    for (const q of spellings) {
      statuses.push((await call('POST', `/api/v1/ivr/logs-ivr?${q}`, {})).status);
      statuses.push((await call('POST', `/api/v1/hooks/logs-hook?${q}`, {})).status);
      statuses.push((await call('GET', `/api/v1/hooks/logs-hook?${q}`)).status);
      statuses.push(
        (await call('POST', `/api/v1/events?${q}`, { id: `ev-${statuses.length}`, type: 'call.ended' })).status,
      );
    }
    await settle();
    const requestLines = stdout.split('\n').filter((l) => /\/api\/v1\/(ivr|hooks|events)/.test(l));
    expect(requestLines.length).toBeGreaterThanOrEqual(spellings.length * 4);
    expect(stdout).not.toContain(apiKey);
    expect(stdout).not.toContain(apiKey.slice(4, 24));
    // The spellings the query parser decodes to `token` authenticate; a repeated one is refused (400), the rest are no
    // key (401).
    expect(new Set(statuses)).toEqual(new Set([200, 202, 400, 401]));
    // Every routed call's line shows where the key was (an answered IVR call logs its flow, not its URL).
    expect(
      requestLines.filter((l) => /\/api\/v1\/(hooks\/logs-hook|events)\?[^"]*\[redacted\]/.test(l)).length,
    ).toBeGreaterThanOrEqual(spellings.length * 3);
  });

  it('never logs the headers that carry credentials: Set-Cookie, Cookie, Authorization, X-Api-Key…', async () => {
    const session = { 'x-callflow-session': 'cookie' };
    const refreshOf = (setCookie: string[]) =>
      /^callflow_refresh=([^;]+)/.exec(setCookie.find((c) => c.startsWith('callflow_refresh=')) ?? '')?.[1];
    const withCookie = (value: string) => ({ ...session, cookie: `callflow_refresh=${value}` });
    const login = await call('POST', '/api/v1/auth/login', ADMIN, undefined, session);
    expect(login.status).toBe(200);
    const first = refreshOf(login.setCookie)!;
    expect(first).toMatch(/^cfr_/);
    const refreshed = await call('POST', '/api/v1/auth/refresh', {}, undefined, withCookie(first));
    expect(refreshed.status).toBe(200);
    const second = refreshOf(refreshed.setCookie)!;
    const access = json<{ accessToken: string }>(refreshed).accessToken;
    const apiKey = await newApiKey(access, 'hdr');
    const proxyAuth = `Basic ${Buffer.from('proxy:pr0xy-s3cret-value').toString('base64')}`;
    const cookie = `other=c00kie-s3cret-value; callflow_refresh=${second}`;
    // Answered, refused and failed requests, each with every credential header.
    const extra = { cookie, 'proxy-authorization': proxyAuth, 'x-api-key': apiKey };
    expect((await call('GET', '/api/v1/me', undefined, access, extra)).status).toBe(200);
    expect((await call('GET', '/api/v1/flows/not-a-uuid', undefined, access, extra)).status).toBe(400);
    expect((await call('POST', '/api/v1/hooks/no-such-hook', {}, undefined, extra)).status).toBe(404);
    expect((await call('POST', '/api/v1/auth/logout', {}, undefined, withCookie(second))).status).toBe(204);
    await settle();
    expect(stdout).toMatch(/"url":"\/api\/v1\/auth\/login"/);
    const secrets = [first, second, access, apiKey, proxyAuth, 'pr0xy-s3cret-value', 'c00kie-s3cret-value'];
    secrets.push(first.slice(4, 24), second.slice(4, 24));
    expect(leaks(stdout, secrets)).toEqual([]);
    expect(stdout.split('\n').filter((l) => /set-cookie|"cookie"|"authorization"/i.test(l))).toEqual([]);
  });

  it('masks every query value on trigger routes: a flow secret under any name, a key under any encoding', async () => {
    const token = await signIn();
    const config = { methods: ['GET'], auth: { in: 'query', name: 'crmId' } };
    const trigger = { id: 't', type: 'trigger.webhook', name: 't', config };
    const flowId = await publish(token, 'logs-crm', chainFlow(trigger, respondNode('{}', { status: 404 })));
    const secret = `crm-${crypto.randomBytes(12).toString('hex')}`;
    expect((await call('POST', `/api/v1/flows/${flowId}/webhook-secret`, { secret }, token)).status).toBe(201);
    const apiKey = await newApiKey(token, 'enc');
    const before = stdout.length;
    // The flow answers 404 (a warn line at any level); a wrong method and a wrong secret are refused.
    expect((await call('GET', `/api/v1/hooks/logs-crm?crmId=${secret}&phone=100`)).status).toBe(404);
    expect((await call('GET', `/api/v1/hooks/logs-crm?clientId=${secret}`)).status).toBe(401);
    expect((await call('POST', `/api/v1/hooks/logs-crm?crmId=${secret}`, {})).status).toBe(405);
    for (const name of ['%252574oken', '%25252574oken', 't%256Fken', 'x']) {
      await call('GET', `/api/v1/hooks/logs-crm?${name}=${apiKey}`);
      await call('POST', `/api/v1/ivr/logs-crm?${name}=${apiKey}`, {});
      await call('POST', `/api/v1/events?${name}=${apiKey}`, { id: `e-${name}`, type: 'call.ended' });
    }
    await settle();
    const lines = stdout.slice(before);
    expect(leaks(lines, [secret, secret.slice(4, 20), apiKey, apiKey.slice(4, 24)])).toEqual([]);
    // The names stay, for whoever reads the log.
    expect(lines).toContain('/api/v1/hooks/logs-crm?crmId=[redacted]&phone=[redacted]');
    expect(lines).toContain('/api/v1/hooks/logs-crm?%252574oken=[redacted]');
  });
});
