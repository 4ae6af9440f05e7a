import { FlowEngine } from '../engine';
import type { RunInput, RunResult } from '../types';
import { buildFlow, chain, type NodeTuple } from '../../test/flows';
import { LoopbackServer } from '../../test/loopback';
import { omitEmptyMembers } from '../template/omit-empty';

const hook: NodeTuple = ['t', 'trigger.webhook', 'hook', { methods: ['GET'] }];
/** Every byte value, so a text decode anywhere would show. */
const AUDIO = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256));

describe('respond: redirect, passthrough, omit empty; http: binary responses and JSON fields', () => {
  let pbx: LoopbackServer;
  let engine: FlowEngine;

  beforeAll(async () => {
    pbx = await LoopbackServer.start();
    pbx.on('GET /rec/42.mp3', (_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      res.end(AUDIO);
    });
    pbx.on('POST /echo', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: req.headers['content-type'], body: req.body }));
    });
    engine = new FlowEngine({ outbound: { allow: ['127.0.0.1'] } });
  });
  afterAll(async () => {
    await engine.close();
    await pbx.close();
  });

  const run = (def: unknown, input: RunInput = {}): Promise<RunResult> => engine.run(engine.compile(def), input);
  const respond = (body: Record<string, unknown>, status?: number): NodeTuple => [
    'r',
    'respond',
    'answer',
    { ...(status ? { status } : {}), body },
  ];

  it('redirects to a templated location: tokens percent-encoded, raw base kept', async () => {
    const r = await run(
      chain(
        [
          respond(
            {
              type: 'redirect',
              location: '{{{request.query.base}}}/rec/{{request.query.id}}.mp3?c={{request.query.id}}',
            },
            302,
          ),
        ],
        hook,
      ),
      {
        request: { query: { base: `${pbx.base}`, id: 'a b/..' } },
      },
    );
    expect(r.status).toBe('succeeded');
    expect(r.respond).toMatchObject({
      status: 302,
      headers: { location: `${pbx.base}/rec/a%20b%2F...mp3?c=a%20b%2F..` },
      raw: '',
    });
    expect(r.steps[1]!.output).toEqual({ status: 302, location: `${pbx.base}/rec/a%20b%2F...mp3?c=a%20b%2F..` });
    const path = await run(
      chain([respond({ type: 'redirect', location: '/api/v1/hooks/other?id={{request.query.id}}' }, 307)], hook),
      { request: { query: { id: '7' } } },
    );
    expect(path.respond?.headers.location).toBe('/api/v1/hooks/other?id=7');
  });

  it('refuses a redirect to javascript:, to another scheme or to a protocol-relative //host', async () => {
    for (const target of ['javascript:alert(1)', 'ftp://x.example/a', '//evil.example/x', '/\\evil.example']) {
      const r = await run(chain([respond({ type: 'redirect', location: '{{{request.query.to}}}' }, 302)], hook), {
        request: { query: { to: target } },
      });
      expect([target, r.status, r.error?.code]).toEqual([target, 'failed', 'URL_INVALID']);
      expect(r.respond).toBeUndefined();
    }
  });

  it('a redirect needs a 3xx status and sets Location itself', () => {
    expect(() => engine.compile(chain([respond({ type: 'redirect', location: 'https://x.example' })], hook))).toThrow(
      /a redirect answers with 301, 302, 303, 307, 308/,
    );
  });

  it("passes an http node's bytes through, binary-safe, with its content type; records only their size", async () => {
    const get: NodeTuple = [
      'h',
      'http',
      'recording',
      { url: `${pbx.base}/rec/{{request.query.id}}.mp3`, responseType: 'binary' },
    ];
    const r = await run(chain([get, respond({ type: 'passthrough', node: 'recording' })], hook), {
      request: { query: { id: '42' } },
    });
    expect(r.status).toBe('succeeded');
    expect(r.respond!.bytes!.equals(AUDIO)).toBe(true);
    expect(r.respond).toMatchObject({
      status: 200,
      contentType: 'audio/mpeg',
      body: { size: 4096, contentType: 'audio/mpeg' },
    });
    expect(r.steps[1]!.response!.body).toEqual({ size: 4096, contentType: 'audio/mpeg' });
    // Nothing recorded or templated carries the bytes.
    expect(JSON.stringify(r.steps).length).toBeLessThan(3000);
  });

  it('fails the run when the node passed through did not run on this path', async () => {
    const def = buildFlow(
      [
        hook,
        ['c', 'condition', 'has', { rules: [{ handle: 'yes', left: '{{request.query.id}}', op: 'exists' }] }],
        ['h', 'http', 'recording', { url: `${pbx.base}/rec/42.mp3`, responseType: 'binary' }],
        ['r', 'respond', 'answer', { body: { type: 'passthrough', node: 'recording' } }],
      ],
      [
        ['t', 'c'],
        ['c', 'h', 'yes'],
        ['h', 'r', 'success'],
        ['c', 'r', 'default'],
      ],
    );
    const r = await run(def, { request: { query: {} } });
    expect(r.status).toBe('failed');
    expect(r.error).toMatchObject({ code: 'RESPOND_SOURCE_MISSING', nodeId: 'r' });
  });

  it('the definition names an earlier http node that reads binary', () => {
    const text: NodeTuple = ['h', 'http', 'recording', { url: `${pbx.base}/rec/42.mp3` }];
    expect(() => engine.compile(chain([text, respond({ type: 'passthrough', node: 'recording' })], hook))).toThrow(
      /set "Read response as" of "recording" to binary/,
    );
    expect(() => engine.compile(chain([respond({ type: 'passthrough', node: 'nope' })], hook))).toThrow(
      /there is no node named "nope"/,
    );
  });

  it('omitEmpty drops "" and null members at any depth, keeps 0, false, [] and array slots', () => {
    const v = {
      phone: '+7',
      externalPhone: '',
      code: null,
      n: 0,
      f: false,
      a: [],
      o: {},
      list: [{ x: '', y: 1 }, '', null],
      deep: { z: null },
    };
    expect(omitEmptyMembers(v)).toEqual({
      phone: '+7',
      n: 0,
      f: false,
      a: [],
      o: {},
      list: [{ y: 1 }, '', null],
      deep: {},
    });
    const same = { a: 1, b: [1, { c: 2 }] };
    expect(omitEmptyMembers(same)).toBe(same);
    expect(Object.keys(omitEmptyMembers(JSON.parse('{"__proto__": 1, "x": ""}')) as object)).toEqual(['__proto__']);
  });

  it('a JSON respond body with omitEmpty answers without the empty fields', async () => {
    const r = await run(
      chain(
        [
          respond({
            type: 'json',
            template: '{"phone": "{{request.query.p}}", "externalPhone": "{{request.query.e}}", "n": 1}',
            omitEmpty: true,
          }),
        ],
        hook,
      ),
      { request: { query: { p: '+79121234567' } } },
    );
    expect(r.respond).toMatchObject({ raw: '{"phone":"+79121234567","n":1}', body: { phone: '+79121234567', n: 1 } });
  });

  it('http: a JSON body with omitEmpty, and form fields holding JSON (RetailCRM style)', async () => {
    const input = { call: { callerId: '+7-555', calledNumber: '' } };
    const json = await run(
      chain([
        [
          'h',
          'http',
          'send',
          {
            method: 'POST',
            url: `${pbx.base}/echo`,
            body: {
              type: 'json',
              template: '{"phone": "{{call.callerId}}", "externalPhone": "{{call.calledNumber}}"}',
              omitEmpty: true,
            },
          },
        ],
      ]),
      input,
    );
    expect(json.steps[1]!.response!.body).toEqual({ type: 'application/json', body: '{"phone":"+7-555"}' });

    const fields = [
      {
        name: 'event',
        value: '{"phone": "{{call.callerId}}", "externalPhone": "{{call.calledNumber}}", "codes": ["100"]}',
        json: true,
        omitEmpty: true,
      },
      { name: 'raw', value: '{"x":   "{{call.calledNumber}}"}', json: true }, // sent compact
      { name: 'plain', value: 'a+b {{call.callerId}}' },
    ];
    const form = await run(
      chain([['h', 'http', 'send', { method: 'POST', url: `${pbx.base}/echo`, body: { type: 'form', fields } }]]),
      input,
    );
    const seen = form.steps[1]!.response!.body as { type: string; body: string };
    expect(seen.type).toBe('application/x-www-form-urlencoded');
    expect(seen.body).toBe(
      `event=${encodeURIComponent('{"phone":"+7-555","codes":["100"]}')}` +
        `&raw=${encodeURIComponent('{"x":""}')}&plain=a%2Bb+%2B7-555`,
    );
  });

  it('http: a form field whose JSON does not parse fails the node, naming the field', async () => {
    const fields = [{ name: 'event', value: '{"phone": {{call.callerId}}}', json: true }];
    const r = await run(
      chain([['h', 'http', 'send', { method: 'POST', url: `${pbx.base}/echo`, body: { type: 'form', fields } }]]),
      { call: { callerId: '+7 555' } },
    );
    expect(r.status).toBe('failed');
    expect(r.error).toMatchObject({
      code: 'JSON_BODY_INVALID',
      message: expect.stringMatching(/^form field "event": rendered JSON body is invalid/),
    });
  });
});
