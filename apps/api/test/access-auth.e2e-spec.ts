import { signInWithRoles } from './flow-fixtures';
import { ADMIN, TestApp } from './harness';

describe('access: sign-in, refresh rotation, logout, throttling, /me', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t.close());

  it('login gives a short-lived access token and a refresh token; /me shows roles, effective permissions', async () => {
    const login = await t.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
    expect(login.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^cfr_/),
      tokenType: 'Bearer',
      expiresIn: 900,
    });
    const stored: { token_hash: string }[] = await t.db.query(`SELECT token_hash FROM refresh_tokens`);
    expect(JSON.stringify(stored)).not.toContain(login.body.refreshToken);
    const me = await t.as('get', '/api/v1/me').expect(200);
    expect(me.body).toMatchObject({
      email: ADMIN.email,
      isBootstrap: true,
      roles: [{ name: 'Admin', id: expect.any(String) }],
    });
    expect(me.body.permissions).toEqual(expect.arrayContaining(['tenants.manage', 'access.manage', 'flows.write']));

    const viewer = await signInWithRoles(t, ['Viewer'], ['flows.run']);
    const vme = await t.http().get('/api/v1/me').set('authorization', `Bearer ${viewer.token}`).expect(200);
    expect(vme.body.permissions).toEqual(['executions.read', 'flows.read', 'flows.run']);
    expect(vme.body.directPermissions).toEqual(['flows.run']);
    expect(vme.body.roles.map((r: { name: string }) => r.name)).toEqual(['Viewer']);
  });

  it('a non-bootstrap user never holds tenants.manage, even when granted directly in the database', async () => {
    const u = await signInWithRoles(t, [], ['tenants.manage', 'access.manage']);
    const me = await t.http().get('/api/v1/me').set('authorization', `Bearer ${u.token}`).expect(200);
    expect(me.body.permissions).toEqual(['access.manage']);
    await t
      .http()
      .post('/api/v1/tenants')
      .set('authorization', `Bearer ${u.token}`)
      .send({ name: 'x', adminEmail: 'x@x.io', adminPassword: 'password123' })
      .expect(403);
  });

  it('GET /permissions lists the catalogue with descriptions for any signed-in user', async () => {
    const viewer = await signInWithRoles(t, ['Viewer']);
    const res = await t.http().get('/api/v1/permissions').set('authorization', `Bearer ${viewer.token}`).expect(200);
    expect(res.body.items).toHaveLength(11);
    expect(res.body.items).toContainEqual({ name: 'flows.publish', description: expect.any(String), grantable: true });
    expect(res.body.items).toContainEqual({
      name: 'tenants.manage',
      description: expect.any(String),
      grantable: false,
    });
    await t.http().get('/api/v1/permissions').expect(401);
  });

  it('refresh rotates the pair; reusing a rotated token revokes the whole family', async () => {
    const u = await signInWithRoles(t, ['Viewer']);
    const r1 = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: u.refreshToken }).expect(200);
    expect(r1.body.refreshToken).not.toBe(u.refreshToken);
    await t.http().get('/api/v1/me').set('authorization', `Bearer ${r1.body.accessToken}`).expect(200);
    const r2 = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: r1.body.refreshToken }).expect(200);
    // The first token again: reuse → 401, and the newest token of the family dies with it.
    const reuse = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: u.refreshToken }).expect(401);
    expect(reuse.body.message).toMatch(/already used/);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: r2.body.refreshToken }).expect(401);
    // Another login (another family) is untouched.
    const other = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: u.email, password: 'password123' })
      .expect(200);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: other.body.refreshToken }).expect(200);
  });

  it('logout revokes the refresh token; junk tokens are 401; extra fields are 400', async () => {
    const u = await signInWithRoles(t, ['Viewer']);
    await t.http().post('/api/v1/auth/logout').send({ refreshToken: u.refreshToken }).expect(204);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: u.refreshToken }).expect(401);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: 'cfr_not-a-real-token' }).expect(401);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: u.refreshToken, userId: u.userId }).expect(400);
    await t.http().post('/api/v1/auth/logout').send({}).expect(400);
  });

  it('a deactivated user can no longer refresh', async () => {
    const u = await signInWithRoles(t, ['Viewer']);
    await t.as('delete', `/api/v1/users/${u.userId}`).expect(204);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: u.refreshToken }).expect(401);
    await t.http().get('/api/v1/me').set('authorization', `Bearer ${u.token}`).expect(401);
  });

  it('the 6th bad password for an account is 429 + Retry-After, even the right one; others unaffected', async () => {
    const u = await signInWithRoles(t, ['Viewer']);
    for (let i = 0; i < 5; i++)
      await t.http().post('/api/v1/auth/login').send({ email: u.email, password: 'wrong-password' }).expect(401);
    const blocked = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: u.email, password: 'wrong-password' })
      .expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(900);
    expect(blocked.body).toMatchObject({ statusCode: 429, message: expect.stringMatching(/too many/) });
    await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: u.email.toUpperCase(), password: 'password123' })
      .expect(429);
    await t.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
  });

  it('20 failures from one address block every account from it', async () => {
    await t.db.query(`DELETE FROM login_failures`);
    for (let i = 0; i < 20; i++)
      await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: `nobody${i}@test.local`, password: 'wrong-password' })
        .expect(401);
    const r = await t.http().post('/api/v1/auth/login').send(ADMIN).expect(429);
    expect(r.headers['retry-after']).toBeDefined();
    // The window is shared through the database: once the failures age out, sign-in works again.
    await t.db.query(`UPDATE login_failures SET created_at = created_at - interval '16 minutes'`);
    await t.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
  });
});
