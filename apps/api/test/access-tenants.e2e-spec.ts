import { API_PREFIX } from '../src/app.factory';
import { listRoutes } from '../src/access/route-catalogue';
import { ivrFlow, signInWithRoles } from './flow-fixtures';
import { ADMIN, TestApp } from './harness';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Well-formed bodies for routes whose DTO would otherwise answer 400 before the tenant check. */
const BODIES: Record<string, object> = {
  'PUT /api/v1/flows/:id': { revision: 1, name: 'Hijacked' },
  'PATCH /api/v1/roles/:id': { name: 'Hijacked' },
  'PATCH /api/v1/users/:id': { active: false },
};

describe('access: tenants are isolated (another tenant’s ids answer 404, lists never show them)', () => {
  let t: TestApp;
  let b: { token: string; tenantId: string; adminId: string };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await TestApp.start();
    // The second tenant's admin even shares the first admin's email: a different tenant, a different user.
    const created = await t
      .as('post', '/api/v1/tenants')
      .send({ name: 'Tenant B', adminEmail: ADMIN.email, adminPassword: 'orbit lantern b-side 29' })
      .expect(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      name: 'Tenant B',
      admin: { id: expect.any(String), email: ADMIN.email, roleIds: [expect.any(String)] },
    });
    // No tenantId needed: the password opens the one account it belongs to (the first admin's still opens the first
    // tenant).
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: ADMIN.email, password: 'orbit lantern b-side 29' })
      .expect(200);
    expect(login.body.user.tenantId).toBe(created.body.id);
    await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: ADMIN.email, password: 'orbit lantern b-side 29', tenantId: created.body.id })
      .expect(200);
    expect((await t.http().post('/api/v1/auth/login').send(ADMIN).expect(200)).body.user.isBootstrap).toBe(true);
    b = { token: login.body.accessToken, tenantId: created.body.id, adminId: created.body.admin.id };
    const as = (m: Method, url: string) => t.http()[m](url).set('authorization', `Bearer ${b.token}`);
    const me = await as('get', '/api/v1/me').expect(200);
    expect(me.body.permissions).not.toContain('tenants.manage');
    expect(me.body.roles.map((r: { name: string }) => r.name)).toEqual(['Admin']);

    const def = ivrFlow('http://127.0.0.1:9');
    ids.flows = (await as('post', '/api/v1/flows').send({ name: 'B flow', definition: def }).expect(201)).body.id;
    await as('post', `/api/v1/flows/${ids.flows}/publish`).send({}).expect(200);
    ids.executions = (
      await as('post', '/api/v1/flows/test-run').send({ definition: def, input: {} }).expect(200)
    ).body.id;
    await as('get', `/api/v1/executions/${ids.executions}`).expect(200);
    ids.roles = (
      await as('post', '/api/v1/roles')
        .send({ name: 'B role', permissions: ['flows.read'] })
        .expect(201)
    ).body.id;
    ids.users = (
      await as('post', '/api/v1/users')
        .send({ email: 'b-user@test.local', password: 'velvet kettle 4 tests', roleIds: [ids.roles] })
        .expect(201)
    ).body.id;
    ids['api-keys'] = (
      await as('post', '/api/v1/api-keys')
        .send({ name: 'B key', scopes: ['triggers.invoke'] })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  /** Every route of the app addressing one of the resources above by id, from the router walk. */
  function resourceRoutes() {
    return listRoutes(t.app, API_PREFIX, ['metrics'])
      .map((r) => ({ ...r, resource: /^\/api\/v1\/([a-z-]+)\/:id(\/|$)/.exec(r.path)?.[1] }))
      .filter(
        (r): r is typeof r & { resource: string } => !!r.resource && r.resource in ids && r.rule?.kind === 'permission',
      );
  }

  it.each([
    ['the bootstrap admin', async () => t.token],
    ['an Admin-role user of the first tenant', async () => (await signInWithRoles(t, ['Admin'])).token],
  ])('%s gets 404 on every resource route for the other tenant’s ids', async (_who, tokenOf) => {
    const token = await tokenOf();
    const routes = resourceRoutes();
    expect(new Set(routes.map((r) => r.resource))).toEqual(new Set(Object.keys(ids)));
    const wrong: string[] = [];
    for (const r of routes) {
      const url = r.path.replace(':id', ids[r.resource]).replace(/:[A-Za-z]+/g, '1');
      const method = r.method.toLowerCase() as Method;
      const res = await t
        .http()
        [method](url)
        .set('authorization', `Bearer ${token}`)
        .send(BODIES[`${r.method} ${r.path}`] ?? {});
      if (res.status !== 404)
        wrong.push(`${r.method} ${url} → ${res.status} ${JSON.stringify(res.body).slice(0, 100)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('lists of the first tenant never include the other tenant’s rows, and the rows are untouched', async () => {
    for (const [resource, id] of Object.entries(ids)) {
      const list = await t.as('get', `/api/v1/${resource}`).expect(200);
      expect([resource, JSON.stringify(list.body).includes(id)]).toEqual([resource, false]);
    }
    const audit = await t.as('get', '/api/v1/audit?limit=200').expect(200);
    for (const id of Object.values(ids)) expect(JSON.stringify(audit.body)).not.toContain(id);
    const as = (m: Method, url: string) => t.http()[m](url).set('authorization', `Bearer ${b.token}`);
    for (const resource of ['flows', 'roles', 'users', 'executions'])
      await as('get', `/api/v1/${resource}/${ids[resource]}`).expect(200);
    expect((await as('get', `/api/v1/flows/${ids.flows}`)).body).toMatchObject({ name: 'B flow', publishedVersion: 1 });
    expect((await as('get', `/api/v1/users/${ids.users}`)).body).toMatchObject({ active: true });
    expect((await as('get', '/api/v1/api-keys')).body.items.map((k: { id: string }) => k.id)).toContain(
      ids['api-keys'],
    );
    // The second tenant sees its own audit trail (tenant creation, its own changes), nothing of the first.
    const bAudit = await as('get', '/api/v1/audit?limit=200').expect(200);
    expect(bAudit.body.items.map((i: { action: string }) => i.action)).toEqual(
      expect.arrayContaining(['tenant.created', 'role.created', 'user.created', 'api_key.created', 'flow.published']),
    );
  });

  it('roles of another tenant cannot be assigned (400); that tenant sees none of the first one’s rows', async () => {
    await t
      .as('post', '/api/v1/users')
      .send({ email: 'mix@test.local', password: 'user password 4 tests', roleIds: [ids.roles] })
      .expect(400);
    const [{ id: aAdmin }] = await t.db.query(`SELECT id FROM users WHERE is_bootstrap`);
    const as = (m: Method, url: string) => t.http()[m](url).set('authorization', `Bearer ${b.token}`);
    await as('get', `/api/v1/users/${aAdmin}`).expect(404);
    await as('patch', `/api/v1/users/${aAdmin}`).send({ active: false }).expect(404);
    const users = await as('get', '/api/v1/users').expect(200);
    expect(users.body.items.map((u: { id: string }) => u.id).sort()).toEqual([b.adminId, ids.users].sort());
    const roles = await as('get', '/api/v1/roles').expect(200);
    expect(roles.body.items.map((r: { name: string }) => r.name).sort()).toEqual([
      'Admin',
      'B role',
      'Integration editor',
      'Viewer',
    ]);
  });

  it('only the bootstrap admin may create tenants; bad bodies are 400', async () => {
    await t
      .http()
      .post('/api/v1/tenants')
      .set('authorization', `Bearer ${b.token}`)
      .send({ name: 'C', adminEmail: 'c@test.local', adminPassword: 'user password 4 tests' })
      .expect(403);
    await t
      .as('post', '/api/v1/tenants')
      .send({ name: 'C', adminEmail: 'c@test.local', adminPassword: 'short' })
      .expect(400);
    await t
      .as('post', '/api/v1/tenants')
      .send({ name: 'C', adminEmail: 'c@test.local', adminPassword: 'user password 4 tests', id: b.tenantId })
      .expect(400);
  });
});
