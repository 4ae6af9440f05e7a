/**
 * Issue 16 (Low): an access token stops working at the next request after sign-out, a password
 * change or deactivation, and stays dead after reactivation; a JWT without `exp`, with a
 * malformed `sub`, or unsigned is a 401, never accepted and never a 500.
 */
import crypto from 'node:crypto';
import { signInWithRoles } from '../flow-fixtures';
import { TestApp } from '../harness';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** An HS256 JWT over `claims`, signed with `secret` (as only the server can). */
function sign(claims: Record<string, unknown>, secret: string, alg: 'HS256' | 'HS512' = 'HS256'): string {
  const data = `${b64({ alg, typ: 'JWT' })}.${b64(claims)}`;
  return `${data}.${crypto
    .createHmac(alg === 'HS256' ? 'sha256' : 'sha512', secret)
    .update(data)
    .digest('base64url')}`;
}

const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

describe('security: access tokens are revoked at the next request; malformed JWTs are 401', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t?.close());

  const me = (token: string) => t.http().get('/api/v1/me').set('authorization', `Bearer ${token}`);
  const login = (email: string, password = 'password123') =>
    t.http().post('/api/v1/auth/login').send({ email, password });

  it('sign-out ends that session’s access token at once; another session of the user goes on', async () => {
    const u = await signInWithRoles(t, ['Viewer']);
    const other = await login(u.email).expect(200);
    await me(u.token).expect(200);
    await t.http().post('/api/v1/auth/logout').send({ refreshToken: u.refreshToken }).expect(204);
    const r = await me(u.token).expect(401);
    expect(r.body).toMatchObject({ statusCode: 401, message: expect.stringMatching(/session/) });
    await me(other.body.accessToken).expect(200);
  });

  it('a password change ends every session of the user', async () => {
    const u = await signInWithRoles(t, ['Viewer']);
    const other = await login(u.email).expect(200);
    await t.as('patch', `/api/v1/users/${u.userId}`).send({ password: 'a new password 1' }).expect(200);
    await me(u.token).expect(401);
    await me(other.body.accessToken).expect(401);
    const again = await login(u.email, 'a new password 1').expect(200);
    await me(again.body.accessToken).expect(200);
  });

  it('deactivation ends the sessions, and reactivation does not bring them back', async () => {
    const u = await signInWithRoles(t, ['Viewer']);
    await t.as('delete', `/api/v1/users/${u.userId}`).expect(204);
    await me(u.token).expect(401);
    await t.as('patch', `/api/v1/users/${u.userId}`).send({ active: true }).expect(200);
    await me(u.token).expect(401);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: u.refreshToken }).expect(401);
    const again = await login(u.email).expect(200);
    await me(again.body.accessToken).expect(200);
  });

  it('a refresh token used twice (stolen) ends the access tokens of its session too', async () => {
    const u = await signInWithRoles(t, ['Viewer']);
    const rotated = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: u.refreshToken }).expect(200);
    await me(rotated.body.accessToken).expect(200);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: u.refreshToken }).expect(401);
    await me(rotated.body.accessToken).expect(401);
    await me(u.token).expect(401);
  });

  it('claims are checked: exp required, sub/tid/sid UUIDs, no unsigned or foreign-algorithm tokens', async () => {
    const u = await signInWithRoles(t, ['Viewer']);
    const real = claimsOf(u.token);
    const uuid = expect.stringMatching(/^[0-9a-f-]{36}$/);
    expect(real).toEqual({ sub: u.userId, tid: uuid, sid: uuid, iat: expect.any(Number), exp: expect.any(Number) });
    const secret = t.config.jwtSecret;
    // The same claims re-signed are accepted: the checks below fail for the reason each names.
    await me(sign(real, secret)).expect(200);

    const { exp: _exp, ...noExp } = real;
    const cases: [string, string][] = [
      ['no exp', sign(noExp, secret)],
      ['exp not a number', sign({ ...real, exp: String(real.exp) }, secret)],
      ['no iat', sign({ ...real, iat: undefined }, secret)],
      ['iat in the future', sign({ ...real, iat: Math.floor(Date.now() / 1000) + 3600 }, secret)],
      ['expired', sign({ ...real, iat: 1, exp: 2 }, secret)],
      ['sub not a UUID', sign({ ...real, sub: 'admin' }, secret)],
      ['sub a number', sign({ ...real, sub: 42 }, secret)],
      ['sub an object', sign({ ...real, sub: { id: u.userId } }, secret)],
      ['tid not a UUID', sign({ ...real, tid: "x' OR 1=1" }, secret)],
      ['no sid', sign({ ...real, sid: undefined }, secret)],
      ['sid not a UUID', sign({ ...real, sid: 'session' }, secret)],
      ['sid of no session', sign({ ...real, sid: crypto.randomUUID() }, secret)],
      ['unsigned (alg none)', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(real)}.`],
      ['HS512', sign(real, secret, 'HS512')],
      ['wrong secret', sign(real, 'x'.repeat(40))],
      ['not a JWT', 'garbage'],
    ];
    for (const [what, token] of cases) {
      const r = await me(token);
      expect({ what, status: r.status }).toEqual({ what, status: 401 });
      expect(r.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
  });
});
