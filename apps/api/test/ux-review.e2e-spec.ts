/**
 * From a first-time admin's review, the API side:
 * - POST /flows/validate (what the editor asks while editing) reports what the tenant's connections
 *   cannot serve (origins, secret names, token placement) as errors at the node's field, naming the
 *   connection by its name; before, it said "valid" and only Test and Publish refused, naming a UUID;
 * - the audit log records sign-ins (successful and failed, the address, never the password) and
 *   connection changes (names of the changed fields, never a secret), and names targets.
 */
import { signInWith } from './flow-fixtures';
import { ADMIN, TestApp } from './harness';

const F = '/api/v1/flows';
const C = '/api/v1/connections';
const CRM = 'https://crm.example.com';
const SECRET = 'bearer-secret-5521';
const OTHER = { email: 'other-admin@test.local', password: 'other tenant password 7' };

function flow(url: string, connectionId: string, extra: Record<string, unknown> = {}) {
  const config = { method: 'POST', url, connectionId, ...extra };
  return {
    schemaVersion: 1,
    nodes: [
      { id: 't', type: 'trigger.webhook', name: 'hook', position: { x: 0, y: 0 }, config: { methods: ['POST'] } },
      { id: 'h', type: 'http', name: 'push', position: { x: 300, y: 0 }, config },
    ],
    edges: [{ id: 'e1', source: 't', target: 'h' }],
  };
}

interface Entry {
  action: string;
  actorUserId: string | null;
  targetType: string;
  targetId: string | null;
  targetName: string | null;
  details: Record<string, unknown>;
}

describe('review findings through the API: connection checks at validation, the audit log', () => {
  let t: TestApp;
  let conn: { id: string; name: string };
  const audit = async (action: string): Promise<Entry[]> =>
    (await t.as('get', `/api/v1/audit?action=${action}&limit=200`).expect(200)).body.items;
  const login = (body: Record<string, unknown>) => t.http().post('/api/v1/auth/login').send(body);
  const validate = (definition: unknown, token?: string) => {
    const req = token
      ? t.http().post(`${F}/validate`).set('authorization', `Bearer ${token}`)
      : t.as('post', `${F}/validate`);
    return req.send({ definition }).expect(200);
  };

  beforeAll(async () => {
    t = await TestApp.start();
    const body = { name: 'crm-bearer', type: 'bearer', token: SECRET, allowedOrigins: [CRM] };
    conn = (await t.as('post', C).send(body).expect(201)).body;
  });
  afterAll(() => t?.close());

  describe('POST /flows/validate includes the connection checks', () => {
    it('a URL outside the allowed origins: an error at config.url by connection name, as publish says', async () => {
      const def = flow('https://elsewhere.example.net/calls', conn.id);
      const r = await validate(def);
      expect(r.body.valid).toBe(false);
      const message = 'connection "crm-bearer" may send its credentials only to https://crm.example.com';
      expect(r.body.errors).toEqual([
        expect.objectContaining({
          nodeId: 'h',
          path: 'config.url',
          code: 'connection_origin',
          severity: 'error',
          message: expect.stringContaining(message),
        }),
      ]);
      expect(JSON.stringify(r.body)).not.toContain(conn.id);
      // The same flow saved and published: the same refusal, by name.
      const created = await t.as('post', F).send({ name: 'Misdirected', definition: def }).expect(201);
      const pub = await t.as('post', `${F}/${created.body.id}/publish`).send({}).expect(422);
      expect(pub.body.message).toContain('connection "crm-bearer"');
      expect(pub.body.message).not.toContain(conn.id);
    });

    it('an allowed origin validates clean; a missing secret name and a body-placed token are errors too', async () => {
      expect((await validate(flow(`${CRM}/calls`, conn.id))).body).toMatchObject({ valid: true, errors: [] });
      const headers = [{ name: 'X-Sig', value: '{{sha256 secrets.nope}}' }];
      const secret = await validate(flow(`${CRM}/calls`, 'crm-bearer', { headers }));
      expect(secret.body.errors).toEqual([
        expect.objectContaining({
          nodeId: 'h',
          path: 'config',
          code: 'connection_secret',
          message: expect.stringContaining('connection "crm-bearer" has no secret "nope"'),
        }),
      ]);

      const request = { method: 'POST', url: `${CRM}/auth` };
      const apply = { in: 'body', name: 'token' };
      const body = { name: 'body-token', type: 'token_endpoint', request, tokenPath: 'token', apply };
      const token = await t.as('post', C).send(body).expect(201);
      const placed = await validate(flow(`${CRM}/calls`, token.body.id));
      const message = 'connection "body-token" puts its token in the body';
      expect(placed.body.errors).toEqual([
        expect.objectContaining({
          path: 'config.body',
          code: 'connection_token_placement',
          message: expect.stringContaining(message),
        }),
      ]);
    });

    it('only callers who may see a connection’s origins get them (connections.read, test run, publish)', async () => {
      const def = flow('https://elsewhere.example.net/calls', conn.id);
      const viewer = await signInWith(t, ['flows.read']);
      expect((await validate(def, viewer)).body).toMatchObject({ valid: true, errors: [] });
      for (const perm of ['connections.read', 'flows.run', 'flows.publish']) {
        const token = await signInWith(t, ['flows.read', perm]);
        const codes = (await validate(def, token)).body.errors.map((e: { code: string }) => e.code);
        expect([perm, codes]).toEqual([perm, ['connection_origin']]);
      }
    });

    it('another tenant’s connection id is no issue of this tenant (nothing about it is told)', async () => {
      const tenant = { name: 'Other', adminEmail: OTHER.email, adminPassword: OTHER.password };
      const other = await t.as('post', '/api/v1/tenants').send(tenant).expect(201);
      const signed = await login(OTHER).expect(200);
      expect(signed.body.user.tenantId).toBe(other.body.id);
      const r = await validate(flow('https://elsewhere.example.net/x', conn.id), signed.body.accessToken);
      expect(r.body.errors.filter((e: { code: string }) => e.code.startsWith('connection_'))).toEqual([]);
      expect(JSON.stringify(r.body)).not.toContain('crm-bearer');
    });
  });

  describe('the audit log', () => {
    it('records a sign-in with the address and how it came, never the password', async () => {
      const before = (await audit('auth.signed_in')).length;
      const me = await login(ADMIN).expect(200);
      await t.http().post('/api/v1/auth/login').set('x-callflow-session', 'cookie').send(ADMIN).expect(200);
      const rows = await audit('auth.signed_in');
      expect(rows.length).toBe(before + 2);
      const id = me.body.user.id;
      expect(rows[1]).toMatchObject({
        actorUserId: id,
        targetType: 'user',
        targetId: id,
        targetName: ADMIN.email,
        details: { email: ADMIN.email, ip: expect.stringMatching(/127\.0\.0\.1/), via: 'api' },
      });
      expect(rows[0]!.details.via).toBe('editor');
      expect(JSON.stringify(rows)).not.toContain(ADMIN.password);
    });

    it('records a failed sign-in in its account’s tenant, no password; unknown, ambiguous emails nowhere', async () => {
      const wrong = 'not the right password 1';
      await login({ email: ADMIN.email, password: wrong }).expect(401);
      await login({ email: 'nobody@test.local', password: wrong }).expect(401);
      const failed = await audit('auth.sign_in_failed');
      const details = { email: ADMIN.email, ip: expect.any(String), via: 'api' };
      const entry = { actorUserId: null, targetType: 'user', targetName: ADMIN.email, details };
      expect(failed).toEqual([expect.objectContaining(entry)]);
      expect(JSON.stringify(failed)).not.toContain(wrong);
      expect(JSON.stringify(failed)).not.toContain('nobody@test.local');

      // Another tenant makes a user with this tenant's email: a failure could be meant for either,
      // so neither records it.
      const other = await login(OTHER).expect(200);
      const bearer = `Bearer ${other.body.accessToken}`;
      const as = (m: 'post' | 'get', url: string) => t.http()[m](url).set('authorization', bearer);
      await as('post', '/api/v1/users').send({ email: ADMIN.email, password: 'a twin account password' }).expect(201);
      await login({ email: ADMIN.email, password: 'yet another wrong one 2' }).expect(401);
      expect(await audit('auth.sign_in_failed')).toHaveLength(1);
      const theirs = async () => (await as('get', '/api/v1/audit?action=auth.sign_in_failed').expect(200)).body.items;
      expect(await theirs()).toEqual([]);
      // Naming the tenant names the account: recorded there.
      const tenantId = other.body.user.tenantId;
      await login({ email: ADMIN.email, password: 'yet another wrong one 3', tenantId }).expect(401);
      expect(await theirs()).toHaveLength(1);
      expect(await audit('auth.sign_in_failed')).toHaveLength(1);
    });

    it('records connection changes by name: the fields changed and the secrets set, never their values', async () => {
      const fields = { baseUrl: CRM, region: 'us' };
      const basic = { name: 'crm-basic', type: 'basic' };
      const first = { ...basic, username: 'agent', password: 'basic-secret-9931', fields: { ...fields, region: 'eu' } };
      const id = (await t.as('post', C).send(first).expect(201)).body.id as string;
      const origins = [CRM, 'https://eu.crm.example.com'];
      const second = { ...basic, username: 'agent2', password: 'basic-secret-9932', fields, allowedOrigins: origins };
      await t.as('put', `${C}/${id}`).send(second).expect(200);
      await t.as('put', `${C}/${id}`).send({ name: 'crm-main', type: 'basic', username: 'agent2', fields }).expect(200);

      const [add] = (await audit('connection.created')).filter((e) => e.targetId === id);
      expect(add).toMatchObject({
        actorUserId: expect.any(String),
        targetType: 'connection',
        targetName: 'crm-main',
        details: { ...basic, fields: ['baseUrl', 'region'], allowedOrigins: [CRM], secretsSet: ['password'] },
      });
      const updates = (await audit('connection.updated')).filter((e) => e.targetId === id);
      expect(updates.map((u) => u.details)).toEqual([
        { name: 'crm-main', previousName: 'crm-basic', changed: ['name'] },
        {
          name: 'crm-basic',
          changed: ['username', 'fields.region', 'allowedOrigins'],
          originsAdded: ['https://eu.crm.example.com'],
          originsRemoved: [],
          secretsSet: ['password'],
        },
      ]);
      await t.as('delete', `${C}/${id}`).expect(204);
      const [gone] = (await audit('connection.deleted')).filter((e) => e.targetId === id);
      expect(gone).toMatchObject({ targetName: null, details: { name: 'crm-main', type: 'basic' } });
      const all = JSON.stringify((await t.as('get', '/api/v1/audit?limit=200').expect(200)).body);
      for (const s of ['basic-secret-9931', 'basic-secret-9932', SECRET]) expect(all).not.toContain(s);
    });
  });
});
