/**
 * Issue 16 (High): the editor's session is not readable by script. The refresh token travels in
 * an HttpOnly, SameSite=Strict cookie scoped to the auth routes (Secure over https), used only
 * with the X-Callflow-Session header from a page of this origin; API clients keep the JSON form.
 */
import type { Response } from 'supertest';
import { signInWithRoles } from '../flow-fixtures';
import { TestApp } from '../harness';

const SESSION = { 'x-callflow-session': 'cookie' };

/** The callflow_refresh Set-Cookie line of an answer, split into its value and attributes. */
function refreshCookie(r: Response): { value: string; attrs: string[] } | undefined {
  const lines = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
  const line = lines.find((l) => l.startsWith('callflow_refresh='));
  if (!line) return undefined;
  const [pair, ...attrs] = line.split(';').map((s) => s.trim());
  return { value: pair!.slice('callflow_refresh='.length), attrs: attrs.map((a) => a.toLowerCase()) };
}

describe('security: the editor session’s refresh token lives in an HttpOnly cookie', () => {
  let t: TestApp;
  let email: string;
  beforeAll(async () => {
    // The Secure case comes through a proxy on loopback, which TRUST_PROXY must name.
    t = await TestApp.start({ TRUST_PROXY: 'loopback' });
    ({ email } = await signInWithRoles(t, ['Viewer']));
  });
  afterAll(() => t?.close());

  const login = (headers: Record<string, string> = SESSION) =>
    t.http().post('/api/v1/auth/login').set(headers).send({ email, password: 'password123' });
  const refresh = (cookie: string, headers: Record<string, string> = SESSION) =>
    t.http().post('/api/v1/auth/refresh').set(headers).set('cookie', `other=1; callflow_refresh=${cookie}`).send({});
  const logout = (cookie?: string) => {
    const r = t.http().post('/api/v1/auth/logout').set(SESSION);
    return (cookie ? r.set('cookie', `callflow_refresh=${cookie}`) : r).send({});
  };
  const me = (token: string) => t.http().get('/api/v1/me').set('authorization', `Bearer ${token}`);

  it('sign-in sets the cookie (HttpOnly, SameSite=Strict, Path=/api/v1/auth), not the token in the body', async () => {
    const r = await login().expect(200);
    const c = refreshCookie(r);
    expect(c?.value).toMatch(/^cfr_[\w-]{20,}$/);
    expect(c!.attrs).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/api/v1/auth']));
    expect(c!.attrs.some((a) => a.startsWith('max-age='))).toBe(true);
    expect(c!.attrs).not.toContain('secure'); // plain http here
    expect(r.body.refreshToken).toBeUndefined();
    expect(JSON.stringify(r.body)).not.toContain(c!.value);
    expect(r.body).toMatchObject({ accessToken: expect.any(String), tokenType: 'Bearer', user: { email } });
    await me(r.body.accessToken).expect(200);
  });

  it('the cookie is Secure when the request came over https (X-Forwarded-Proto of a TRUST_PROXY proxy)', async () => {
    const r = await login({ ...SESSION, 'x-forwarded-proto': 'https' }).expect(200);
    expect(refreshCookie(r)!.attrs).toContain('secure');
  });

  it('refresh rotates the cookie; the old one reused ends the session and clears the cookie', async () => {
    const first = refreshCookie(await login().expect(200))!.value;
    const r = await refresh(first).expect(200);
    const second = refreshCookie(r)!.value;
    expect(second).not.toBe(first);
    expect(r.body.refreshToken).toBeUndefined();
    await me(r.body.accessToken).expect(200);
    const reused = await refresh(first).expect(401);
    expect(refreshCookie(reused)?.value).toBe(''); // cleared
    await refresh(second).expect(401);
    await me(r.body.accessToken).expect(401);
  });

  it('the cookie is used only with the session header, from this origin (CSRF)', async () => {
    const cookie = refreshCookie(await login().expect(200))!.value;
    // No header, no body token: a form post from anywhere gets nothing.
    await refresh(cookie, {}).expect(400);
    await refresh(cookie, { ...SESSION, origin: 'https://evil.example' }).expect(403);
    await refresh(cookie, { ...SESSION, origin: 'null' }).expect(403); // a sandboxed trigger answer
    await refresh(cookie, { ...SESSION, 'sec-fetch-site': 'cross-site' }).expect(403);
    await refresh(cookie, { ...SESSION, 'sec-fetch-site': 'same-site' }).expect(403);
    await login({ ...SESSION, origin: 'https://evil.example' }).expect(403);
    // Still usable from the editor's own pages (none of the refused calls rotated it).
    const ok = await refresh(cookie, { ...SESSION, origin: t.baseUrl, 'sec-fetch-site': 'same-origin' }).expect(200);
    expect(refreshCookie(ok)?.value).toMatch(/^cfr_/);
  });

  it('no cookie: 401; sign-out revokes the session, clears the cookie and kills the access token', async () => {
    await t.http().post('/api/v1/auth/refresh').set(SESSION).send({}).expect(401);
    const r = await login().expect(200);
    const cookie = refreshCookie(r)!.value;
    const out = await logout(cookie).expect(204);
    const cleared = refreshCookie(out)!;
    expect(cleared.value).toBe('');
    expect(cleared.attrs).toEqual(expect.arrayContaining(['httponly', 'path=/api/v1/auth']));
    await refresh(cookie).expect(401);
    await me(r.body.accessToken).expect(401);
    // Signing out without a session still answers 204 (and clears).
    await logout().expect(204);
  });

  it('API clients keep the JSON form: no cookie set, the refresh token in the body', async () => {
    const r = await login({}).expect(200);
    expect(refreshCookie(r)).toBeUndefined();
    expect(r.body.refreshToken).toMatch(/^cfr_/);
    const rotated = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: r.body.refreshToken }).expect(200);
    expect(refreshCookie(rotated)).toBeUndefined();
    expect(rotated.body.refreshToken).toMatch(/^cfr_/);
  });
});
