import crypto from 'node:crypto';
import fs from 'node:fs';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { TestApp } from './harness';

/**
 * Canary: secret values planted in connections must appear nowhere in the database (outside their
 * sealed form) or in the logs (debug level), after flows that use them have run.
 */
const CANARY = `CANARY-7f3a${crypto.randomBytes(8).toString('hex')}`;
const C = '/api/v1/connections';

describe('connection secrets never leak (canary)', () => {
  let t: TestApp;
  let api: LoopbackServer;
  const logs: string[] = [];
  const restore: (() => void)[] = [];

  /** Everything written to stdout/stderr, whichever way (pino's sonic-boom writes to the fd). */
  function captureOutput(): void {
    const text = (b: unknown) =>
      Buffer.isBuffer(b)
        ? b.toString('utf8')
        : typeof b === 'string'
          ? b
          : ArrayBuffer.isView(b)
            ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8')
            : '';
    // The app's JSON log lines are kept here rather than printed; anything else goes through.
    const quiet = (rest: unknown[]) => {
      const cb = rest.find((x) => typeof x === 'function') as ((e: null, n: number) => void) | undefined;
      if (cb) setImmediate(() => cb(null, 0));
      return 0;
    };
    const realWrite = fs.write;
    const realWriteSync = fs.writeSync;
    (fs as { write: unknown }).write = function (fd: number, buf: unknown, ...rest: unknown[]) {
      if (fd === 1 || fd === 2) {
        logs.push(text(buf));
        if (text(buf).startsWith('{"level"')) return quiet(rest);
      }
      return (realWrite as (...a: unknown[]) => unknown).call(fs, fd, buf, ...rest);
    };
    (fs as { writeSync: unknown }).writeSync = function (fd: number, buf: unknown, ...rest: unknown[]) {
      if (fd === 1 || fd === 2) {
        logs.push(text(buf));
        if (text(buf).startsWith('{"level"')) return quiet(rest);
      }
      return (realWriteSync as (...a: unknown[]) => unknown).call(fs, fd, buf, ...rest);
    };
    restore.push(
      () => ((fs as { write: unknown }).write = realWrite),
      () => ((fs as { writeSync: unknown }).writeSync = realWriteSync),
    );
    for (const stream of [process.stdout, process.stderr]) {
      const real = stream.write;
      stream.write = function (chunk: unknown, ...rest: unknown[]) {
        logs.push(text(chunk));
        if (text(chunk).startsWith('{"level"')) {
          quiet(rest);
          return true;
        }
        return (real as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
      } as typeof stream.write;
      restore.push(() => (stream.write = real));
    }
  }

  beforeAll(async () => {
    captureOutput();
    t = await TestApp.start({ LOG_LEVEL: 'debug' });
    api = await LoopbackServer.start();
    // Echoes what it received: a careless redactor would put the secret in the step's response.
    api.on('/echo', (req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ url: req.url, headers: req.headers, body: req.body })),
    );
    api.on('POST /auth', (req, res) => {
      const ok = JSON.parse(req.body || '{}').password === CANARY;
      res
        .writeHead(ok ? 200 : 403, { 'content-type': 'application/json' })
        .end(JSON.stringify(ok ? { token: `tok-${CANARY.slice(-6)}`, ttl: 60 } : { error: 'denied' }));
    });
  });
  afterAll(async () => {
    await api?.close();
    await t?.close();
    for (const r of restore.reverse()) r();
  });

  function flow(connectionId: string, url: string) {
    return {
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.ivr', name: 'ivr', config: { deadlineMs: 5000, fallback: {} } },
        {
          id: 'h',
          type: 'http',
          name: 'call',
          config: {
            method: 'POST',
            url,
            connectionId,
            body: {
              type: 'json',
              template:
                '{"password":"{{connection.password}}","key":"{{connection.apiKey}}","echo":{{json connection}}}',
            },
          },
        },
        {
          id: 'r',
          type: 'respond',
          name: 'answer',
          config: { body: { type: 'json', template: '{{json nodes.call.body}}' } },
        },
      ],
      edges: [
        { id: 'e1', source: 't', target: 'h' },
        { id: 'e2', source: 'h', sourceHandle: 'success', target: 'r' },
      ],
    };
  }

  it('plants the canary, runs flows that use it, and finds it nowhere', async () => {
    const created = [
      await t
        .as('post', C)
        .send({
          name: 'canary-basic',
          type: 'basic',
          username: 'agent',
          password: CANARY,
          fields: { baseUrl: api.base },
        })
        .expect(201),
      await t
        .as('post', C)
        .send({
          name: 'canary-key-q',
          type: 'api_key',
          placement: 'query',
          paramName: 'k',
          apiKey: CANARY,
          fields: { baseUrl: api.base },
        })
        .expect(201),
      await t
        .as('post', C)
        .send({
          name: 'canary-key-h',
          type: 'api_key',
          placement: 'header',
          paramName: 'X-Custom-Key',
          apiKey: CANARY,
          fields: { baseUrl: api.base },
        })
        .expect(201),
      await t
        .as('post', C)
        .send({
          name: 'canary-te',
          type: 'token_endpoint',
          request: { url: `${api.base}/auth`, body: { type: 'json', template: '{"password":"{{secrets.password}}"}' } },
          tokenPath: 'token',
          expiresInPath: 'ttl',
          apply: { in: 'query', name: 'k' },
          secrets: { password: CANARY },
        })
        .expect(201),
    ];
    for (const c of created) expect(JSON.stringify(c.body)).not.toContain(CANARY);
    // Updates and reads go through the same paths.
    await t
      .as('put', `${C}/${created[0].body.id}`)
      .send({ name: 'canary-basic', type: 'basic', username: 'agent', fields: { baseUrl: api.base } })
      .expect(200);
    expect(JSON.stringify((await t.as('get', C).expect(200)).body)).not.toContain(CANARY);

    for (const c of created) {
      const run = await t
        .as('post', '/api/v1/flows/test-run')
        .send({ definition: flow(c.body.id, `${api.base}/echo?q=1`), input: { call: { id: 'c1' } } })
        .expect(200);
      expect(run.body.status).toBe('succeeded');
      expect(JSON.stringify(run.body)).not.toContain(CANARY);
      const exec = await t.as('get', `/api/v1/executions/${run.body.id}`).expect(200);
      expect(JSON.stringify(exec.body)).not.toContain(CANARY);
    }
    // The canary did reach the other system (so the test is not vacuous).
    const wire = JSON.stringify(api.seen);
    expect(wire).toContain(CANARY);
    expect(api.seen.some((s) => s.headers['x-custom-key'] === CANARY)).toBe(true);
    expect(api.seen.some((s) => s.url.includes(`k=${CANARY}`))).toBe(true);
    expect((await t.as('post', `${C}/${created[3].body.id}/test`).expect(200)).body.ok).toBe(true);

    // Database: every row of every table (public, and pgboss when present) as text.
    const tables: { table_schema: string; table_name: string }[] = await t.db.query(
      `SELECT table_schema, table_name FROM information_schema.tables ` +
        `WHERE table_schema IN ('public', 'pgboss') AND table_type = 'BASE TABLE'`,
    );
    const columns: { n: string }[] = await t.db.query(
      `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'public' ` +
        `AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'ARRAY')`,
    );
    expect(Number(columns[0].n)).toBeGreaterThan(0);
    let dump = '';
    for (const { table_schema, table_name } of tables) {
      const rows: { r: string }[] = await t.db.query(`SELECT x::text AS r FROM "${table_schema}"."${table_name}" x`);
      dump += rows.map((r) => r.r).join('\n');
    }
    expect(dump.includes('canary-basic')).toBe(true);
    expect(dump.includes('trigger.ivr')).toBe(true); // the executions (steps) were recorded
    const basicB64 = Buffer.from(`agent:${CANARY}`).toString('base64');
    for (const needle of [CANARY, basicB64, encodeURIComponent(CANARY)]) expect(dump.split(needle).length - 1).toBe(0);

    // Logs, at debug level.
    await new Promise((r) => setTimeout(r, 200));
    const allLogs = logs.join('');
    expect(allLogs.includes('/api/v1/connections')).toBe(true); // the capture works
    expect(allLogs.split(CANARY).length - 1).toBe(0);
    expect(allLogs.split(basicB64).length - 1).toBe(0);
  });
});
