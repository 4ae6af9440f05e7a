import { OutboundClient } from '../outbound/outbound-client';
import { LoopbackServer } from '../../test/loopback';
import type { ConnectionSpec } from './connection-spec';
import { createTokenSource, resolveConnection } from './resolve-connection';
import { TokenSource } from './token-source';
import { SecretMatcher } from '../runtime/secret-matcher';

describe('TokenSource', () => {
  it('caches the token until shortly before it expires, then refreshes', async () => {
    let now = 1_000_000;
    let n = 0;
    const src = new TokenSource({
      fetch: async () => ({ token: `t${++n}`, expiresAt: now + 100_000 }),
      now: () => now,
    });
    expect((await src.get()).token).toBe('t1');
    now += 50_000;
    expect((await src.get()).token).toBe('t1');
    now += 45_000; // inside the 10% margin
    expect((await src.get()).token).toBe('t2');
    expect(n).toBe(2);
  });

  it('shares one fetch between 20 concurrent callers', async () => {
    let n = 0;
    const src = new TokenSource({ fetch: () => new Promise((r) => setTimeout(() => r({ token: `t${++n}` }), 20)) });
    const all = await Promise.all(Array.from({ length: 20 }, () => src.get()));
    expect(new Set(all.map((t) => t.token))).toEqual(new Set(['t1']));
    expect(n).toBe(1);
  });

  it('refreshes once after a 401, even when many callers report the same stale token', async () => {
    let n = 0;
    const src = new TokenSource({ fetch: () => new Promise((r) => setTimeout(() => r({ token: `t${++n}` }), 10)) });
    const stale = (await src.get()).token;
    const changed = await Promise.all(Array.from({ length: 20 }, () => src.invalidate(stale)));
    expect(changed.every(Boolean)).toBe(true);
    expect(n).toBe(2);
    expect((await src.get()).token).toBe('t2');
    // A caller that still holds the old token sees the new one without another fetch.
    expect(await src.invalidate(stale)).toBe(true);
    expect(n).toBe(2);
  });

  it('does not cache failures', async () => {
    let n = 0;
    const src = new TokenSource({
      fetch: async () => (++n === 1 ? Promise.reject(new Error('down')) : { token: 'ok' }),
    });
    await expect(src.get()).rejects.toThrow('down');
    expect((await src.get()).token).toBe('ok');
  });
});

describe('token connections over HTTP', () => {
  let server: LoopbackServer;
  let outbound: OutboundClient;
  let issued = 0;
  beforeAll(async () => {
    server = await LoopbackServer.start();
    outbound = new OutboundClient({ policy: { allow: ['127.0.0.1'] } });
    server.on('POST /auth', (req, res) => {
      const body = JSON.parse(req.body);
      if (body.username !== 'agent' || body.password !== 's3cret-pass') return res.writeHead(403).end();
      issued++;
      setTimeout(
        () =>
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ data: { access_token: `tok-${issued}`, expires_in: 3600 } })),
        30,
      );
    });
    server.on('POST /oauth/token', (req, res) => {
      issued++;
      const form = new URLSearchParams(req.body);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          access_token: `oa-${form.get('client_id')}-${form.get('client_secret')?.length}`,
          expires_in: 60,
        }),
      );
    });
  });
  afterAll(async () => {
    await outbound.close();
    await server.close();
  });
  beforeEach(() => {
    issued = 0;
    server.seen.length = 0;
  });

  const gcalls = (): ConnectionSpec => ({
    id: 'c1',
    type: 'token_endpoint',
    fields: { host: `127.0.0.1:${server.port}` },
    allowedOrigins: [server.base],
    secrets: { password: 's3cret-pass' },
    config: {
      request: {
        method: 'POST',
        url: 'http://{{{connection.host}}}/auth',
        body: { type: 'json', template: '{"username":"{{connection.user}}","password":"{{secrets.password}}"}' },
      },
      tokenPath: 'data.access_token',
      expiresInPath: 'data.expires_in',
      apply: { in: 'header', name: 'Authorization', prefix: 'Bearer ' },
    },
  });

  it('fetches a Gcalls-style token once for 20 concurrent runs, applies it and lists it as a secret', async () => {
    const spec = gcalls();
    spec.fields.user = 'agent';
    const tokens = createTokenSource(spec, outbound);
    const resolved = await Promise.all(Array.from({ length: 20 }, () => resolveConnection(spec, { tokens })));
    const req = { url: new URL(`${server.base}/api`), headers: {} as Record<string, string> };
    await resolved[7].authorize!(req, new AbortController().signal);
    expect(req.headers.authorization).toBe('Bearer tok-1');
    expect(issued).toBe(1);
    expect(resolved[0].secrets).toEqual(expect.arrayContaining(['s3cret-pass', 'tok-1']));
    expect(tokens.peek()!.expiresAt).toBeGreaterThan(Date.now() + 3500_000);
  });

  it('refreshes once on a 401 and applies the new token', async () => {
    const spec = gcalls();
    spec.fields.user = 'agent';
    const tokens = createTokenSource(spec, outbound);
    const conn = await resolveConnection(spec, { tokens });
    const req = { url: new URL(`${server.base}/api`), headers: {} as Record<string, string> };
    await conn.authorize!(req, new AbortController().signal);
    expect(await conn.onUnauthorized!()).toBe(true);
    await conn.authorize!(req, new AbortController().signal);
    expect(req.headers.authorization).toBe('Bearer tok-2');
    expect(issued).toBe(2);
    expect(conn.secrets).toContain('tok-2');
  });

  it('oauth2 client credentials: posts the form and applies a bearer token', async () => {
    const spec: ConnectionSpec = {
      id: 'o',
      type: 'oauth2_client_credentials',
      fields: {},
      allowedOrigins: [server.base],
      secrets: { clientSecret: 'abcdef' },
      config: { tokenUrl: `${server.base}/oauth/token`, clientId: 'cid', scope: 'read' },
    };
    const conn = await resolveConnection(spec, { tokens: createTokenSource(spec, outbound) });
    const req = { url: new URL(`${server.base}/api`), headers: {} as Record<string, string> };
    await conn.authorize!(req, new AbortController().signal);
    expect(req.headers.authorization).toBe('Bearer oa-cid-6');
    expect(new URLSearchParams(server.seen[0].body).get('scope')).toBe('read');
  });

  it('a refused token request fails with HTTP_STATUS and is not cached', async () => {
    const spec = gcalls();
    spec.fields.user = 'someone-else';
    const tokens = createTokenSource(spec, outbound);
    await expect(resolveConnection(spec, { tokens })).rejects.toMatchObject({ code: 'HTTP_STATUS' });
    expect(tokens.peek()).toBeUndefined();
  });

  it('api_key in the query and basic auth: the scrub list finds the secret as sent (encoded)', async () => {
    const key = 'k y+&=1';
    const q = await resolveConnection({
      id: 'a',
      type: 'api_key',
      fields: {},
      allowedOrigins: ['http://x'],
      secrets: { apiKey: key },
      config: { placement: 'query', name: 'apiKey' },
    });
    const req = { url: new URL('http://x/api?a=1'), headers: {} as Record<string, string> };
    await q.authorize!(req, new AbortController().signal);
    expect(req.url.searchParams.get('apiKey')).toBe(key);
    expect(SecretMatcher.of(q.secrets).mask(req.url.toString())).toBe('http://x/api?a=1&apiKey=[redacted]');
    const b = await resolveConnection({
      id: 'b',
      type: 'basic',
      fields: { baseUrl: 'http://crm' },
      allowedOrigins: ['http://crm'],
      secrets: { password: 'pw!' },
      config: { username: 'u' },
    });
    expect(b.fields).toEqual({ username: 'u', baseUrl: 'http://crm' });
    expect(b.secrets).toContain(Buffer.from('u:pw!').toString('base64'));
    const header = `Basic ${Buffer.from('u:pw!').toString('base64')}`;
    expect(SecretMatcher.of(b.secrets).mask(header)).toBe('Basic [redacted]');
  });

  it('soap_ws_security gives a node-soap WSSecurity', async () => {
    const s = await resolveConnection({
      id: 's',
      type: 'soap_ws_security',
      fields: {},
      allowedOrigins: [],
      secrets: { password: 'pw' },
      config: { username: 'u', passwordType: 'PasswordDigest' },
    });
    expect((s.soapSecurity as { constructor: { name: string } }).constructor.name).toBe('WSSecurity');
    expect(s.secrets).toContain('pw');
  });
});
