/**
 * A hostile-tenant review of how trigger answers are written:
 * - an upstream `Content-Type: text/plain, application/javascript` passed through by a respond node
 *   was answered as is; browsers take the last valid type of a comma list, and Chromium ran the
 *   webhook as a `<script src>` despite nosniff;
 * - invalid media types (`module`, `text/javascript(x)`, a comma list) passed validation and crashed
 *   Express (500, an HTML stack trace, the sandbox CSP lost), as did a templated Content-Type row
 *   given caller input, a templated header value with a non-Latin-1 character (a customer named
 *   "Čapek") and a raw redirect location with CR/LF.
 * Every webhook answer now has one well-formed, never-script content type, every header is
 * writable, and what cannot be answered is a 502 with the flow error's code and the trigger headers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response, Test } from 'supertest';
import { TestApp } from '../harness';
import { chainFlow, finishedExecution, publishFlow } from '../support/triggers';

/** The upstream's answers: content types a hostile or broken server sends, with bytes that are valid JavaScript. */
const UPSTREAM_TYPES: Record<string, string> = {
  comma: 'text/plain, application/javascript',
  trailing: 'application/javascript ,',
  paren: 'text/javascript(x)',
  module: 'module',
  empty: 'text/plain;',
  audio: 'audio/mpeg',
  quoted: 'text/html; charset="utf-8"',
  hidden: 'text/plain; x="a, text/javascript"',
};
const SCRIPT = Buffer.from('parent.pwned = document.domain;');
/** One media type, no list, as the answer's Content-Type must be. */
const T = '[a-z0-9!#$&^_.+-]+';
const ONE_MEDIA_TYPE = new RegExp(`^${T}/${T}(?:; ${T}=(?:${T}|"[^"\\\\]*"))*$`);
const SCRIPTY = /javascript|ecmascript|jscript|livescript/i;

const webhook = (methods = ['GET']) => ({ id: 't', type: 'trigger.webhook', name: 'hook', config: { methods } });
const respond = (config: Record<string, unknown>) => ({ id: 'r', type: 'respond', name: 'answer', config });
const text = (template: string, more: Record<string, unknown> = {}) => ({ type: 'text', template, ...more });

/** Rewrites a published version's respond node in the database, as a version stored before a rule would be. */
async function storeLegacy(t: TestApp, flowId: string, change: (config: Record<string, any>) => void): Promise<void> {
  const [version] = await t.db.query(`SELECT id, definition FROM flow_versions WHERE flow_id = $1`, [flowId]);
  change(version.definition.nodes.find((n: { id: string }) => n.id === 'r').config);
  await t.db.query(`UPDATE flow_versions SET definition = $2 WHERE id = $1`, [version.id, version.definition]);
}

function expectTriggerHeaders(r: Response): void {
  expect(r.headers['content-security-policy']).toBe('sandbox');
  expect(r.headers['x-content-type-options']).toBe('nosniff');
  expect(r.headers['referrer-policy']).toBe('no-referrer');
}

/** A 502 in the API's error shape naming the flow error's code: never a 500, never HTML. */
function expectFlowError(r: Response, code: string): void {
  expect(r.status).toBe(502);
  expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(r.body).toMatchObject({ statusCode: 502, error: 'Bad Gateway', details: { code } });
  expect(r.text).not.toMatch(/<html|<pre|\bat .*\.js:\d+/i);
  expectTriggerHeaders(r);
}

describe('security: how trigger answers are written (content type, header values, locations)', () => {
  let t: TestApp;
  let upstream: http.Server;
  let upstreamBase: string;
  /** The answer's body as bytes, whatever its content type says. */
  const bytes = (r: Test) =>
    r.buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  const hook = (path: string) =>
    t.http().get(`/api/v1/hooks/${path}${path.includes('?') ? '&' : '?'}token=${t.apiKey}`);
  const validate = async (definition: unknown) =>
    (await t.as('post', '/api/v1/flows/validate').send({ definition }).expect(200)).body;

  beforeAll(async () => {
    t = await TestApp.start();
    // The other side: GET /asset/<name> only, answered with that name's content type and a script for bytes.
    upstream = http.createServer((req, res) => {
      const name = /^\/asset\/([a-z]+)$/.exec(req.url ?? '')?.[1];
      const type = name === undefined ? undefined : UPSTREAM_TYPES[name];
      if (req.method !== 'GET' || type === undefined || req.headers['content-length'] !== undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
        return;
      }
      res.writeHead(200, { 'content-type': type, 'content-length': SCRIPT.length }).end(SCRIPT);
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamBase = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const url = `${upstreamBase}/asset/{{request.query.name}}`;
    const get = { id: 'h', type: 'http', name: 'asset', config: { url, responseType: 'binary' } };
    await publishFlow(t, 'relay', chainFlow(webhook(), get, respond({ body: { type: 'passthrough', node: 'asset' } })));
    const typeRow = [{ name: 'Content-Type', value: '{{request.query.ct}}' }];
    await publishFlow(t, 'typed', chainFlow(webhook(), respond({ headers: typeRow, body: text('alert(1)') })));
    const nameRow = [{ name: 'X-Customer', value: 'Mr {{request.query.name}}' }];
    const named = respond({ headers: nameRow, body: { type: 'json', template: '{"ok":true}' } });
    await publishFlow(t, 'named', chainFlow(webhook(), named));
    const redirect = { type: 'redirect', location: '{{{request.query.to}}}' };
    await publishFlow(t, 'go', chainFlow(webhook(), respond({ status: 302, body: redirect })));
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => upstream?.close(r));
  });

  it('an upstream content type passed through is one media type, never script (a list is no way in)', async () => {
    const seen: Record<string, string> = {};
    for (const name of Object.keys(UPSTREAM_TYPES)) {
      const r = await bytes(hook(`relay?name=${name}`));
      expect(r.status).toBe(200);
      expectTriggerHeaders(r);
      expect((r.body as Buffer).equals(SCRIPT)).toBe(true);
      seen[name] = r.headers['content-type'] as string;
    }
    for (const type of Object.values(seen)) {
      expect(type).toMatch(ONE_MEDIA_TYPE);
      expect(type).not.toMatch(SCRIPTY);
    }
    expect(seen).toMatchObject({
      comma: 'text/plain; charset=utf-8',
      trailing: 'text/plain; charset=utf-8',
      paren: 'text/plain; charset=utf-8',
      hidden: 'text/plain; charset=utf-8',
      module: 'application/octet-stream',
      empty: 'text/plain',
      audio: 'audio/mpeg',
      quoted: 'text/html; charset=utf-8',
    });
  });

  it('a templated Content-Type row given caller input: one media type, never script, never a 500', async () => {
    const cases: [string, string][] = [
      ['text/plain, text/javascript', 'text/plain; charset=utf-8'],
      ['text/plain,text/html', 'application/octet-stream; charset=utf-8'],
      ['application/javascript ,', 'text/plain; charset=utf-8'],
      ['module', 'application/octet-stream; charset=utf-8'],
      ['text/plain;', 'text/plain; charset=utf-8'],
      ['TEXT/HTML ; Charset=UTF-8', 'text/html; charset=utf-8'],
      ['text/csv; header=present', 'text/csv; charset=utf-8; header=present'],
      ['x', 'application/octet-stream; charset=utf-8'],
    ];
    for (const [ct, expected] of cases) {
      const r = await bytes(hook(`typed?ct=${encodeURIComponent(ct)}`));
      expect({ ct, status: r.status, type: r.headers['content-type'] }).toEqual({ ct, status: 200, type: expected });
      expect((r.body as Buffer).toString()).toBe('alert(1)');
      expectTriggerHeaders(r);
    }
  });

  it('a header value beyond Latin-1 is sent percent-encoded (UTF-8); Latin-1 is sent as it was', async () => {
    const czech = await hook(`named?name=${encodeURIComponent('Čapek, Karel')}`);
    expect(czech.status).toBe(200);
    expect(czech.headers['x-customer']).toBe(encodeURIComponent('Mr Čapek, Karel'));
    expect(decodeURIComponent(czech.headers['x-customer'] as string)).toBe('Mr Čapek, Karel');
    expect(czech.body).toEqual({ ok: true });
    expectTriggerHeaders(czech);
    const emoji = await hook(`named?name=${encodeURIComponent('😀')}`).expect(200);
    expect(emoji.headers['x-customer']).toBe('Mr%20%F0%9F%98%80');
    // Node writes Latin-1 values byte for byte, and clients read them back as Latin-1.
    const german = await hook(`named?name=${encodeURIComponent('Müller')}`).expect(200);
    expect(german.headers['x-customer']).toBe('Mr Müller');
  });

  it('a redirect location with a line break: 502 URL_INVALID, nothing injected; non-ASCII is encoded', async () => {
    const locations = ['/next\r\nX-Injected: 1', '/next\nSet-Cookie: a=b', 'https://x.example/\r\nX-Injected: 1'];
    locations.push('/a\u0000b');
    for (const to of locations) {
      const r = await hook(`go?to=${encodeURIComponent(to)}`);
      expectFlowError(r, 'URL_INVALID');
      expect(r.headers['x-injected']).toBeUndefined();
      expect(r.headers['set-cookie']).toBeUndefined();
      expect(r.headers.location).toBeUndefined();
      const row = await finishedExecution(t, r.body.details.executionId as string);
      expect(row.error).toMatchObject({ code: 'URL_INVALID' });
    }
    const r = await hook(`go?to=${encodeURIComponent('/customers/Čapek?q=Ř')}`).expect(302);
    expect(r.headers.location).toBe('/customers/%C4%8Capek?q=%C5%98');
    expectTriggerHeaders(r);
  });

  it('invalid media types are refused at validation, as the body’s type or a literal Content-Type', async () => {
    const bad = [
      'text/plain, application/javascript',
      'application/javascript ,',
      'text/javascript(x)',
      'module',
      'text/html; charset',
      'text/ html',
    ];
    const message = expect.stringMatching(/media type|JavaScript/);
    for (const type of bad) {
      const asBody = chainFlow(webhook(), respond({ body: text('x', { contentType: type }) }));
      const row = [{ name: 'content-type', value: type }];
      const asRow = chainFlow(webhook(), respond({ headers: row, body: text('x') }));
      const cases = [
        [asBody, 'config.body.contentType'],
        [asRow, 'config.headers.0.value'],
      ] as const;
      for (const [definition, path] of cases) {
        const r = await validate(definition);
        expect({ type, valid: r.valid }).toEqual({ type, valid: false });
        expect(r.errors).toContainEqual(expect.objectContaining({ nodeId: 'r', path, message }));
      }
    }
    const headers = [{ name: 'Content-Type', value: 'text/csv; header=present' }];
    const ok = respond({ headers, body: text('a,b', { contentType: 'text/html;charset="utf-8"' }) });
    expect(await validate(chainFlow(webhook(), ok))).toMatchObject({ valid: true });
  });

  it('a version stored before the rule with an invalid type fails closed: 502, trigger headers, no stack', async () => {
    const stored = [
      ['legacy-list', 'text/plain, text/html', /not a media type/],
      ['legacy-js', 'text/plain, application/javascript', /may not be JavaScript/],
    ] as const;
    for (const [key, type, why] of stored) {
      const { id } = await publishFlow(t, key, chainFlow(webhook(), respond({ body: text('alert(1)') })));
      await storeLegacy(t, id, (config) => (config.body.contentType = type));
      const r = await hook(key);
      expectFlowError(r, 'FLOW_INVALID');
      expect(r.body.message).toMatch(why);
    }
  });

  it('a 1xx status is refused at validation; stored, it fails closed (no caller left waiting)', async () => {
    const v = await validate(chainFlow(webhook(), respond({ status: 101, body: text('x') })));
    const message = expect.stringMatching(/200 to 599/);
    expect(v.errors).toContainEqual(expect.objectContaining({ nodeId: 'r', path: 'config.status', message }));
    const { id } = await publishFlow(t, 'legacy-101', chainFlow(webhook(), respond({ body: text('x') })));
    await storeLegacy(t, id, (config) => (config.status = 101));
    expectFlowError(await hook('legacy-101').timeout(5000), 'FLOW_INVALID');
  });

  it('the IVR answers alike whatever its respond node sets (its answer is JSON; headers are not used)', async () => {
    const ivrTrigger = { id: 't', type: 'trigger.ivr', name: 'ivr', config: {} };
    const headers = [{ name: 'X-Customer', value: '{{contact.name}}' }];
    headers.push({ name: 'Content-Type', value: '{{contact.type}}' });
    const body = { type: 'json', template: '{"name":"{{contact.name}}"}' };
    await publishFlow(t, 'ivr-named', chainFlow(ivrTrigger, respond({ headers, body })));
    const input = { contact: { name: 'Čapek', type: 'text/plain, text/javascript' } };
    for (const path of ['/api/v1/ivr/ivr-named', '/api/v1/IVR/ivr-named']) {
      const r = await t.http().post(path).set('x-api-key', t.apiKey).send(input).expect(200);
      expect(r.body).toMatchObject({ status: 'succeeded', output: { name: 'Čapek' } });
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(r.headers['x-customer']).toBeUndefined();
      expectTriggerHeaders(r);
    }
  });
});
