import { ivrFlow, signInWithRoles, UNKNOWN } from './flow-fixtures';
import { TestApp } from './harness';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

describe('access: users, roles, grants and the audit log', () => {
  let t: TestApp;
  let roles: Record<string, { id: string; permissions: string[] }>;
  beforeAll(async () => {
    t = await TestApp.start();
    const list = await t.as('get', '/api/v1/roles').expect(200);
    roles = Object.fromEntries(
      list.body.items.map((r: { name: string; id: string; permissions: string[] }) => [r.name, r]),
    );
  });
  afterAll(() => t.close());

  const call = (token: string, method: Method, url: string) =>
    t.http()[method](url).set('authorization', `Bearer ${token}`);

  it('seeds the built-in roles, which cannot be deleted or renamed; Admin permissions are fixed', async () => {
    expect(Object.keys(roles)).toEqual(expect.arrayContaining(['Admin', 'Integration editor', 'Viewer']));
    expect(roles.Admin.permissions).not.toContain('tenants.manage');
    expect(roles.Admin.permissions).toContain('access.manage');
    expect(roles.Viewer.permissions.sort()).toEqual(['executions.read', 'flows.read']);
    await t.as('delete', `/api/v1/roles/${roles.Viewer.id}`).expect(409);
    await t.as('patch', `/api/v1/roles/${roles.Viewer.id}`).send({ name: 'Watcher' }).expect(409);
    await t
      .as('patch', `/api/v1/roles/${roles.Admin.id}`)
      .send({ permissions: ['flows.read'] })
      .expect(409);
    await t.as('patch', `/api/v1/roles/${roles.Admin.id}`).send({ name: 'Admin' }).expect(200);
  });

  it('creates, renames, edits, deletes a custom role; names unique per tenant; unknown permissions: 400', async () => {
    const created = await t
      .as('post', '/api/v1/roles')
      .send({ name: 'Publisher', permissions: ['flows.read', 'flows.publish'] })
      .expect(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      name: 'Publisher',
      permissions: ['flows.read', 'flows.publish'],
      builtIn: null,
    });
    await t.as('post', '/api/v1/roles').send({ name: 'publisher', permissions: [] }).expect(409);
    const bad = await t
      .as('post', '/api/v1/roles')
      .send({ name: 'Bad', permissions: ['flows.fly'] })
      .expect(400);
    expect(bad.body.message).toMatch(/flows\.fly/);
    await t
      .as('post', '/api/v1/roles')
      .send({ name: 'Bad', permissions: ['tenants.manage'] })
      .expect(400);
    await t.as('post', '/api/v1/roles').send({ name: 'Bad', permissions: [], tenantId: UNKNOWN }).expect(400);
    const renamed = await t
      .as('patch', `/api/v1/roles/${created.body.id}`)
      .send({ name: 'Releaser', permissions: ['flows.read'] })
      .expect(200);
    expect(renamed.body).toMatchObject({ name: 'Releaser', permissions: ['flows.read'] });
    await t.as('get', `/api/v1/roles/${created.body.id}`).expect(200);
    await t.as('delete', `/api/v1/roles/${created.body.id}`).expect(204);
    await t.as('get', `/api/v1/roles/${created.body.id}`).expect(404);
  });

  it('creates users (201, email unique per tenant); refuses unknown fields, roles and permissions', async () => {
    const r = await t
      .as('post', '/api/v1/users')
      .send({
        email: 'Agent@Test.Local',
        password: 'user password 4 tests',
        roleIds: [roles.Viewer.id],
        permissions: ['flows.run'],
      })
      .expect(201);
    expect(r.body).toEqual({
      id: expect.any(String),
      email: 'agent@test.local',
      active: true,
      roleIds: [roles.Viewer.id],
      permissions: ['flows.run'],
      isBootstrap: false,
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(r.body)).not.toMatch(/password/i);
    await t
      .as('post', '/api/v1/users')
      .send({ email: 'agent@test.local', password: 'user password 4 tests' })
      .expect(409);
    await t
      .as('post', '/api/v1/users')
      .send({ email: 'x@test.local', password: 'user password 4 tests', roleIds: [UNKNOWN] })
      .expect(400);
    await t
      .as('post', '/api/v1/users')
      .send({ email: 'x@test.local', password: 'user password 4 tests', permissions: ['everything'] })
      .expect(400);
    for (const extra of [{ tenantId: UNKNOWN }, { roles: ['Admin'] }, { isBootstrap: true }, { active: false }]) {
      const res = await t
        .as('post', '/api/v1/users')
        .send({ email: 'y@test.local', password: 'user password 4 tests', ...extra })
        .expect(400);
      expect(res.body.message).toMatch(new RegExp(Object.keys(extra)[0]));
    }
    await t.as('patch', `/api/v1/users/${r.body.id}`).send({ email: 'new@test.local' }).expect(400);
    await t.as('patch', `/api/v1/users/${r.body.id}`).send({ tenantId: UNKNOWN }).expect(400);
    const list = await t.as('get', '/api/v1/users').expect(200);
    expect(list.body.items.map((u: { email: string }) => u.email)).toEqual(
      expect.arrayContaining(['admin@test.local', 'agent@test.local']),
    );
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'agent@test.local', password: 'user password 4 tests' })
      .expect(200);
    expect(login.body.user.permissions).toEqual(['executions.read', 'flows.read', 'flows.run']);
  });

  it('a revoked grant bites on the very next request with the same token', async () => {
    const u = await signInWithRoles(t, [], ['flows.read', 'flows.write']);
    await call(u.token, 'post', '/api/v1/flows')
      .send({ name: 'Revoke me', definition: ivrFlow('http://127.0.0.1:9') })
      .expect(201);
    await t.as('patch', `/api/v1/users/${u.userId}`).send({ permissions: [] }).expect(200);
    await call(u.token, 'post', '/api/v1/flows')
      .send({ name: 'Revoke me 2', definition: ivrFlow('http://127.0.0.1:9') })
      .expect(403);
    await call(u.token, 'get', '/api/v1/flows').expect(403);
    // Through a role: assign, works; the role loses the permission, the next request is refused.
    const role = await t
      .as('post', '/api/v1/roles')
      .send({ name: 'Readers', permissions: ['flows.read'] })
      .expect(201);
    await t
      .as('patch', `/api/v1/users/${u.userId}`)
      .send({ roleIds: [role.body.id] })
      .expect(200);
    await call(u.token, 'get', '/api/v1/flows').expect(200);
    await t.as('patch', `/api/v1/roles/${role.body.id}`).send({ permissions: [] }).expect(200);
    await call(u.token, 'get', '/api/v1/flows').expect(403);
    // Deactivated: the token stops working at once.
    await t.as('patch', `/api/v1/users/${u.userId}`).send({ active: false }).expect(200);
    await call(u.token, 'get', '/api/v1/me').expect(401);
  });

  it('refuses privilege escalation: granting or assigning what the caller does not hold is 403', async () => {
    const mgr = await signInWithRoles(t, [], ['access.manage', 'flows.read']);
    await call(mgr.token, 'post', '/api/v1/users')
      .send({ email: 'esc1@test.local', password: 'user password 4 tests', permissions: ['flows.write'] })
      .expect(403);
    await call(mgr.token, 'post', '/api/v1/users')
      .send({ email: 'esc2@test.local', password: 'user password 4 tests', roleIds: [roles['Integration editor'].id] })
      .expect(403);
    await call(mgr.token, 'post', '/api/v1/roles')
      .send({ name: 'Sneaky', permissions: ['api_keys.manage'] })
      .expect(403);
    await call(mgr.token, 'patch', `/api/v1/users/${mgr.userId}`)
      .send({ permissions: ['access.manage', 'flows.read', 'flows.publish'] })
      .expect(403);
    await call(mgr.token, 'patch', `/api/v1/users/${mgr.userId}`)
      .send({ roleIds: [roles.Admin.id] })
      .expect(403);
    await call(mgr.token, 'patch', `/api/v1/roles/${roles.Viewer.id}`)
      .send({ permissions: ['flows.read', 'executions.read', 'flows.write'] })
      .expect(403);
    // Nor may they touch a user holding more than they do (e.g. reset the admin's password).
    const [{ id: adminId }] = await t.db.query(`SELECT id FROM users WHERE is_bootstrap`);
    await call(mgr.token, 'patch', `/api/v1/users/${adminId}`).send({ password: 'hijacked-password' }).expect(403);
    await call(mgr.token, 'delete', `/api/v1/users/${adminId}`).expect(403);
    // What they hold they may grant.
    const ok = await call(mgr.token, 'post', '/api/v1/users')
      .send({ email: 'ok@test.local', password: 'user password 4 tests', roleIds: [], permissions: ['flows.read'] })
      .expect(201);
    expect(ok.body.permissions).toEqual(['flows.read']);
  });

  it('the last active holder of access.manage cannot be removed, deactivated or stripped (409)', async () => {
    // A fresh tenant: its only access.manage holder is its first admin (through the Admin role).
    const tenant = await t
      .as('post', '/api/v1/tenants')
      .send({ name: 'Solo', adminEmail: 'solo@test.local', adminPassword: 'user password 4 tests' })
      .expect(201);
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'solo@test.local', password: 'user password 4 tests' })
      .expect(200);
    const tok = login.body.accessToken as string;
    const me = tenant.body.admin.id as string;
    await call(tok, 'patch', `/api/v1/users/${me}`).send({ roleIds: [] }).expect(409);
    await call(tok, 'patch', `/api/v1/users/${me}`).send({ active: false }).expect(409);
    await call(tok, 'delete', `/api/v1/users/${me}`).expect(409);
    // A custom role carrying access.manage: once it is the only source, it cannot be emptied or deleted.
    const role = await call(tok, 'post', '/api/v1/roles')
      .send({ name: 'Managers', permissions: ['access.manage'] })
      .expect(201);
    await call(tok, 'patch', `/api/v1/users/${me}`)
      .send({ roleIds: [role.body.id] })
      .expect(200);
    await call(tok, 'patch', `/api/v1/roles/${role.body.id}`).send({ permissions: [] }).expect(409);
    await call(tok, 'delete', `/api/v1/roles/${role.body.id}`).expect(409);
    // With a second manager, the first may step down.
    const second = await call(tok, 'post', '/api/v1/users')
      .send({ email: 'second@test.local', password: 'user password 4 tests', permissions: ['access.manage'] })
      .expect(201);
    await call(tok, 'patch', `/api/v1/users/${me}`).send({ roleIds: [] }).expect(200);
    await call(tok, 'get', '/api/v1/users').expect(403);
    const l2 = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'second@test.local', password: 'user password 4 tests' })
      .expect(200);
    await call(l2.body.accessToken, 'patch', `/api/v1/users/${second.body.id}`).send({ permissions: [] }).expect(409);
  });

  it('records who did what in the audit log, newest first, filtered by action and paginated', async () => {
    const flow = await t
      .as('post', '/api/v1/flows')
      .send({ name: 'Audited', definition: ivrFlow('http://127.0.0.1:9') })
      .expect(201);
    await t.as('post', `/api/v1/flows/${flow.body.id}/publish`).send({ note: 'v1' }).expect(200);
    await t.as('post', `/api/v1/flows/${flow.body.id}/publish`).send({ version: 1 }).expect(200);
    await t.as('post', `/api/v1/flows/${flow.body.id}/unpublish`).expect(200);
    const key = await t
      .as('post', '/api/v1/api-keys')
      .send({ name: 'audited', scopes: ['triggers.invoke'] })
      .expect(201);
    await t.as('delete', `/api/v1/api-keys/${key.body.id}`).expect(204);
    const [{ id: adminId }] = await t.db.query(`SELECT id FROM users WHERE is_bootstrap`);

    const all = await t.as('get', '/api/v1/audit?limit=200').expect(200);
    const actions = all.body.items.map((i: { action: string }) => i.action);
    for (const a of [
      'flow.published',
      'flow.rolled_back',
      'flow.unpublished',
      'api_key.created',
      'api_key.revoked',
      'role.created',
      'role.updated',
      'role.deleted',
      'user.created',
      'user.updated',
      'user.deactivated',
      'tenant.created',
    ]) {
      expect(actions).toContain(a);
    }
    expect(all.body.items[0]).toMatchObject({
      action: 'api_key.revoked',
      actorUserId: adminId,
      targetType: 'api_key',
      targetId: key.body.id,
      createdAt: expect.any(String),
    });
    const published = await t.as('get', '/api/v1/audit?action=flow.published').expect(200);
    expect(published.body.items).toEqual([
      expect.objectContaining({ targetId: flow.body.id, details: { version: 1, note: 'v1' }, actorUserId: adminId }),
    ]);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.as('get', `/api/v1/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((i: { id: string }) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((i: { id: string }) => i.id));
    await t.as('get', '/api/v1/audit?cursor=garbage').expect(400);
    await t.as('get', '/api/v1/audit?tenantId=x').expect(400);
    const viewer = await signInWithRoles(t, ['Viewer']);
    await call(viewer.token, 'get', '/api/v1/audit').expect(403);
  });

  it('API keys record when they were last used; the stored hash never reveals the key', async () => {
    const key = await t
      .as('post', '/api/v1/api-keys')
      .send({ name: 'used', scopes: ['triggers.invoke'] })
      .expect(201);
    expect(key.body.key).toMatch(/^cfk_[A-Za-z0-9_-]{43}$/); // 256 random bits
    expect(key.body.lastUsedAt).toBeNull();
    await t.http().post('/api/v1/events').set('x-api-key', key.body.key).send([]);
    let lastUsedAt: string | null = null;
    for (let i = 0; i < 50 && !lastUsedAt; i++) {
      const list = await t.as('get', '/api/v1/api-keys').expect(200);
      lastUsedAt = list.body.items.find((k: { id: string }) => k.id === key.body.id).lastUsedAt;
      if (!lastUsedAt) await new Promise((r) => setTimeout(r, 20));
    }
    expect(Date.parse(lastUsedAt!)).toBeGreaterThan(Date.now() - 60_000);
    const [row] = await t.db.query(`SELECT key_hash FROM api_keys WHERE id = $1`, [key.body.id]);
    expect(row.key_hash).not.toContain(key.body.key.slice(4));
  });
});
