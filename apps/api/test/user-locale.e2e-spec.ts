import * as migration from '../src/database/migrations/1763820000000-user-locale';
import { scratchDatabase } from './db-url';
import { signInWithRoles } from './flow-fixtures';
import { ADMIN, TestApp } from './harness';

/** Issue 19 §4: the editor language is kept per user on the server (PATCH /me, answered by /me and sign-in). */
describe('a user’s editor language', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t.close());

  const me = (token: string) => t.http().get('/api/v1/me').set('authorization', `Bearer ${token}`);
  const patch = (token: string, body: unknown) =>
    t
      .http()
      .patch('/api/v1/me')
      .set('authorization', `Bearer ${token}`)
      .send(body as object);

  it('is null until chosen, then kept for the user on every sign-in, and for them only', async () => {
    const agent = await signInWithRoles(t, ['Viewer']);
    const other = await signInWithRoles(t, ['Viewer']);
    expect((await me(agent.token).expect(200)).body.locale).toBeNull();

    const saved = await patch(agent.token, { locale: 'ru' }).expect(200);
    expect(saved.body).toMatchObject({ id: agent.userId, email: agent.email, locale: 'ru' });
    expect((await me(agent.token).expect(200)).body.locale).toBe('ru');
    // Another device: the login answer carries it.
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: agent.email, password: 'password123' })
      .expect(200);
    expect(login.body.user.locale).toBe('ru');
    // So does a refresh.
    const refreshed = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.user.locale).toBe('ru');

    expect((await me(other.token).expect(200)).body.locale).toBeNull();
    expect((await t.as('get', '/api/v1/me').expect(200)).body.locale).toBeNull();

    await patch(agent.token, { locale: null }).expect(200);
    expect((await me(agent.token).expect(200)).body.locale).toBeNull();
  });

  it('refuses an unknown language, a missing one and other fields (400); needs a signed-in user (401)', async () => {
    for (const body of [{ locale: 'de' }, { locale: 'RU' }, { locale: 7 }, {}, { locale: 'it', email: 'x@y.z' }]) {
      const r = await t.as('patch', '/api/v1/me').send(body).expect(400);
      expect(r.body.statusCode).toBe(400);
    }
    const r = await t.as('patch', '/api/v1/me').send({ locale: 'de' }).expect(400);
    expect(JSON.stringify(r.body.message)).toMatch(/locale must be one of en, it, ru/);
    expect((await t.as('get', '/api/v1/me').expect(200)).body.locale).toBeNull();
    await t.http().patch('/api/v1/me').send({ locale: 'it' }).expect(401);
    await t.http().patch('/api/v1/me').set('x-api-key', t.apiKey).send({ locale: 'it' }).expect(401);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM users WHERE locale IS NOT NULL`)).toEqual([{ n: 0 }]);
  });

  it('changes only the caller’s own row, in their tenant (the database refuses other values)', async () => {
    const admin = await t.as('patch', '/api/v1/me').send({ locale: 'it' }).expect(200);
    expect(admin.body).toMatchObject({ email: ADMIN.email, locale: 'it' });
    const rows: { email: string; locale: string | null }[] = await t.db.query(
      `SELECT email, locale FROM users WHERE locale IS NOT NULL`,
    );
    expect(rows).toEqual([{ email: ADMIN.email, locale: 'it' }]);
    await expect(t.db.query(`UPDATE users SET locale = 'de'`)).rejects.toThrow(/users_locale_check/);
  });
});

describe('user locale migration', () => {
  const db = scratchDatabase();
  beforeAll(() => db.create());
  afterAll(() => db.drop());

  it('adds a nullable, checked column to existing users, and reverts', async () => {
    const before = await db.migrated(migration.UserLocale1763820000000, 'before');
    const [{ id: tenant }] = await before.query(`INSERT INTO tenants (name) VALUES ('old') RETURNING id`);
    await before.query(`INSERT INTO users (tenant_id, email, password_hash) VALUES ($1, 'old@test.local', 'x')`, [
      tenant,
    ]);
    await before.destroy();
    const ds = await db.migrated(migration.UserLocale1763820000000, 'through');
    expect(await ds.query(`SELECT email, locale FROM users`)).toEqual([{ email: 'old@test.local', locale: null }]);
    await ds.query(`UPDATE users SET locale = 'ru'`);
    await expect(ds.query(`UPDATE users SET locale = 'xx'`)).rejects.toThrow(/users_locale_check/);
    await ds.undoLastMigration();
    const columns = await ds.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'locale'`,
    );
    expect(columns).toEqual([]);
    await ds.destroy();
  });
});
