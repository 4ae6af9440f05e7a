import crypto from 'node:crypto';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashApiKey } from '../src/api-keys/api-key-crypto';
import { TOO_DEEP_MESSAGE } from '../src/platform/json/json-depth';
import { TestApp } from './harness';
import { chainFlow, createApiKey, publishFlow, respondNode } from './support/triggers';

/**
 * The IVR call has two entry points: IvrPipeline in front of Express (what an IVR reaches) and the
 * documented route, IvrController, behind Express's middleware, guard and router (reached here by
 * serving the Express app without the listener in front). Both must answer every request alike:
 * status, body (the execution id aside) and headers, whatever is wrong with it and in whatever order.
 */

const BODY_LIMIT = 4096;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

function post(base: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> }),
      );
    });
    // A refused upload may be cut short by the server's answer: the answer is what counts.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' ? undefined : reject(err)));
    req.end(body);
  });
}

/** What must be the same on both entry points: the execution id of a run differs, and so do Date and keep-alive. */
function comparable(a: Answer) {
  const { date: _date, 'keep-alive': _keepAlive, ...headers } = a.headers;
  const { executionId, ...body } = a.body;
  return { status: a.status, headers, body: { ...body, ...(executionId ? { executionId: 'some id' } : {}) } };
}

describe('IVR trigger: both entry points answer alike', () => {
  let t: TestApp;
  let routed: Server;
  let routedBase: string;
  let scopeless: string;
  let otherFlowsOnly: string;

  beforeAll(async () => {
    t = await TestApp.start({ BODY_LIMIT_BYTES: String(BODY_LIMIT) });
    const ivr = { id: 't', type: 'trigger.ivr', name: 'ivr', config: { deadlineMs: 2000, fallback: {} } };
    await publishFlow(t, 'vip', chainFlow(ivr, respondNode('{"queue":"vip","caller":"{{call.callerId}}"}')));
    await publishFlow(
      t,
      'hook',
      chainFlow({ id: 't', type: 'trigger.webhook', name: 'hook', config: {} }, respondNode('{}')),
    );
    const [{ tenant_id }] = await t.db.query(`SELECT tenant_id FROM users WHERE is_bootstrap`);
    scopeless = `cfk_${crypto.randomBytes(32).toString('base64url')}`;
    await t.db.query(
      `INSERT INTO api_keys (tenant_id, name, key_hash, key_prefix, scopes) VALUES ($1, 'no scope', $2, $3, '{}')`,
      [tenant_id, hashApiKey(scopeless), scopeless.slice(0, 10)],
    );
    otherFlowsOnly = (await createApiKey(t, { flowKeys: ['other'] })).key;
    // The Express app alone: the router, the global middleware, the guard, then IvrController.
    routed = http.createServer(t.app.getHttpAdapter().getInstance());
    await new Promise<void>((r) => routed.listen(0, '127.0.0.1', r));
    routedBase = `http://127.0.0.1:${(routed.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => routed?.close(r));
    await t?.close();
  });

  const json = 'application/json';
  const deep = '{"call":' + '['.repeat(100) + ']'.repeat(100) + '}';
  const tooBig = JSON.stringify({ call: { pad: 'x'.repeat(BODY_LIMIT) } });
  /** [case, path, headers (`key` stands for a valid API key), body, expected status, expected message]. */
  type Case = [string, string, Record<string, string>, string | Buffer | undefined, number, (string | RegExp)?];
  const cases: Case[] = [
    ['success', '/api/v1/ivr/vip', { key: '', 'content-type': json }, '{"call":{"callerId":"+3906"}}', 200],
    ['no body: an empty question', '/api/v1/ivr/vip', { key: '' }, undefined, 200],
    ['JSON without a Content-Type', '/api/v1/ivr/vip', { key: '' }, '{"call":{"callerId":"+3906"}}', 200],
    ['the key in the query', '/api/v1/ivr/vip?token=KEY', { 'content-type': json }, '{}', 200],
    ['another spelling', '/API/V1/Ivr/vip/', { key: '', 'content-type': json }, '{}', 200],
    ['bad JSON', '/api/v1/ivr/vip', { key: '', 'content-type': json }, '{"call": {', 400, /^malformed JSON body/],
    ['a trailing comma', '/api/v1/ivr/vip', { key: '', 'content-type': json }, '{"a": 1,}', 400],
    ['deep JSON', '/api/v1/ivr/vip', { key: '', 'content-type': json }, deep, 400, TOO_DEEP_MESSAGE],
    ['JSON null', '/api/v1/ivr/vip', { key: '', 'content-type': json }, 'null', 400, 'the body must be a JSON object'],
    ['a JSON array', '/api/v1/ivr/vip', { key: '', 'content-type': json }, '[{"call":{}}]', 400],
    ['an unknown part', '/api/v1/ivr/vip', { key: '', 'content-type': json }, '{"call":{},"nonsense":1}', 400],
    ['a part not an object', '/api/v1/ivr/vip', { key: '', 'content-type': json }, '{"call":"c-1"}', 400],
    ['too big (Content-Length)', '/api/v1/ivr/vip', { key: '', 'content-type': json }, tooBig, 413],
    [
      'too big (chunked)',
      '/api/v1/ivr/vip',
      { key: '', 'content-type': json, 'transfer-encoding': 'chunked' },
      tooBig,
      413,
      'request body too large',
    ],
    ['too big and no key', '/api/v1/ivr/vip', { 'content-type': json }, tooBig, 413],
    ['text/plain', '/api/v1/ivr/vip', { key: '', 'content-type': 'text/plain' }, 'hello', 400],
    ['a form', '/api/v1/ivr/vip', { key: '', 'content-type': 'application/x-www-form-urlencoded' }, 'call=1', 400],
    ['octet-stream', '/api/v1/ivr/vip', { key: '', 'content-type': 'application/octet-stream' }, '{}', 400],
    ['gzip', '/api/v1/ivr/vip', { key: '', 'content-type': json, 'content-encoding': 'gzip' }, '{}', 415],
    ['no key', '/api/v1/ivr/vip', { 'content-type': json }, '{}', 401],
    ['an invalid key', '/api/v1/ivr/vip', { 'x-api-key': 'cfk_nope', 'content-type': json }, '{}', 401],
    ['a user token', '/api/v1/ivr/vip', { authorization: 'Bearer USER', 'content-type': json }, '{}', 401],
    ['bad JSON and no key', '/api/v1/ivr/vip', { 'content-type': json }, '{"call": {', 401],
    ['the key twice', '/api/v1/ivr/vip?token=KEY&token=KEY', { 'content-type': json }, '{}', 400],
    ['a key without the scope', '/api/v1/ivr/vip', { 'x-api-key': 'SCOPELESS', 'content-type': json }, '{}', 403],
    ['a key for other flows', '/api/v1/ivr/vip', { 'x-api-key': 'OTHER', 'content-type': json }, '{}', 403],
    ['an unknown flow', '/api/v1/ivr/nope', { key: '', 'content-type': json }, '{}', 404, 'flow "nope" not found'],
    ['a webhook flow', '/api/v1/ivr/hook', { key: '', 'content-type': json }, '{}', 409],
    [
      'a number beyond ±1.8e308 (read as Infinity, stored as null)',
      '/api/v1/ivr/vip',
      { key: '', 'content-type': json },
      '{"call": {"callerId": "+39061", "custom": {"n": [1, -1e400]}}}',
      400,
      'call.custom.n[1]: number out of range (beyond ±1.8e308)',
    ],
    // 1e309 written out: 310 digits.
    ['310 digits', '/api/v1/ivr/vip', { key: '', 'content-type': json }, `{"ivr": {"n": 1${'0'.repeat(309)}}}`, 400],
  ];

  // One argument (a rest parameter): jest would take a sixth parameter for `done` on rows of five.
  it.each(cases)('%s', async (...[, path, headers, body, status, message]: Case) => {
    const fill = (s: string) =>
      s
        .replace('KEY', t.apiKey)
        .replace('SCOPELESS', scopeless)
        .replace('OTHER', otherFlowsOnly)
        .replace('USER', t.token);
    const { key, ...rest } = headers;
    const sent = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, fill(v)]));
    if (key !== undefined) sent['x-api-key'] = t.apiKey;
    const front = await post(t.baseUrl, fill(path), sent, body);
    const behind = await post(routedBase, fill(path), sent, body);
    expect(front.status).toBe(status);
    if (message !== undefined)
      expect(front.body.message).toEqual(message instanceof RegExp ? expect.stringMatching(message) : message);
    if (status >= 400)
      expect(Object.keys(front.body).sort()).toEqual(expect.arrayContaining(['error', 'message', 'statusCode']));
    expect(front.headers['content-security-policy']).toBe('sandbox');
    expect(comparable(behind)).toEqual(comparable(front));
  });

  it('refuses a flow key that is not valid percent-encoding with a 400 in the one shape', async () => {
    const sent = { 'x-api-key': t.apiKey, 'content-type': json };
    const front = await post(t.baseUrl, '/api/v1/ivr/%E0%A4%A', sent, '{}');
    // Express's router decodes the key before any handler runs, with its own message.
    const behind = await post(routedBase, '/api/v1/ivr/%E0%A4%A', sent, '{}');
    expect(front.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'the flow key in the path is not valid percent-encoding',
    });
    expect(behind.body).toEqual({ ...front.body, message: "Failed to decode param '%E0%A4%A'" });
    expect({ ...comparable(behind).headers, 'content-length': 0 }).toEqual({
      ...comparable(front).headers,
      'content-length': 0,
    });
  });

  it('answers a run the same: the flow ran for both', async () => {
    const sent = { 'x-api-key': t.apiKey, 'content-type': json };
    const body = '{"call":{"callerId":"+390612345678"}}';
    const [front, behind] = [
      await post(t.baseUrl, '/api/v1/ivr/vip', sent, body),
      await post(routedBase, '/api/v1/ivr/vip', sent, body),
    ];
    expect(front.body).toMatchObject({ status: 'succeeded', output: { queue: 'vip', caller: '+390612345678' } });
    expect(behind.body).toMatchObject({ status: 'succeeded', output: { queue: 'vip', caller: '+390612345678' } });
    expect(behind.body.executionId).not.toBe(front.body.executionId);
  });
});
