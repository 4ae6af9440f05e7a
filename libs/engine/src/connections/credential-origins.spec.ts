import { FlowEngine } from '../engine';
import { EngineError } from '../errors';
import type { ConnectionResolver, RunResult } from '../types';
import { chain } from '../../test/flows';
import { LoopbackServer, type SeenRequest } from '../../test/loopback';
import type { ConnectionSpec } from './connection-spec';
import { normalizeOrigin, OriginGate, OriginSyntaxError } from './origin-policy';
import { createTokenSource, resolveConnection, usesToken } from './resolve-connection';

describe('allowed origins: the form they are compared in', () => {
  it.each([
    ['https://CRM.Example.com', 'https://crm.example.com'],
    ['https://crm.example.com/', 'https://crm.example.com'],
    ['https://crm.example.com:443', 'https://crm.example.com'],
    ['http://crm.example.com:8080', 'http://crm.example.com:8080'],
    ['https://bücher.example', 'https://xn--bcher-kva.example'],
    ['http://0x7f.1:9000', 'http://127.0.0.1:9000'],
    ['http://2130706433', 'http://127.0.0.1'],
    ['http://[0:0:0:0:0:0:0:1]:81', 'http://[::1]:81'],
  ])('%s → %s', (entry, origin) => {
    expect(normalizeOrigin(entry)).toBe(origin);
  });

  it.each([
    'crm.example.com',
    'ftp://crm.example.com',
    'https://u:p@crm.example.com',
    'https://crm.example.com/api',
    'https://crm.example.com?x=1',
    'https://*.example.com',
    'https://',
  ])('refuses %s with a reason', (entry) => {
    expect(() => normalizeOrigin(entry)).toThrow(OriginSyntaxError);
  });

  it('matches exactly: no other scheme, port or subdomain, no suffix or userinfo tricks; IP forms normalised', () => {
    const gate = new OriginGate('crm', ['https://crm.example.com', 'http://127.0.0.1:9000']);
    const ok = (u: string) => {
      try {
        gate.check(new URL(u));
        return true;
      } catch (err) {
        expect((err as EngineError).code).toBe('CONNECTION_ORIGIN_NOT_ALLOWED');
        return false;
      }
    };
    expect(ok('https://crm.example.com/api/v1?x=1')).toBe(true);
    expect(ok('https://CRM.EXAMPLE.COM:443/')).toBe(true);
    expect(ok('http://0x7f.0.0.1:9000/a')).toBe(true);
    for (const bad of [
      'http://crm.example.com/',
      'https://crm.example.com:8443/',
      'https://api.crm.example.com/',
      'https://crm.example.com.evil.test/',
      'https://evilcrm.example.com/',
      'https://crm.example.com@evil.test/',
      'https://evil.test/https://crm.example.com',
      'http://127.0.0.1:9001/',
      'http://localhost:9000/',
    ]) {
      expect([bad, ok(bad)]).toEqual([bad, false]);
    }
  });

  it('an empty list sends credentials nowhere and says how to fix it', () => {
    const e = (() => {
      try {
        new OriginGate('crm', []).check(new URL('https://crm.example.com/x'));
      } catch (err) {
        return err as EngineError;
      }
      throw new Error('expected a refusal');
    })();
    expect(e.message).toBe(
      'connection "crm" lists no allowed origins, so its credentials are sent nowhere: ' +
        'add https://crm.example.com to its allowed origins if it belongs there',
    );
    expect(e.details).toEqual({ connectionId: 'crm', origin: 'https://crm.example.com', allowedOrigins: [] });
  });
});

describe("a connection's credentials go to its own origins only (issue 16 §5, §6)", () => {
  let crm: LoopbackServer; // the connection's origin
  let other: LoopbackServer; // anyone else's (another port: another origin)
  let engine: FlowEngine;
  const specs = new Map<string, ConnectionSpec>();
  const connections: ConnectionResolver = {
    async resolve(id) {
      const spec = specs.get(id);
      if (!spec) return undefined;
      return resolveConnection(
        spec,
        usesToken(spec) ? { tokens: createTokenSource(spec, engine.services.outbound) } : {},
      );
    },
  };

  const echo = (req: SeenRequest, res: import('node:http').ServerResponse) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req));

  beforeAll(async () => {
    crm = await LoopbackServer.start();
    other = await LoopbackServer.start();
    for (const s of [crm, other]) s.on('/echo', echo);
    // Redirects to wherever ?to= says, with the status ?s= says (an open redirect on the CRM).
    crm.on('/redirect', (req, res) => {
      const q = new URL(req.url, 'http://x').searchParams;
      res.writeHead(Number(q.get('s') ?? 302), { location: q.get('to')! }).end();
    });
    crm.on('POST /token', (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"tok-123456","expires_in":600}'),
    );
    engine = new FlowEngine({ outbound: { allow: ['127.0.0.1'] }, connections });
    const allowed = [crm.base];
    specs.set('basic', {
      id: 'basic',
      type: 'basic',
      config: { username: 'agent' },
      fields: {},
      secrets: { password: 'pw-basic-1' },
      allowedOrigins: allowed,
    });
    specs.set('bearer', {
      id: 'bearer',
      type: 'bearer',
      config: {},
      fields: {},
      secrets: { token: 'tok-bearer-1' },
      allowedOrigins: allowed,
    });
    specs.set('key-h', {
      id: 'key-h',
      type: 'api_key',
      config: { placement: 'header', name: 'X-Api-Key', prefix: 'Key ' },
      fields: {},
      secrets: { apiKey: 'key-header-1' },
      allowedOrigins: allowed,
    });
    specs.set('key-q', {
      id: 'key-q',
      type: 'api_key',
      config: { placement: 'query', name: 'apiKey' },
      fields: {},
      secrets: { apiKey: 'key-query-1' },
      allowedOrigins: allowed,
    });
    specs.set('token', {
      id: 'token',
      type: 'token_endpoint',
      fields: {},
      secrets: { password: 'pw-token-1' },
      allowedOrigins: allowed,
      config: {
        request: {
          method: 'POST',
          url: `${crm.base}/token`,
          body: { type: 'json', template: '{"p":"{{secrets.password}}"}' },
        },
        tokenPath: 'access_token',
        apply: { in: 'header', name: 'X-Token' },
      },
    });
    specs.set('token-body', {
      id: 'token-body',
      type: 'token_endpoint',
      fields: {},
      secrets: { password: 'pw-token-1' },
      allowedOrigins: allowed,
      config: {
        request: {
          method: 'POST',
          url: `${crm.base}/token`,
          body: { type: 'json', template: '{"p":"{{secrets.password}}"}' },
        },
        tokenPath: 'access_token',
        apply: { in: 'body', name: 'access_token' },
      },
    });
    specs.set('elsewhere', {
      id: 'elsewhere',
      type: 'token_endpoint',
      fields: {},
      secrets: { password: 'pw-token-2' },
      allowedOrigins: allowed,
      config: {
        request: {
          method: 'POST',
          url: `${other.base}/token`,
          body: { type: 'json', template: '{"p":"{{secrets.password}}"}' },
        },
        tokenPath: 'access_token',
        apply: { in: 'header', name: 'X-Token' },
      },
    });
  });
  afterAll(async () => {
    await engine.close();
    await crm.close();
    await other.close();
  });
  beforeEach(() => {
    crm.seen.length = 0;
    other.seen.length = 0;
  });

  const run = (connectionId: string, url: string): Promise<RunResult> =>
    engine.run(engine.compile(chain([['h', 'http', 'req', { url, connectionId }]])), {});
  const SECRETS = [
    'pw-basic-1',
    Buffer.from('agent:pw-basic-1').toString('base64'),
    'tok-bearer-1',
    'key-header-1',
    'key-query-1',
    'tok-123456',
    'pw-token-1',
    'pw-token-2',
  ];
  const leaked = (s: LoopbackServer) => SECRETS.filter((x) => JSON.stringify(s.seen).includes(x));

  it.each(['basic', 'bearer', 'key-h', 'key-q', 'token'])(
    '%s: a node naming another origin fails with CONNECTION_ORIGIN_NOT_ALLOWED and sends nothing',
    async (id) => {
      const r = await run(id, `${other.base}/echo`);
      expect(r.status).toBe('failed');
      expect(r.error).toMatchObject({ code: 'CONNECTION_ORIGIN_NOT_ALLOWED', nodeId: 'h' });
      expect(r.error!.message).toContain(`not to ${other.base}`);
      expect(other.seen).toEqual([]);
      // The connection's own origin still gets them.
      const ok = await run(id, `${crm.base}/echo`);
      expect(ok.status).toBe('succeeded');
    },
  );

  it('the token request itself goes to an allowed origin only', async () => {
    const r = await run('elsewhere', `${crm.base}/echo`);
    expect(r.error).toMatchObject({ code: 'CONNECTION_ORIGIN_NOT_ALLOWED' });
    expect(r.error!.message).toContain('its token request');
    expect(other.seen).toEqual([]);
  });

  it.each([301, 302, 303, 307, 308])(
    'a %i to another origin strips every credential the connection added (headers and query)',
    async (status) => {
      for (const id of ['basic', 'bearer', 'key-h', 'key-q', 'token']) {
        other.seen.length = 0;
        // For the query key, the open redirect reflects the query: the key in ?apiKey= would ride along without the
        // strip.
        const to = id === 'key-q' ? `${other.base}/echo?apiKey=key-query-1&keep=1` : `${other.base}/echo?keep=1`;
        const r = await run(id, `${crm.base}/redirect?s=${status}&to=${encodeURIComponent(to)}`);
        expect([id, r.status]).toEqual([id, 'succeeded']);
        expect(other.seen).toHaveLength(1);
        expect([id, leaked(other)]).toEqual([id, []]);
        expect(other.seen[0]!.url).toBe('/echo?keep=1');
      }
    },
  );

  it('a token placed in the body never goes to another origin: a 307/308 keeping the body is refused', async () => {
    const post = (status: number) => {
      const url = `${crm.base}/redirect?s=${status}&to=${encodeURIComponent(`${other.base}/echo`)}`;
      const node = {
        method: 'POST',
        url,
        connectionId: 'token-body',
        body: { type: 'json', template: '{"phone": "1"}' },
      };
      return engine.run(engine.compile(chain([['h', 'http', 'req', node]])), {});
    };
    for (const status of [307, 308]) {
      const r = await post(status);
      expect([status, r.status, r.error?.code]).toEqual([status, 'failed', 'OUTBOUND_BLOCKED']);
    }
    expect(other.seen).toEqual([]);
    // A 303 drops the body (and with it the token): followed.
    const r = await post(303);
    expect(r.status).toBe('succeeded');
    expect(other.seen).toHaveLength(1);
    expect(leaked(other)).toEqual([]);
  });

  it('a redirect within the origin keeps them', async () => {
    const r = await run('key-h', `${crm.base}/redirect?s=307&to=${encodeURIComponent('/echo')}`);
    expect(r.status).toBe('succeeded');
    const last = crm.seen.at(-1)!;
    expect(last.url).toBe('/echo');
    expect(last.headers['x-api-key']).toBe('Key key-header-1');
  });
});
