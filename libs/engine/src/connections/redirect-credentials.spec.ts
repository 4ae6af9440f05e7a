/**
 * Security review, items 1 and 2: credentials carried to another origin by a redirect.
 * - A WS-Security password in the envelope followed a 307/308 from the allowed origin to another.
 * - A token placed in the path, or an api_key query parameter reflected (URL-encoded) in the
 *   Location, reached the other origin.
 * - A hash the node's templates made of a secret (a Gcalls-style signature) in a header or body.
 * The CRM (the connection's origin) and "the other" origin are loopback servers on two ports;
 * the other records everything it receives and must see none of the values.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { FlowEngine } from '../engine';
import type { ConnectionResolver, RunResult } from '../types';
import { chain } from '../../test/flows';
import { LoopbackServer, type SeenRequest } from '../../test/loopback';
import { crmWsdl } from '../soap/soap.fixtures';
import type { ConnectionSpec } from './connection-spec';
import { createTokenSource, resolveConnection, usesToken } from './resolve-connection';

const WS_PASSWORD = 'ws-pass-5521-Zq';
const PATH_TOKEN = 'tok-path-778899-Hk';
const QUERY_KEY = 'key-q-55667788-Rt';
const SIGN_KEY = 'sign-key-3344-Pw';
const SOAP_ANSWER = `<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<GetCustomerResponse xmlns="urn:crm"><name>Ada</name></GetCustomerResponse></soap:Body></soap:Envelope>`;
const TOKEN_BODY = { type: 'json' as const, template: '{"p":"{{secrets.password}}"}' };
const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';

describe('redirects never carry credentials to another origin (review items 1, 2)', () => {
  let crm: LoopbackServer;
  let other: LoopbackServer;
  let engine: FlowEngine;
  const specs = new Map<string, ConnectionSpec>();
  const connections: ConnectionResolver = {
    async resolve(id) {
      const spec = specs.get(id);
      if (!spec) return undefined;
      const tokens = usesToken(spec) ? { tokens: createTokenSource(spec, engine.services.outbound) } : {};
      return resolveConnection(spec, tokens);
    },
  };
  const md5 = (s: string) => createHash('md5').update(s).digest('hex') as string;
  const SIGNATURE = md5(`acct-1${SIGN_KEY}`);
  const VALUES = [WS_PASSWORD, PATH_TOKEN, QUERY_KEY, SIGN_KEY, SIGNATURE];
  /** What of the values reached the other origin, in any of the forms looked for here. */
  const leaked = () => {
    const seen = JSON.stringify(other.seen);
    const decoded = decodeURIComponent(decodeURIComponent(seen));
    return VALUES.filter((v) => decoded.includes(v) || seen.includes(Buffer.from(v).toString('base64').slice(0, 12)));
  };
  const redirectTo = (res: ServerResponse, status: number, location: string) =>
    res.writeHead(status, { location }).end();
  const xml = (res: ServerResponse, body: string) => res.writeHead(200, { 'content-type': 'text/xml' }).end(body);
  const json = (res: ServerResponse, body: unknown) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  beforeAll(async () => {
    crm = await LoopbackServer.start();
    other = await LoopbackServer.start();
    other.otherwise = (_req, res) => xml(res, SOAP_ANSWER);
    crm.on('/crm.wsdl', (_req, res) => xml(res, crmWsdl(`${crm.base}/soap`)));
    crm.on('POST /soap', (_req, res) => xml(res, SOAP_ANSWER));
    crm.on('/echo', (req: SeenRequest, res) => json(res, req));
    // An open redirect: ?s= status, ?to= location.
    crm.on('/redirect', (req, res) => {
      const q = new URL(req.url, 'http://x').searchParams;
      redirectTo(res, Number(q.get('s')), q.get('to')!);
    });
    crm.on('POST /token', (_req, res) => json(res, { access_token: PATH_TOKEN }));
    // A CRM that sends API calls on to another host with the same path (a moved API, a proxy).
    crm.otherwise = (req, res) => {
      const url = new URL(req.url, crm.base);
      if (url.pathname.startsWith('/api/')) return redirectTo(res, 302, `${other.base}/reflect${url.pathname}`);
      // A login wall that sends the caller back to where it came from.
      const back = url.href;
      const once = encodeURIComponent(back);
      if (url.pathname === '/needs-login') return redirectTo(res, 302, `${other.base}/login?return_to=${once}`);
      const twice = encodeURIComponent(encodeURIComponent(back));
      if (url.pathname === '/needs-login-2') return redirectTo(res, 302, `${other.base}/r?u=${twice}`);
      const b64 = Buffer.from(back).toString('base64url');
      if (url.pathname === '/needs-login-b64') return redirectTo(res, 302, `${other.base}/r/${b64}`);
      res.writeHead(404).end();
    };
    engine = new FlowEngine({ outbound: { allow: ['127.0.0.1'] }, connections });
    const allowedOrigins = [crm.base];
    const ws = (id: string, passwordType: 'PasswordText' | 'PasswordDigest'): ConnectionSpec => ({
      id,
      type: 'soap_ws_security',
      config: { username: 'agent', passwordType, hasTimeStamp: false },
      fields: {},
      secrets: { password: WS_PASSWORD },
      allowedOrigins,
    });
    specs.set('ws-text', ws('ws-text', 'PasswordText'));
    specs.set('ws-digest', ws('ws-digest', 'PasswordDigest'));
    specs.set('path', {
      id: 'path',
      type: 'token_endpoint',
      fields: {},
      secrets: { password: 'pw-token-9' },
      allowedOrigins,
      config: {
        request: { method: 'POST', url: `${crm.base}/token`, body: TOKEN_BODY },
        tokenPath: 'access_token',
        apply: { in: 'path', name: 'token' },
      },
    });
    const apiKey = (id: string, placement: 'query' | 'header', name: string, key: string): ConnectionSpec => ({
      id,
      type: 'api_key',
      config: { placement, name },
      fields: {},
      secrets: { apiKey: key },
      allowedOrigins,
    });
    specs.set('key-q', apiKey('key-q', 'query', 'api_key', QUERY_KEY));
    specs.set('sign', apiKey('sign', 'header', 'X-Key', SIGN_KEY));
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

  const runNode = (type: string, config: Record<string, unknown>): Promise<RunResult> =>
    engine.run(engine.compile(chain([['n', type, 'call', config]])), {});
  const soapCall = (connectionId: string, endpoint: string) =>
    runNode('soap', {
      wsdlUrl: `${crm.base}/crm.wsdl`,
      endpoint,
      operation: 'GetCustomer',
      args: { phone: '1' },
      connectionId,
    });
  const redirect = (status: number, to: string) => `${crm.base}/redirect?s=${status}&to=${encodeURIComponent(to)}`;

  describe('WS-Security (item 1)', () => {
    it.each([
      ['ws-text', 307],
      ['ws-text', 308],
      ['ws-digest', 307],
      ['ws-digest', 308],
    ])('%s: a %i to another origin keeping the envelope is refused (OUTBOUND_BLOCKED)', async (id, status) => {
      const r = await soapCall(id, redirect(status, `${other.base}/soap`));
      expect(r.status).toBe('failed');
      expect(r.error).toMatchObject({ code: 'OUTBOUND_BLOCKED', nodeId: 'n' });
      const why = "keeping the body, which holds the connection's credentials";
      expect(r.error!.message).toBe(`${crm.base} redirected to ${other.base} ${why}: not followed`);
      expect(other.seen).toEqual([]);
    });

    it('a 302 (the POST becomes a GET without the envelope) is followed without the password', async () => {
      await soapCall('ws-text', redirect(302, `${other.base}/soap`));
      expect(other.seen.map((s) => `${s.method} ${s.url} ${s.body.length}`)).toEqual(['GET /soap 0']);
      expect(leaked()).toEqual([]);
    });

    it('a 307 within the origin keeps the envelope with its password', async () => {
      const r = await soapCall('ws-text', redirect(307, '/soap'));
      expect(r.status).toBe('succeeded');
      const posted = crm.seen.find((s) => s.method === 'POST' && s.url === '/soap')!;
      expect(posted.body).toContain(`<wsse:Password Type="${PASSWORD_TEXT}">${WS_PASSWORD}</wsse:Password>`);
    });
  });

  describe('credential values in the next URL (item 2)', () => {
    it('a path-placed token is not carried to another origin that gets the same path', async () => {
      const r = await runNode('http', { url: `${crm.base}/api/{token}/customers`, connectionId: 'path' });
      expect(r.error).toMatchObject({ code: 'OUTBOUND_BLOCKED', nodeId: 'n' });
      const why = "to a URL that holds the connection's credentials";
      expect(r.error!.message).toBe(`${crm.base} redirected to ${other.base} ${why}: not followed`);
      expect(r.error!.message).not.toContain(PATH_TOKEN);
      expect(crm.seen.map((s) => s.url)).toEqual(['/token', `/api/${PATH_TOKEN}/customers`]);
      expect(other.seen).toEqual([]);
    });

    const walls = ['/needs-login', '/needs-login-2', '/needs-login-b64'];
    it.each(walls)('an api_key query parameter reflected in the Location (%s) is refused', async (path) => {
      const r = await runNode('http', { url: `${crm.base}${path}?x=1`, connectionId: 'key-q' });
      expect(r.error).toMatchObject({ code: 'OUTBOUND_BLOCKED' });
      expect(crm.seen.map((s) => s.url)).toEqual([`${path}?x=1&api_key=${QUERY_KEY}`]);
      expect(other.seen).toEqual([]);
      // The recorded error and request keep the key out.
      expect(JSON.stringify(r)).not.toContain(QUERY_KEY);
    });

    it('a cross-origin redirect whose URL holds no credential is still followed (the key stripped)', async () => {
      const url = redirect(302, `${other.base}/landing?api_key=${QUERY_KEY}&k=1`);
      const r = await runNode('http', { url, connectionId: 'key-q' });
      expect(r.status).toBe('succeeded');
      expect(other.seen.map((s) => s.url)).toEqual(['/landing?k=1']);
      expect(leaked()).toEqual([]);
    });
  });

  describe('hashes of secrets the templates made (a signature is a credential)', () => {
    const headers = [
      { name: 'X-Sign', value: '{{md5 (concat "acct-1" secrets.apiKey)}}' },
      { name: 'X-Plain', value: 'kept' },
    ];

    it('a header holding one is dropped on a cross-origin redirect; other headers go on', async () => {
      const r = await runNode('http', { url: redirect(302, `${other.base}/echo`), connectionId: 'sign', headers });
      expect(r.status).toBe('succeeded');
      expect(crm.seen[0]!.headers).toMatchObject({ 'x-sign': SIGNATURE, 'x-key': SIGN_KEY });
      expect(other.seen).toHaveLength(1);
      expect(other.seen[0]!.headers['x-plain']).toBe('kept');
      expect(leaked()).toEqual([]);
    });

    it('a body holding one is not carried by a 307 to another origin; a 303 drops it and is followed', async () => {
      const body = { type: 'json', template: '{"account":"acct-1","sign":"{{md5 (concat "acct-1" secrets.apiKey)}}"}' };
      const post = (status: number) =>
        runNode('http', { method: 'POST', url: redirect(status, `${other.base}/echo`), connectionId: 'sign', body });
      const r = await post(307);
      expect(r.error).toMatchObject({ code: 'OUTBOUND_BLOCKED' });
      expect(other.seen).toEqual([]);
      const ok = await post(303);
      expect(ok.status).toBe('succeeded');
      expect(other.seen.map((s) => `${s.method} ${s.body}`)).toEqual(['GET ']);
      expect(leaked()).toEqual([]);
    });
  });
});
