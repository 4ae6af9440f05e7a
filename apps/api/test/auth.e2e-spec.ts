import { ADMIN, TestApp } from './harness';

describe('auth and API keys', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t.close());

  it('logs in the bootstrap admin and refuses wrong passwords with the API error shape', async () => {
    const ok = await t.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
    expect(ok.body.accessToken).toEqual(expect.any(String));
    expect(ok.body.user.permissions).toEqual(expect.arrayContaining(['flows.write', 'tenants.manage']));
    const bad = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ ...ADMIN, password: 'nope' })
      .expect(401);
    expect(bad.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'wrong email or password' });
  });

  it('rejects unknown fields, wrong types and malformed JSON with 400', async () => {
    const extra = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ ...ADMIN, admin: true })
      .expect(400);
    expect(extra.body.message).toMatch(/admin/);
    await t.http().post('/api/v1/auth/login').send({ email: 42, password: 'x' }).expect(400);
    const malformed = await t
      .http()
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send('{"email": ')
      .expect(400);
    expect(malformed.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringMatching(/malformed JSON/),
    });
  });

  it('answers 413 past the body limit', async () => {
    const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) });
    const r = await t.http().post('/api/v1/auth/login').set('content-type', 'application/json').send(big);
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ statusCode: 413, message: 'request body too large' });
  });

  it('requires a token on management routes and shows an API key once', async () => {
    await t.http().get('/api/v1/api-keys').expect(401);
    const created = await t
      .as('post', '/api/v1/api-keys')
      .send({ name: 'pbx', scopes: ['triggers.invoke'], flowKeys: ['vip'] })
      .expect(201);
    expect(created.body.key).toMatch(/^cfk_/);
    const list = await t.as('get', '/api/v1/api-keys').expect(200);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(list.body.items.map((k: { name: string }) => k.name)).toContain('pbx');
    await t.as('delete', `/api/v1/api-keys/${created.body.id}`).expect(204);
    await t.as('delete', `/api/v1/api-keys/${created.body.id}`).expect(404);
  });
});
