/**
 * Hostile-tenant review, items 1–3, through the running API (test-run, published webhook, the
 * execution a viewer reads): credentials carried to another origin by a redirect (a WS-Security
 * password by a 307; a path token and a URL-encoded query key in a Location), and secrets read
 * back from an allowed origin that echoes them, re-encoded by templates (base64, pieces).
 * The CRM (allowed origin) and the attacker (another port: another origin) are loopback servers.
 */
import type { ServerResponse } from 'node:http';
import { crmWsdl } from '../../../../libs/engine/src/soap/soap.fixtures';
import { LoopbackServer } from '../../../../libs/engine/test/loopback';
import { signInWith } from '../flow-fixtures';
import { TestApp } from '../harness';
import { chainFlow, finishedExecution, publishFlow, respondNode } from '../support/triggers';

const C = '/api/v1/connections';
const WS_PASSWORD = 'ws-pw-80417-Jd';
const PATH_TOKEN = 'path-tok-60231-Lx';
const QUERY_KEY = 'q-key-55190-Mv';
const BEARER = 'bearer-tok-31377-Qy9wZ';
const SOAP_ANSWER = `<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<GetCustomerResponse xmlns="urn:crm"><name>Ada</name></GetCustomerResponse></soap:Body></soap:Envelope>`;

/** Every 8-character piece of `secret` found in `text`, also after undoing base64 of any of its words. */
function pieces(text: string, secret: string): string[] {
  const words = text.match(/[A-Za-z0-9+/=_-]{12,}/g) ?? [];
  const decoded = words.map((w) => Buffer.from(w, 'base64').toString('latin1'));
  const all = [text, ...decoded].join('\n').toLowerCase();
  const found: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) {
    const piece = secret.slice(i, i + 8);
    if (all.includes(piece.toLowerCase())) found.push(piece);
  }
  return found;
}

describe('security: redirects and echoes do not give a connection away (review items 1–3)', () => {
  let t: TestApp;
  let crm: LoopbackServer;
  let attacker: LoopbackServer;
  let runner: string; // flows.run only
  let viewer: string; // executions.read only

  beforeAll(async () => {
    t = await TestApp.start();
    [crm, attacker] = await Promise.all([LoopbackServer.start(), LoopbackServer.start()]);
    attacker.otherwise = (_req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(SOAP_ANSWER);
    const json = (res: ServerResponse, body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const moved = (res: ServerResponse, location: string) => res.writeHead(302, { location }).end();
    const wsdl = crmWsdl(`${crm.base}/soap`);
    crm.on('/crm.wsdl', (_req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(wsdl));
    crm.on('/redir', (req, res) => {
      const q = new URL(req.url, 'http://x').searchParams;
      res.writeHead(Number(q.get('s')), { location: q.get('to')! }).end();
    });
    crm.on('POST /token', (_req, res) => json(res, { access_token: PATH_TOKEN }));
    crm.on('/login-wall', (req, res) => {
      moved(res, `${attacker.base}/login?return_to=${encodeURIComponent(`${crm.base}${req.url}`)}`);
    });
    // The upstream that echoes the Authorization header it got.
    crm.on('/whoami', (req, res) => json(res, { auth: req.headers.authorization }));
    crm.otherwise = (req, res) => moved(res, `${attacker.base}/reflect${new URL(req.url, 'http://x').pathname}`);
    const create = async (body: Record<string, unknown>) =>
      (
        await t
          .as('post', C)
          .send({ allowedOrigins: [crm.base], ...body })
          .expect(201)
      ).body.id as string;
    await create({ name: 'ws', type: 'soap_ws_security', username: 'agent', password: WS_PASSWORD });
    await create({
      name: 'path-token',
      type: 'token_endpoint',
      request: { method: 'POST', url: `${crm.base}/token` },
      tokenPath: 'access_token',
      apply: { in: 'path', name: 'token' },
      secrets: { password: 'unused-pw-1' },
    });
    await create({ name: 'query-key', type: 'api_key', placement: 'query', paramName: 'api_key', apiKey: QUERY_KEY });
    await create({ name: 'echoing', type: 'bearer', token: BEARER });
    runner = await signInWith(t, ['flows.run']);
    viewer = await signInWith(t, ['executions.read']);
  });
  afterAll(async () => {
    await Promise.all([crm?.close(), attacker?.close()]);
    await t?.close();
  });
  beforeEach(() => {
    crm.seen.length = 0;
    attacker.seen.length = 0;
  });

  const ivr = { id: 't', type: 'trigger.ivr', name: 'ivr', config: { deadlineMs: 5000, fallback: {} } };
  const testRun = (definition: unknown) =>
    t.http().post('/api/v1/flows/test-run').set('authorization', `Bearer ${runner}`).send({ definition, input: {} });
  const get = (url: string, connectionId: string) => ({
    id: 'h',
    type: 'http',
    name: 'call',
    config: { method: 'GET', url, connectionId },
  });

  it('item 1: the WS-Security password does not follow a 307/308 to another origin', async () => {
    for (const s of [307, 308]) {
      const endpoint = `${crm.base}/redir?s=${s}&to=${encodeURIComponent(`${attacker.base}/soap`)}`;
      const wsdlUrl = `${crm.base}/crm.wsdl`;
      const config = { wsdlUrl, endpoint, operation: 'GetCustomer', args: { phone: '1' }, connectionId: 'ws' };
      const soap = { id: 's', type: 'soap', name: 'soap', config };
      const r = await testRun(chainFlow(ivr, soap)).expect(200);
      expect([s, r.body.status, r.body.error?.code]).toEqual([s, 'failed', 'OUTBOUND_BLOCKED']);
    }
    expect(crm.seen.filter((x) => x.method === 'POST').every((x) => x.body.includes(WS_PASSWORD))).toBe(true);
    expect(attacker.seen).toEqual([]);
  });

  it('item 2: a path token and a URL-encoded query key reflected in a Location stay home', async () => {
    const a = await testRun(chainFlow(ivr, get(`${crm.base}/api/{token}/customers`, 'path-token'))).expect(200);
    expect(a.body.error).toMatchObject({ code: 'OUTBOUND_BLOCKED', nodeId: 'h' });
    const b = await testRun(chainFlow(ivr, get(`${crm.base}/login-wall?x=1`, 'query-key'))).expect(200);
    expect(b.body.error).toMatchObject({ code: 'OUTBOUND_BLOCKED', nodeId: 'h' });
    const urls = ['/token', `/api/${PATH_TOKEN}/customers`, `/login-wall?x=1&api_key=${QUERY_KEY}`];
    expect(crm.seen.map((x) => x.url)).toEqual(urls);
    expect(attacker.seen).toEqual([]);
    expect(JSON.stringify([a.body, b.body])).not.toMatch(new RegExp(`${PATH_TOKEN}|${QUERY_KEY}`));
  });

  describe('item 3: a secret echoed by the allowed origin, re-encoded by templates', () => {
    const call = () => get(`${crm.base}/whoami`, 'echoing');
    const answer = respondNode(
      '{"b64":"{{base64 nodes.call.body.auth}}",' +
        '"split":"{{substring nodes.call.body.auth 0 12}}|{{substring nodes.call.body.auth 12 40}}",' +
        '"shout":"{{upper nodes.call.body.auth}}","url":"{{urlencode (urlencode nodes.call.body.auth)}}"}',
    );

    it('is not in the test-run answer, nor in the execution a viewer reads', async () => {
      const r = await testRun(chainFlow(ivr, call(), answer)).expect(200);
      expect(r.body.status).toBe('succeeded');
      expect(r.body.output.b64).toContain('[redacted]');
      expect(pieces(JSON.stringify(r.body), BEARER)).toEqual([]);
      const row = await t.http().get(`/api/v1/executions/${r.body.id}`).set('authorization', `Bearer ${viewer}`);
      expect(row.status).toBe(200);
      expect(row.body.steps.length).toBe(3);
      expect(pieces(JSON.stringify(row.body), BEARER)).toEqual([]);
    });

    it('is not in the live webhook answer, nor in its execution record', async () => {
      const hook = { id: 't', type: 'trigger.webhook', name: 'hook', config: { methods: ['POST'] } };
      await publishFlow(t, 'echo-encoded', chainFlow(hook, call(), answer));
      const r = await t.http().post('/api/v1/hooks/echo-encoded').set('x-api-key', t.apiKey).send({}).expect(200);
      expect(JSON.parse(r.text).shout).toBe('BEARER [redacted]');
      expect(pieces(r.text, BEARER)).toEqual([]);
      const row = await finishedExecution(t, r.headers['x-execution-id']!);
      expect(pieces(JSON.stringify(row), BEARER)).toEqual([]);
    });
  });
});
