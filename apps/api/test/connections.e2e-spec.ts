import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { rotateSecretsKey } from '../src/connections/rotate-key';
import { SecretBox, secretAad } from '../src/platform/secrets/secret-box';
import { crmWsdl } from '../../../libs/engine/src/soap/soap.fixtures';
import { signInWith, UNKNOWN } from './flow-fixtures';
import { finishedExecution, publishFlow } from './support/triggers';
import { TestApp } from './harness';

const C = '/api/v1/connections';

/** trigger → one http node per URL (in a chain) → respond. */
function flowOf(calls: { url: string; connectionId: string; method?: string }[]) {
  const nodes: unknown[] = [{ id: 't', type: 'trigger.ivr', name: 'ivr', config: { deadlineMs: 5000, fallback: {} } }];
  const edges: unknown[] = [];
  let prev = 't';
  calls.forEach((c, i) => {
    nodes.push({
      id: `h${i}`,
      type: 'http',
      name: `call${i}`,
      config: { method: c.method ?? 'GET', url: c.url, connectionId: c.connectionId },
    });
    edges.push({ id: `e${i}`, source: prev, ...(prev === 't' ? {} : { sourceHandle: 'success' }), target: `h${i}` });
    prev = `h${i}`;
  });
  nodes.push({ id: 'r', type: 'respond', name: 'answer', config: { body: { type: 'json', template: '{"ok":true}' } } });
  edges.push({ id: 'er', source: prev, sourceHandle: 'success', target: 'r' });
  return { schemaVersion: 1, nodes, edges };
}

describe('connections', () => {
  let t: TestApp;
  let api: LoopbackServer;

  beforeAll(async () => {
    t = await TestApp.start();
    api = await LoopbackServer.start();
  });
  afterAll(async () => {
    await api?.close();
    await t?.close();
  });
  beforeEach(() => {
    api.seen.length = 0;
  });

  const testRun = (definition: unknown) =>
    t
      .as('post', '/api/v1/flows/test-run')
      .send({ definition, input: { call: { id: 'c1', callerId: '+3906' } } })
      .expect(200);

  describe('CRUD and validation', () => {
    it('creates, lists, reads, updates and deletes; secrets are write-only', async () => {
      const created = await t
        .as('post', C)
        .send({
          name: 'crm',
          type: 'basic',
          username: 'agent',
          password: 'pw-one',
          fields: { baseUrl: 'https://crm.example.com', accountId: 42 },
        })
        .expect(201);
      const c = created.body;
      expect(c).toMatchObject({
        name: 'crm',
        type: 'basic',
        username: 'agent',
        fields: { baseUrl: 'https://crm.example.com', accountId: 42 },
        secretsSet: ['password'],
      });
      expect(JSON.stringify(c)).not.toContain('pw-one');
      const list = await t.as('get', C).expect(200);
      expect(list.body.items.map((x: { id: string }) => x.id)).toContain(c.id);
      expect(JSON.stringify(list.body)).not.toContain('pw-one');
      const one = await t.as('get', `${C}/${c.id}`).expect(200);
      expect(one.body.secretsSet).toEqual(['password']);
      expect(JSON.stringify(one.body)).not.toContain('pw-one');

      // Stored sealed, not in plaintext.
      const [row] = await t.db.query(`SELECT secrets::text AS s, key_id FROM connections WHERE id = $1`, [c.id]);
      expect(row.s).not.toContain('pw-one');
      const sealedBefore = JSON.parse(row.s).password;

      // PUT without the secret keeps it.
      const kept = await t
        .as('put', `${C}/${c.id}`)
        .send({ name: 'crm', type: 'basic', username: 'agent2', fields: {} })
        .expect(200);
      expect(kept.body).toMatchObject({ username: 'agent2', secretsSet: ['password'], fields: {} });
      const [row2] = await t.db.query(`SELECT secrets->>'password' AS p FROM connections WHERE id = $1`, [c.id]);
      expect(row2.p).toBe(sealedBefore);
      // A new value replaces it.
      await t
        .as('put', `${C}/${c.id}`)
        .send({ name: 'crm', type: 'basic', username: 'agent2', password: 'pw-two' })
        .expect(200);
      const [row3] = await t.db.query(`SELECT secrets->>'password' AS p FROM connections WHERE id = $1`, [c.id]);
      expect(row3.p).not.toBe(sealedBefore);
      // null clears it.
      const cleared = await t
        .as('put', `${C}/${c.id}`)
        .send({ name: 'crm', type: 'basic', username: 'agent2', password: null })
        .expect(200);
      expect(cleared.body.secretsSet).toEqual([]);

      await t.as('delete', `${C}/${c.id}`).expect(204);
      await t.as('get', `${C}/${c.id}`).expect(404);
    });

    it('validates per type: unknown fields, missing secrets, bad values → 400 with details', async () => {
      const bad = [
        { name: 'x', type: 'basic', username: 'u', password: 'p', extra: 1 },
        { name: 'x', type: 'basic', username: 'u' },
        { name: 'x', type: 'teleport' },
        { name: 'x', type: 'api_key', placement: 'cookie', paramName: 'k', apiKey: 'v' },
        { name: 'x', type: 'oauth2_client_credentials', tokenUrl: 'ftp://x', clientId: 'c', clientSecret: 's' },
        {
          name: 'x',
          type: 'token_endpoint',
          request: { url: 'http://x/auth', body: { type: 'json', template: '{}', extra: true } },
          tokenPath: 'token',
          apply: { in: 'header', name: 'Authorization' },
        },
        { name: 'x', type: 'soap_ws_security', username: 'u', password: 'p', passwordType: 'Plain' },
        { name: '', type: 'none' },
        { name: 'x', type: 'none', fields: { 'bad key': 1 } },
      ];
      for (const body of bad) {
        const r = await t.as('post', C).send(body).expect(400);
        expect(r.body.details.length).toBeGreaterThan(0);
      }
      await t.as('post', C).send({ name: 'dup', type: 'none' }).expect(201);
      await t.as('post', C).send({ name: 'dup', type: 'none' }).expect(409);
    });

    it('checks permissions', async () => {
      const reader = await signInWith(t, ['connections.read']);
      await t.http().get(C).set('authorization', `Bearer ${reader}`).expect(200);
      await t.http().post(C).set('authorization', `Bearer ${reader}`).send({ name: 'r', type: 'none' }).expect(403);
      const nobody = await signInWith(t, ['flows.read']);
      await t.http().get(C).set('authorization', `Bearer ${nobody}`).expect(403);
    });

    it("another tenant's connection is a 404 everywhere and cannot be used by a run", async () => {
      const [{ id: tenantId }] = await t.db.query(`INSERT INTO tenants (name) VALUES ('other') RETURNING id`);
      const [{ id }] = await t.db.query(
        `INSERT INTO connections (tenant_id, name, type, config, fields, secrets, key_id) ` +
          `VALUES ($1, 'theirs', 'bearer', '{}', '{}', '{}', 'x') RETURNING id`,
        [tenantId],
      );
      await t.as('get', `${C}/${id}`).expect(404);
      await t.as('put', `${C}/${id}`).send({ name: 'mine', type: 'none' }).expect(404);
      await t.as('post', `${C}/${id}/test`).expect(404);
      await t.as('delete', `${C}/${id}`).expect(404);
      await t.as('get', `${C}/${UNKNOWN}`).expect(404);
      const list = await t.as('get', C).expect(200);
      expect(list.body.items.map((x: { id: string }) => x.id)).not.toContain(id);
      api.json('/any', {});
      for (const ref of [id, 'theirs']) {
        const run = await testRun(flowOf([{ url: `${api.base}/any`, connectionId: ref }]));
        expect(
          run.body.steps.find((s: { type: string }) => s.type === 'http')?.error?.code ?? run.body.error?.code,
        ).toBe('CONNECTION_NOT_FOUND');
      }
      expect(api.seen).toHaveLength(0);
    });
  });

  describe('in runs', () => {
    it('a bearer connection authorizes an http node; connection fields are usable in templates', async () => {
      api.on('GET /bearer', (req, res) =>
        res
          .writeHead(req.headers.authorization === 'Bearer b-token-123' ? 200 : 401, {
            'content-type': 'application/json',
          })
          .end('{}'),
      );
      const c = (
        await t
          .as('post', C)
          .send({ name: 'bearer-crm', type: 'bearer', token: 'b-token-123', fields: { baseUrl: api.base } })
          .expect(201)
      ).body;
      const run = await testRun(flowOf([{ url: '{{{connection.baseUrl}}}/bearer', connectionId: c.id }]));
      expect(run.body.status).toBe('succeeded');
      expect(api.seen[0].headers.authorization).toBe('Bearer b-token-123');
      const step = run.body.steps.find((s: { type: string }) => s.type === 'http');
      expect(step.request.url).toBe(`${api.base}/bearer`);
      expect(JSON.stringify(run.body)).not.toContain('b-token-123');
      // By name works too.
      expect(
        (await testRun(flowOf([{ url: '{{{connection.baseUrl}}}/bearer', connectionId: 'bearer-crm' }]))).body.status,
      ).toBe('succeeded');
    });

    it('Gcalls-like token_endpoint connection: one token for two http nodes, not shown by POST /:id/test', async () => {
      let issued = 0;
      api.on('POST /auth', (req, res) => {
        const body = JSON.parse(req.body || '{}');
        if (body.username !== 'cc-agent' || body.password !== 'gcalls-pass')
          return res.writeHead(403, { 'content-type': 'application/json' }).end('{"error":"bad credentials"}');
        issued++;
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ access_token: `gc-token-${issued}`, expires_in: 3600 }));
      });
      const protectedRoute = (req: { headers: Record<string, unknown> }, res: import('node:http').ServerResponse) =>
        res
          .writeHead(req.headers.authorization === `Bearer gc-token-${issued}` ? 200 : 401, {
            'content-type': 'application/json',
          })
          .end('{"contact":"found"}');
      api.on('GET /contacts', protectedRoute).on('POST /calllogs', protectedRoute);
      const body = {
        name: 'gcalls',
        type: 'token_endpoint',
        fields: { host: `127.0.0.1:${api.port}`, username: 'cc-agent' },
        request: {
          method: 'POST',
          url: 'http://{{{connection.host}}}/auth',
          body: { type: 'json', template: '{"username":"{{connection.username}}","password":"{{secrets.password}}"}' },
        },
        tokenPath: 'access_token',
        expiresInPath: 'expires_in',
        apply: { in: 'header', name: 'Authorization', prefix: 'Bearer ' },
        secrets: { password: 'gcalls-pass' },
      };
      const c = (await t.as('post', C).send(body).expect(201)).body;
      expect(c.secretsSet).toEqual(['password']);
      const run = await testRun(
        flowOf([
          { url: `http://{{{connection.host}}}/contacts`, connectionId: c.id },
          { url: `http://{{{connection.host}}}/calllogs`, method: 'POST', connectionId: c.id },
        ]),
      );
      expect(run.body.status).toBe('succeeded');
      expect(issued).toBe(1);
      expect(api.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /auth', 'GET /contacts', 'POST /calllogs']);
      expect(JSON.stringify(run.body)).not.toMatch(/gc-token-|gcalls-pass/);

      const tested = await t.as('post', `${C}/${c.id}/test`).expect(200);
      expect(tested.body).toEqual({ ok: true, expiresAt: expect.any(String) });
      expect(issued).toBe(2);
      expect(new Date(tested.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 3500_000);

      // Wrong credentials: {ok:false} with a code, no secret in the message.
      await t
        .as('put', `${C}/${c.id}`)
        .send({ ...body, secrets: { password: 'wrong-pass' } })
        .expect(200);
      const failed = await t.as('post', `${C}/${c.id}/test`).expect(200);
      expect(failed.body).toMatchObject({ ok: false, error: { code: 'HTTP_STATUS' } });
      expect(JSON.stringify(failed.body)).not.toContain('wrong-pass');
    });

    it('a 401 from the API triggers exactly one token refresh and one retry', async () => {
      let issued = 0;
      let minValid = 2; // the first token is "already revoked" server-side
      api.on('POST /auth2', (_req, res) => {
        issued++;
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ data: { token: `r-${issued}` } }));
      });
      api.on('GET /strict', (req, res) => {
        const n = Number(String(req.headers['x-token'] ?? '').replace('r-', ''));
        res.writeHead(n >= minValid ? 200 : 401, { 'content-type': 'application/json' }).end('{}');
      });
      const c = (
        await t
          .as('post', C)
          .send({
            name: 'strict',
            type: 'token_endpoint',
            request: { url: `${api.base}/auth2` },
            tokenPath: 'data.token',
            expiresInSeconds: 600,
            apply: { in: 'header', name: 'X-Token' },
          })
          .expect(201)
      ).body;
      const ok = await testRun(flowOf([{ url: `${api.base}/strict`, connectionId: c.id }]));
      expect(ok.body.status).toBe('succeeded');
      expect(issued).toBe(2);
      expect(api.seen.filter((s) => s.url === '/strict').map((s) => s.headers['x-token'])).toEqual(['r-1', 'r-2']);
      // The refreshed token is scrubbed from the record too (X-Token is not a well-known credential header).
      expect(ok.body.steps.find((s: { type: string }) => s.type === 'http').request.headers['x-token']).toBe(
        '[redacted]',
      );

      // Always 401: one refresh, then the node fails with the 401.
      api.seen.length = 0;
      minValid = 1000;
      const failed = await testRun(flowOf([{ url: `${api.base}/strict`, connectionId: c.id }]));
      expect(failed.body.status).toBe('failed');
      expect(issued).toBe(3);
      expect(api.seen.filter((s) => s.url === '/strict')).toHaveLength(2);
      const step = failed.body.steps.find((s: { type: string }) => s.type === 'http');
      expect(step.response.status).toBe(401);
    });

    it("published flows triggered by the IVR use the tenant's connections; the record is scrubbed", async () => {
      api.on('GET /ivr-crm', (req, res) => {
        const ok = req.headers['x-crm-key'] === 'ivr-key-456';
        res
          .writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ queue: 'vip', echoed: req.headers['x-crm-key'] }));
      });
      const c = (
        await t
          .as('post', C)
          .send({
            name: 'ivr-crm',
            type: 'api_key',
            placement: 'header',
            paramName: 'X-Crm-Key',
            apiKey: 'ivr-key-456',
            fields: { baseUrl: api.base },
          })
          .expect(201)
      ).body;
      const def = flowOf([{ url: '{{{connection.baseUrl}}}/ivr-crm', connectionId: 'ivr-crm' }]);
      (def.nodes as { id: string; config: Record<string, unknown> }[]).find((n) => n.id === 'r')!.config.body = {
        type: 'json',
        template: '{{json nodes.call0.body}}',
      };
      await publishFlow(t, 'ivr-conn', def);
      const r = await t
        .http()
        .post('/api/v1/ivr/ivr-conn')
        .set('x-api-key', t.apiKey)
        .send({ call: { id: 'k1', callerId: '+39' } })
        .expect(200);
      // The live answer is scrubbed of the run's secrets as the record is (issue 16): an upstream echo does not leak
      // them.
      expect(r.body.output).toEqual({ queue: 'vip', echoed: '[redacted]' });
      const row = await finishedExecution(t, r.body.executionId);
      expect(row.status).toBe('succeeded');
      const [raw] = await t.db.query(`SELECT row_to_json(e)::text AS j FROM executions e WHERE id = $1`, [
        r.body.executionId,
      ]);
      expect(raw.j).not.toContain('ivr-key-456');
      expect(c.id).toBeDefined();
    });

    it('POST /:id/test loads the wsdlUrl field of a soap_ws_security connection', async () => {
      api.on('GET /crm.wsdl', (_req, res) =>
        res.writeHead(200, { 'content-type': 'text/xml' }).end(crmWsdl(`${api.base}/crm`)),
      );
      const c = (
        await t
          .as('post', C)
          .send({
            name: 'soap',
            type: 'soap_ws_security',
            username: 'u',
            password: 'soap-pass',
            passwordType: 'PasswordDigest',
            fields: { wsdlUrl: `${api.base}/crm.wsdl` },
          })
          .expect(201)
      ).body;
      const r = await t.as('post', `${C}/${c.id}/test`).expect(200);
      expect(r.body.ok).toBe(true);
      expect(r.body.operations).toBeGreaterThan(0);
      const none = (
        await t
          .as('post', C)
          .send({ name: 'plain', type: 'none', fields: { wsdlUrl: `${api.base}/missing.wsdl` } })
          .expect(201)
      ).body;
      const bad = await t.as('post', `${C}/${none.id}/test`).expect(200);
      expect(bad.body).toMatchObject({ ok: false, error: { code: expect.any(String), message: expect.any(String) } });
    });
  });

  describe('key rotation', () => {
    it('the rotate-key command re-encrypts every secret; the old key then no longer opens them', async () => {
      api.on('GET /rot', (req, res) =>
        res.writeHead(req.headers.authorization === 'Bearer rot-token' ? 200 : 401).end(),
      );
      const c = (
        await t
          .as('post', C)
          .send({ name: 'rot', type: 'bearer', token: 'rot-token', allowedOrigins: [api.base] })
          .expect(201)
      ).body;
      const oldKey = t.config.secretsKey;
      const newKey = crypto.randomBytes(32);
      const root = path.resolve(__dirname, '../../..');
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-rotate-'));
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['-r', '@swc-node/register', 'apps/api/src/connections/rotate-key.ts'],
        {
          cwd: root,
          env: {
            ...process.env,
            DATABASE_URL: t.databaseUrl,
            SECRETS_KEY_OLD: oldKey.toString('base64'),
            SECRETS_KEY: newKey.toString('hex'),
            DATA_DIR: dataDir,
          },
        },
      );
      fs.rmSync(dataDir, { recursive: true, force: true });
      expect(stdout).toMatch(/re-encrypted/);
      const [row] = await t.db.query(`SELECT secrets, key_id FROM connections WHERE id = $1`, [c.id]);
      const box = new SecretBox(newKey);
      expect(row.key_id).toBe(box.keyId);
      expect(box.open(row.secrets.token, secretAad(c.id, 'token'))).toBe('rot-token');
      expect(() => new SecretBox(oldKey).open(row.secrets.token, secretAad(c.id, 'token'))).toThrow();
      // The running app still has the old key: the connection cannot be opened (and says so, without secrets).
      const failed = await testRun(flowOf([{ url: `${api.base}/rot`, connectionId: c.id }]));
      expect(JSON.stringify(failed.body)).toMatch(/cannot be decrypted/);
      // Rotating back (already-rotated rows are skipped) makes it usable again.
      expect(await rotateSecretsKey(t.db, newKey, oldKey)).toMatchObject({
        rotated: expect.any(Number),
        keyId: new SecretBox(oldKey).keyId,
      });
      expect((await rotateSecretsKey(t.db, newKey, oldKey)).rotated).toBe(0);
      expect((await testRun(flowOf([{ url: `${api.base}/rot`, connectionId: c.id }]))).body.status).toBe('succeeded');
    });
  });
});
