import crypto from 'node:crypto';
import { DataSource } from 'typeorm';
import { rotateSecretsKey } from '../../src/connections/rotate-key';
import { SecretBox } from '../../src/platform/secrets/secret-box';
import { webhookSecretAad } from '../../src/webhook-secrets/webhook-secret-crypto';
import { MAX_CHOSEN_SETS, MAX_SECRET_FAILURES } from '../../src/webhook-secrets/webhook-secret-throttle.service';
import { signInWithRoles } from '../flow-fixtures';
import { ADMIN, TestApp } from '../harness';
import { chainFlow, finishedExecution, publishFlow, respondNode } from '../support/triggers';

const webhook = (config: Record<string, unknown>) => ({
  id: 't',
  type: 'trigger.webhook',
  name: 'hook',
  config: { methods: ['GET', 'POST'], ...config },
});
/** Answers with what the flow saw, so a test can check the secret never reaches it. */
const echo = respondNode('{"query": {{json request.query}}, "headers": {{json request.headers}}}');

/**
 * Per-flow webhook secrets (RetailCRM's clientId; a URL an agent's browser sees): set or rotated by
 * api_keys.manage, shown once, stored sealed (never in the definition), accepted for that flow only,
 * compared in constant time; the API-key path keeps working.
 */
describe('security: per-flow webhook secrets', () => {
  let t: TestApp;
  let flowA: string;
  let flowB: string;
  beforeAll(async () => {
    // X-Forwarded-For is believed from loopback, so the throttle tests can call from several addresses.
    t = await TestApp.start({ TRUST_PROXY: 'loopback' });
    flowA = (
      await publishFlow(t, 'rcrm-make-call', chainFlow(webhook({ auth: { in: 'query', name: 'clientId' } }), echo))
    ).id;
    flowB = (
      await publishFlow(t, 'agent-popup', chainFlow(webhook({ auth: { in: 'header', name: 'X-Hook-Secret' } }), echo))
    ).id;
    await publishFlow(t, 'keys-only', chainFlow(webhook({}), echo));
  });
  afterAll(() => t.close());

  const rotate = (flowId: string, body: Record<string, unknown> = {}) =>
    t.as('post', `/api/v1/flows/${flowId}/webhook-secret`).send(body);

  it('is generated and shown once, stored sealed, never in the definition or the status', async () => {
    expect((await t.as('get', `/api/v1/flows/${flowA}/webhook-secret`).expect(200)).body).toEqual({ set: false });
    const r = await rotate(flowA).expect(201);
    expect(r.body).toEqual({
      secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      fingerprint: expect.stringMatching(/^[0-9a-f]{8}$/),
      createdAt: expect.any(String),
    });
    const status = await t.as('get', `/api/v1/flows/${flowA}/webhook-secret`).expect(200);
    expect(status.body).toEqual({ set: true, fingerprint: r.body.fingerprint, createdAt: r.body.createdAt });
    const [row] = await t.db.query(`SELECT * FROM flow_webhook_secrets WHERE flow_id = $1`, [flowA]);
    expect(JSON.stringify(row)).not.toContain(r.body.secret);
    const exported = await t.as('get', `/api/v1/flows/${flowA}/export`).expect(200);
    expect(JSON.stringify(exported.body)).not.toContain(r.body.secret);
    const audit = await t.as('get', '/api/v1/audit').expect(200);
    expect(audit.body.items[0]).toMatchObject({
      action: 'webhook_secret.set',
      targetId: flowA,
      details: { key: 'rcrm-make-call', fingerprint: r.body.fingerprint, chosen: false },
    });
    expect(JSON.stringify(audit.body)).not.toContain(r.body.secret);
  });

  it('opens its flow from the parameter the trigger names; the flow never sees it; + stays a plus', async () => {
    const { secret } = (await rotate(flowA).expect(201)).body;
    const r = await t
      .http()
      .get(`/api/v1/hooks/rcrm-make-call?clientId=${secret}&code=100&phone=+79121234567&userId=1`)
      .expect(200);
    expect(r.body.query).toEqual({ code: '100', phone: '+79121234567', userId: '1' });
    const row = await finishedExecution(t, r.headers['x-execution-id'] as string);
    expect(row.status).toBe('succeeded');
    expect(JSON.stringify(row.input)).not.toContain(secret);
    const viaHeader = (await rotate(flowB).expect(201)).body.secret;
    const h = await t
      .http()
      .post('/api/v1/hooks/agent-popup')
      .set('X-Hook-Secret', viaHeader)
      .send({ a: 1 })
      .expect(200);
    expect(h.body.headers['x-hook-secret']).toBeUndefined();
  });

  it("refuses a wrong, missing, other flow's or misplaced secret with 401", async () => {
    const a = (await rotate(flowA).expect(201)).body.secret;
    const b = (await rotate(flowB).expect(201)).body.secret;
    const refused = [
      t.http().get(`/api/v1/hooks/rcrm-make-call?clientId=${a.slice(0, -1)}x`),
      t.http().get(`/api/v1/hooks/rcrm-make-call`),
      t.http().get(`/api/v1/hooks/rcrm-make-call?clientId=`),
      t.http().get(`/api/v1/hooks/rcrm-make-call?clientId=${b}`),
      t.http().get(`/api/v1/hooks/rcrm-make-call`).set('X-Hook-Secret', a),
      t.http().get(`/api/v1/hooks/agent-popup?clientId=${b}`),
      t.http().get(`/api/v1/hooks/agent-popup`).set('X-Hook-Secret', a),
      t.http().get(`/api/v1/hooks/keys-only?clientId=${a}`),
      t.http().get(`/api/v1/hooks/no-such-flow?clientId=${a}`),
    ];
    for (const req of refused) {
      const r = await req;
      expect([r.status, r.body]).toEqual([
        401,
        {
          statusCode: 401,
          error: 'Unauthorized',
          message: "a valid API key or this flow's webhook secret is required",
        },
      ]);
    }
  });

  it('refuses the old secret once it is rotated; a chosen value works (one clientId for several flows)', async () => {
    const old = (await rotate(flowA).expect(201)).body.secret;
    await t.http().get(`/api/v1/hooks/rcrm-make-call?clientId=${old}`).expect(200);
    const fresh = (await rotate(flowA).expect(201)).body.secret;
    expect(fresh).not.toBe(old);
    await t.http().get(`/api/v1/hooks/rcrm-make-call?clientId=${old}`).expect(401);
    await t.http().get(`/api/v1/hooks/rcrm-make-call?clientId=${fresh}`).expect(200);
    const chosen = 'retailcrm-2dbh26tahjj26sg';
    expect((await rotate(flowA, { secret: chosen }).expect(201)).body.secret).toBe(chosen);
    await t.http().get(`/api/v1/hooks/rcrm-make-call?clientId=${chosen}`).expect(200);
    // Guessable chosen values (all accepted before): too few different characters, runs, a common word.
    const guessable = [
      'xxxxxxxxxxxxxxxx',
      'abababababababab',
      'abcdefghijklmnop',
      '0123456789abcdef',
      'Password2026!!!!',
    ];
    for (const bad of ['short', 'has space in it 123', 'x'.repeat(257), 'ünïcödé-secret-value', 42, ...guessable]) {
      expect((await rotate(flowA, { secret: bad }).expect(400)).body.message).toEqual(expect.anything());
    }
    await t.as('delete', `/api/v1/flows/${flowA}/webhook-secret`).expect(204);
    await t.http().get(`/api/v1/hooks/rcrm-make-call?clientId=${chosen}`).expect(401);
    await t.as('delete', `/api/v1/flows/${flowA}/webhook-secret`).expect(404);
  });

  it('keeps the API-key path working for a flow with a secret', async () => {
    await rotate(flowA).expect(201);
    const r = await t.http().get(`/api/v1/hooks/rcrm-make-call?phone=+7912`).set('x-api-key', t.apiKey).expect(200);
    expect(r.body.query).toEqual({ phone: '+7912' });
    // A presented API key is checked as one: a wrong key is 401 even with a right secret beside it.
    const secret = (await rotate(flowA).expect(201)).body.secret;
    await t.http().get(`/api/v1/hooks/rcrm-make-call?clientId=${secret}`).set('x-api-key', 'cfk_wrong').expect(401);
  });

  it("needs api_keys.manage to set or remove, flows.read to see the status; another tenant's flow is 404", async () => {
    const editor = await signInWithRoles(t, ['Integration editor']);
    await t
      .http()
      .post(`/api/v1/flows/${flowA}/webhook-secret`)
      .set('authorization', `Bearer ${editor.token}`)
      .send({})
      .expect(403);
    await t
      .http()
      .delete(`/api/v1/flows/${flowA}/webhook-secret`)
      .set('authorization', `Bearer ${editor.token}`)
      .expect(403);
    await t
      .http()
      .get(`/api/v1/flows/${flowA}/webhook-secret`)
      .set('authorization', `Bearer ${editor.token}`)
      .expect(200);

    const tenant = await t
      .as('post', '/api/v1/tenants')
      .send({ name: 'Tenant B', adminEmail: 'b-admin@test.local', adminPassword: 'orbit lantern b-side 29' })
      .expect(201);
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'b-admin@test.local', password: 'orbit lantern b-side 29' })
      .expect(200);
    const asB = (m: 'get' | 'post' | 'delete', url: string) =>
      t.http()[m](url).set('authorization', `Bearer ${login.body.accessToken}`);
    for (const m of ['get', 'post', 'delete'] as const)
      await asB(m, `/api/v1/flows/${flowA}/webhook-secret`).send({}).expect(404);
    await asB('post', `/api/v1/flows/${crypto.randomUUID()}/webhook-secret`).send({}).expect(404);
    expect(tenant.body.id).not.toBe(ADMIN.email);
  });

  it("another tenant's flow with the same key and own secret: each secret opens its tenant's flow only", async () => {
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'b-admin@test.local', password: 'orbit lantern b-side 29' })
      .expect(200);
    const asB = (m: 'post', url: string) => t.http()[m](url).set('authorization', `Bearer ${login.body.accessToken}`);
    const def = chainFlow(webhook({ auth: { in: 'query', name: 'clientId' } }), respondNode('{"tenant": "B"}'));
    const created = await asB('post', '/api/v1/flows')
      .send({ name: 'B make call', key: 'rcrm-make-call', definition: def })
      .expect(201);
    await asB('post', `/api/v1/flows/${created.body.id}/publish`).send({}).expect(200);
    const secretB = (await asB('post', `/api/v1/flows/${created.body.id}/webhook-secret`).send({}).expect(201)).body
      .secret;
    const secretA = (await rotate(flowA).expect(201)).body.secret;
    expect((await t.http().get(`/api/v1/hooks/rcrm-make-call?clientId=${secretB}`).expect(200)).body).toEqual({
      tenant: 'B',
    });
    expect((await t.http().get(`/api/v1/hooks/rcrm-make-call?clientId=${secretA}`).expect(200)).body.query).toEqual({});
  });

  /** Tenant B's admin (created by the permissions test above). */
  const tenantB = async () => {
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'b-admin@test.local', password: 'orbit lantern b-side 29' })
      .expect(200);
    return (m: 'get' | 'post' | 'put', url: string) =>
      t.http()[m](url).set('authorization', `Bearer ${login.body.accessToken}`);
  };
  const hookWith = (tenant: string) =>
    chainFlow(webhook({ auth: { in: 'query', name: 'clientId' } }), respondNode(`{"tenant": "${tenant}"}`));

  // Review 1: tenant B, knowing tenant A's secret, set it on its own flow with the same key; two
  // flows then held it and A's counterpart got 401 (a call must match exactly one flow).
  it("other tenants cannot take a same-key flow's value or rename into it; the owner's webhook works", async () => {
    const asB = await tenantB();
    const S = 'sec9Hk2mQx7PvT4wLz';
    const a = await publishFlow(t, 'sec-hook', hookWith('A'));
    await rotate(a.id, { secret: S }).expect(201);
    const callA = async () =>
      expect((await t.http().get(`/api/v1/hooks/sec-hook?clientId=${S}`).expect(200)).body).toEqual({ tenant: 'A' });
    await callA();

    const b = await asB('post', '/api/v1/flows')
      .send({ name: 'B sec hook', key: 'sec-hook', definition: hookWith('B') })
      .expect(201);
    await asB('post', `/api/v1/flows/${b.body.id}/publish`).send({}).expect(200);
    const refused = await asB('post', `/api/v1/flows/${b.body.id}/webhook-secret`).send({ secret: S }).expect(409);
    expect(refused.body.message).toMatch(/another tenant .* already uses this secret value/);
    expect(JSON.stringify(refused.body)).not.toContain(S);
    await callA();
    // B's own (generated) secret opens B's flow; A's still opens A's.
    const own = (await asB('post', `/api/v1/flows/${b.body.id}/webhook-secret`).send({}).expect(201)).body.secret;
    expect((await t.http().get(`/api/v1/hooks/sec-hook?clientId=${own}`).expect(200)).body).toEqual({ tenant: 'B' });
    await callA();

    // Under another key the value is B's to use; renaming that flow to A's key is refused. (A key
    // can change only before the first publish, so B's flow is still a draft here.)
    const other = await asB('post', '/api/v1/flows')
      .send({ name: 'B other', key: 'sec-other', definition: hookWith('B') })
      .expect(201);
    const a2 = await publishFlow(t, 'sec-hook-2', hookWith('A'));
    await rotate(a2.id, { secret: S }).expect(201);
    await asB('post', `/api/v1/flows/${other.body.id}/webhook-secret`).send({ secret: S }).expect(201);
    const draft = (await asB('get', `/api/v1/flows/${other.body.id}`).expect(200)).body;
    const rename = await asB('put', `/api/v1/flows/${other.body.id}`)
      .send({ revision: draft.revision, key: 'sec-hook-2' })
      .expect(409);
    expect(rename.body.message).toMatch(/the key "sec-hook-2" cannot be used: a flow of another tenant/);
    expect((await t.http().get(`/api/v1/hooks/sec-hook-2?clientId=${S}`).expect(200)).body).toEqual({ tenant: 'A' });
    await asB('put', `/api/v1/flows/${other.body.id}`)
      .send({ revision: draft.revision, key: 'sec-other-2' })
      .expect(200);
    await asB('post', `/api/v1/flows/${other.body.id}/publish`).send({}).expect(200);
    expect((await t.http().get(`/api/v1/hooks/sec-other-2?clientId=${S}`).expect(200)).body).toEqual({ tenant: 'B' });

    // One value, two tenants: two fingerprints, neither the plain SHA-256 prefix anyone could check guesses against.
    const fpA = (await t.as('get', `/api/v1/flows/${a2.id}/webhook-secret`).expect(200)).body.fingerprint;
    const fpB = (await asB('get', `/api/v1/flows/${other.body.id}/webhook-secret`).expect(200)).body.fingerprint;
    expect(fpA).toMatch(/^[0-9a-f]{8}$/);
    expect(fpB).toMatch(/^[0-9a-f]{8}$/);
    expect(fpB).not.toBe(fpA);
    expect([fpA, fpB]).not.toContain(crypto.createHash('sha256').update(S).digest('hex').slice(0, 8));
    // Two flows of one tenant sharing a value (one clientId, several flows) show the same one.
    expect((await t.as('get', `/api/v1/flows/${a.id}/webhook-secret`).expect(200)).body.fingerprint).toBe(fpA);
  });

  // Review 2: wrong secrets were not throttled.
  it('wrong secrets: throttled per key and address (429, Retry-After); one that worked there still works', async () => {
    const { id } = await publishFlow(t, 'thr-hook', hookWith('A'));
    const secret = (await rotate(id).expect(201)).body.secret as string;
    const from = '203.0.113.7';
    const call = (value: string, ip = from, key = 'thr-hook') =>
      t
        .http()
        .get(`/api/v1/hooks/${key}?clientId=${encodeURIComponent(value)}`)
        .set('x-forwarded-for', ip);
    await call(secret).expect(200);
    for (let i = 0; i < MAX_SECRET_FAILURES; i++) await call(`wrong-${i}`).expect(401);
    const blocked = await call('wrong-again').expect(429);
    expect(blocked.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringMatching(/too many wrong webhook secrets/),
    });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // The counterpart already calling with its secret from that address is not locked out …
    await call(secret).expect(200);
    // … but a value never seen from there is refused unchecked, even the right one.
    const fresh = (await rotate(id).expect(201)).body.secret as string;
    await call(fresh).expect(429);
    // Other addresses and other keys are not affected; the failures are in PostgreSQL for every process.
    await call(fresh, '203.0.113.8').expect(200);
    await call('wrong', from, 'rcrm-make-call').expect(401);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM login_failures WHERE key = $1`, [
      `hook:thr-hook|${from}`,
    ]);
    expect(n).toBe(MAX_SECRET_FAILURES);
  });

  it('of 50 wrong secrets at once from one address, only the limit are checked', async () => {
    await publishFlow(t, 'thr-burst', hookWith('A')).then(({ id }) => rotate(id).expect(201));
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.http().get(`/api/v1/hooks/thr-burst?clientId=guess-${i}`).set('x-forwarded-for', '203.0.113.20'),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_SECRET_FAILURES);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50 - MAX_SECRET_FAILURES);
  });

  it('a valid secret costs no throttle query (the webhook path stays free of extra round trips)', async () => {
    const { id } = await publishFlow(t, 'thr-valid', hookWith('A'));
    const secret = (await rotate(id).expect(201)).body.secret as string;
    await t.http().get(`/api/v1/hooks/thr-valid?clientId=${secret}`).expect(200);
    const spy = jest.spyOn(t.app.get(DataSource), 'query');
    try {
      for (let i = 0; i < 20; i++)
        await t
          .http()
          .get(`/api/v1/hooks/thr-valid?clientId=${secret}`)
          .set('x-forwarded-for', '203.0.113.30')
          .expect(200);
      expect(spy.mock.calls.filter(([sql]) => /login_failures/.test(String(sql)))).toEqual([]);
      await t
        .http()
        .get(`/api/v1/hooks/thr-valid?clientId=wrong-one`)
        .set('x-forwarded-for', '203.0.113.30')
        .expect(401);
      expect(spy.mock.calls.filter(([sql]) => /login_failures/.test(String(sql)))).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('chosen values are counted per tenant and key (refusing a held value must not become a fast oracle)', async () => {
    const { id } = await publishFlow(t, 'set-limit', hookWith('A'));
    for (let i = 0; i < MAX_CHOSEN_SETS; i++)
      await rotate(id, { secret: crypto.randomBytes(12).toString('base64url') }).expect(201);
    const r = await rotate(id, { secret: crypto.randomBytes(12).toString('base64url') }).expect(429);
    expect(r.body.message).toMatch(/too many chosen webhook secrets/);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    await rotate(id).expect(201);
  });

  it('rotate-secrets-key re-seals webhook secrets with the connections, in one transaction', async () => {
    const secret = (await rotate(flowB).expect(201)).body.secret;
    const oldKey = t.config.secretsKey;
    const newKey = crypto.randomBytes(32);
    const report = await rotateSecretsKey(t.db, oldKey, newKey);
    expect(report.webhookSecrets).toBeGreaterThanOrEqual(1);
    const [row] = await t.db.query(`SELECT sealed, key_id FROM flow_webhook_secrets WHERE flow_id = $1`, [flowB]);
    expect(row.key_id).toBe(new SecretBox(newKey).keyId);
    expect(new SecretBox(newKey).open(row.sealed, webhookSecretAad(flowB))).toBe(secret);
    expect(() => new SecretBox(oldKey).open(row.sealed, webhookSecretAad(flowB))).toThrow();
    expect((await rotateSecretsKey(t.db, newKey, oldKey)).webhookSecrets).toBeGreaterThanOrEqual(1);
    expect((await rotateSecretsKey(t.db, newKey, oldKey)).webhookSecrets).toBe(0);
    await new Promise((r) => setTimeout(r, 2100)); // past the secrets cache
    await t.http().post('/api/v1/hooks/agent-popup').set('X-Hook-Secret', secret).send({}).expect(200);
  });
});
