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
 * `?%74oken=` or given twice. The real server runs as a process (main.ts, LOG_LEVEL=debug so
 * successful trigger calls log too) against a database of its own; every spelling is sent to the
 * IVR fast path and to the routed triggers, and its stdout must never carry the key.
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

describe('security: API keys in the query string never reach the log', () => {
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

  const call = async (method: string, url: string, body?: unknown, token?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.text()) || '{}' };
  };

  it('masks every spelling of ?token= on /ivr, /hooks and /events, answered or refused', async () => {
    const login = JSON.parse((await call('POST', '/api/v1/auth/login', ADMIN)).body) as { accessToken: string };
    const token = login.accessToken;
    for (const [key, type, config] of [['logs-ivr', 'trigger.ivr', {}], ['logs-hook', 'trigger.webhook', { methods: ['GET', 'POST'] }]] as const) {
      const definition = chainFlow({ id: 't', type, name: 't', config }, respondNode('{}'));
      const flow = JSON.parse((await call('POST', '/api/v1/flows', { name: key, key, definition }, token)).body) as { id: string };
      expect((await call('POST', `/api/v1/flows/${flow.id}/publish`, {}, token)).status).toBe(200);
    }
    const apiKey = (JSON.parse((await call('POST', '/api/v1/api-keys', { name: 'logs', scopes: ['triggers.invoke'] }, token)).body) as { key: string }).key;
    const spellings = [`token=${apiKey}`, `%74oken=${apiKey}`, `to%6Ben=${apiKey}`, `TOKEN=${apiKey}`, `token=${apiKey}&token=${apiKey}`, `a=1&token=x&token=${apiKey}`, `token%00=${apiKey}`];
    const statuses: number[] = [];
    for (const q of spellings) {
      statuses.push((await call('POST', `/api/v1/ivr/logs-ivr?${q}`, {})).status);
      statuses.push((await call('POST', `/api/v1/hooks/logs-hook?${q}`, {})).status);
      statuses.push((await call('GET', `/api/v1/hooks/logs-hook?${q}`)).status);
      statuses.push((await call('POST', `/api/v1/events?${q}`, { id: `ev-${statuses.length}`, type: 'call.ended' })).status);
    }
    // Let the last lines reach the pipe.
    await new Promise((r) => setTimeout(r, 500));
    const requestLines = stdout.split('\n').filter((l) => /\/api\/v1\/(ivr|hooks|events)/.test(l));
    expect(requestLines.length).toBeGreaterThanOrEqual(spellings.length * 4);
    expect(stdout).not.toContain(apiKey);
    expect(stdout).not.toContain(apiKey.slice(4, 24));
    // The spellings the query parser decodes to `token` authenticate; a repeated one is refused (400), the rest are no key (401).
    expect(new Set(statuses)).toEqual(new Set([200, 202, 400, 401]));
    // Every routed call's line shows where the key was (an answered IVR call logs its flow, not its URL).
    expect(requestLines.filter((l) => /\/api\/v1\/(hooks\/logs-hook|events)\?[^"]*\[redacted\]/.test(l)).length).toBeGreaterThanOrEqual(spellings.length * 3);
  });
});
