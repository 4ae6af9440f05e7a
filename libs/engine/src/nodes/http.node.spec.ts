import { FlowEngine } from '../engine';
import type { ConnectionResolver, RunInput, RunResult } from '../types';
import { chain } from '../../test/flows';
import { LoopbackServer } from '../../test/loopback';

describe('http node', () => {
  let srv: LoopbackServer;
  let engine: FlowEngine;
  const connections: ConnectionResolver = {
    async resolve(id) {
      if (id !== 'crm') return undefined;
      return {
        fields: { baseUrl: 'unused', account: 'acme' },
        secrets: ['s3cr3t-token-value'],
        async authorize(req) {
          req.headers['x-crm-key'] = 's3cr3t-token-value';
          req.url.searchParams.set('key', 's3cr3t-token-value');
        },
      };
    },
  };

  beforeAll(async () => {
    srv = await LoopbackServer.start();
    srv.on('/echo', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req));
    });
    engine = new FlowEngine({ outbound: { allow: ['127.0.0.1'] }, connections });
  });
  afterAll(async () => {
    await engine.close();
    await srv.close();
  });

  const run = (
    config: Record<string, unknown>,
    input: RunInput = {},
    limits?: { deadlineMs?: number; maxResponseBytes?: number },
  ): Promise<RunResult> =>
    engine.run(engine.compile(chain([['h', 'http', 'req', config]])), input, limits ? { limits } : {});
  const seen = (r: RunResult) =>
    r.steps[1]!.response!.body as { method: string; url: string; headers: Record<string, string>; body: string };

  it('percent-encodes URL tokens, appends the query table and sends table and raw headers', async () => {
    const r = await run(
      {
        url: `${srv.base}/echo?x={{call.callerId}}`,
        query: [{ name: 'name', value: '{{contact.firstName}} & co' }],
        headers: [{ name: 'X-Call', value: '{{call.id}}' }],
        rawHeaders: 'X-Agent: {{call.agent.name}}\n\nX-Fixed: 1',
      },
      { call: { id: 'c/1', callerId: '+39 06?#', agent: { name: 'Ann Lee' } }, contact: { firstName: 'Zoë' } },
    );
    expect(r.status).toBe('succeeded');
    const s = seen(r);
    expect(s.method).toBe('GET');
    const url = new URL(s.url, 'http://x');
    expect(url.searchParams.get('x')).toBe('+39 06?#');
    expect(url.searchParams.get('name')).toBe('Zoë & co');
    expect(s.headers).toMatchObject({ 'x-call': 'c/1', 'x-agent': 'Ann Lee', 'x-fixed': '1' });
  });

  it("appends the query table as written: spaces as %20 (never +), the template's query byte for byte", async () => {
    const r = await run(
      {
        url: `${srv.base}/echo?from=a%20b&to=c+d`,
        query: [
          { name: 'call id', value: '{{call.id}}' },
          { name: 'n', value: '+1 2~' },
        ],
      },
      { call: { id: 'c 1/2&3' } },
    );
    expect(seen(r).url).toBe('/echo?from=a%20b&to=c+d&call%20id=c%201%2F2%263&n=%2B1%202~');
  });

  it('sends JSON, form, XML and text bodies escaped for where the values land', async () => {
    const tricky = 'a"b\\c\n</x>&<y> é';
    const call = { id: 'c1', callerId: tricky, durationSec: 42 };
    const json = seen(
      await run(
        {
          method: 'POST',
          url: `${srv.base}/echo`,
          body: { type: 'json', template: '{"who":"{{call.callerId}}","d":{{call.durationSec}},"call":{{json call}}}' },
        },
        { call },
      ),
    );
    expect(JSON.parse(json.body)).toEqual({ who: tricky, d: 42, call });
    expect(json.headers['content-type']).toBe('application/json');

    const form = seen(
      await run(
        {
          method: 'POST',
          url: `${srv.base}/echo`,
          body: {
            type: 'form',
            fields: [
              { name: 'event', value: '{{json call}}' },
              { name: 'who', value: '{{call.callerId}}' },
            ],
          },
        },
        { call },
      ),
    );
    const params = new URLSearchParams(form.body);
    expect(JSON.parse(params.get('event')!)).toEqual(call);
    expect(params.get('who')).toBe(tricky);
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded');

    const xml = seen(
      await run(
        {
          method: 'PUT',
          url: `${srv.base}/echo`,
          body: { type: 'xml', template: '<a who="{{call.callerId}}">{{call.callerId}}</a>' },
        },
        { call },
      ),
    );
    expect(xml.body).not.toContain('</x>');
    expect(xml.body).toContain('&lt;/x&gt;&amp;&lt;y&gt;');
    expect(xml.headers['content-type']).toMatch(/^application\/xml/);

    const text = seen(
      await run(
        {
          method: 'PATCH',
          url: `${srv.base}/echo`,
          body: { type: 'text', template: 'caller={{call.callerId}}', contentType: 'text/csv' },
        },
        { call },
      ),
    );
    expect(text.body).toBe(`caller=${tricky}`);
    expect(text.headers['content-type']).toBe('text/csv');
  });

  it('fails with JSON_BODY_INVALID and the position when the rendered JSON does not parse', async () => {
    const r = await run(
      { method: 'POST', url: `${srv.base}/echo`, body: { type: 'json', template: '{"a": {{call.callerId}} }' } },
      { call: { callerId: 'abc' } },
    );
    expect(r.status).toBe('failed');
    expect(r.error?.code).toBe('JSON_BODY_INVALID');
    expect(r.error?.message).toMatch(/line 1, column \d+/);
  });

  it('refuses a header value carrying CR/LF (header injection)', async () => {
    const before = srv.seen.length;
    const r = await run(
      { url: `${srv.base}/echo`, headers: [{ name: 'X-Name', value: '{{contact.firstName}}' }] },
      { contact: { firstName: 'x\r\nSet-Cookie: a=b' } },
    );
    expect(r.status).toBe('failed');
    expect(r.error?.code).toBe('HEADER_INVALID');
    expect(srv.seen.length).toBe(before);
  });

  it('parses responses by content type: JSON, XML to an object, text', async () => {
    srv.on(
      '/xml',
      (_q, res) => (
        res.writeHead(200, { 'content-type': 'text/xml' }),
        res.end('<r:res xmlns:r="urn:x"><name lang="it">Ann</name><phone>0612</phone></r:res>')
      ),
    );
    srv.on('/text', (_q, res) => (res.writeHead(200, { 'content-type': 'text/plain' }), res.end('hello')));
    srv.on('/badjson', (_q, res) => (res.writeHead(200, { 'content-type': 'application/json' }), res.end('{nope')));
    const xml = await run({ url: `${srv.base}/xml` });
    expect(xml.steps[1]!.response!.body).toEqual({ res: { name: { '#text': 'Ann', '@_lang': 'it' }, phone: '0612' } });
    expect((await run({ url: `${srv.base}/text` })).steps[1]!.response!.body).toBe('hello');
    expect((await run({ url: `${srv.base}/badjson` })).steps[1]!.response!.body).toBe('{nope');
    const strict = await run({ url: `${srv.base}/badjson`, responseType: 'json' });
    expect(strict.error?.code).toBe('RESPONSE_PARSE');
  });

  it('retries 5xx and 429 with backoff, honouring Retry-After, and records the attempts', async () => {
    let n = 0;
    srv.on('/flaky', (_q, res) => {
      n++;
      if (n === 1) return void (res.writeHead(503), res.end());
      if (n === 2) return void (res.writeHead(429, { 'retry-after': '1' }), res.end());
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const t0 = Date.now();
    const r = await run({ url: `${srv.base}/flaky`, retry: { attempts: 3, backoffMs: 10 } });
    expect(r.status).toBe('succeeded');
    expect(r.steps[1]!.attempts).toBe(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('does not retry a 4xx, and never waits past the run deadline', async () => {
    let calls = 0;
    srv.on('/bad', (_q, res) => (calls++, res.writeHead(400), res.end()));
    const r = await run({ url: `${srv.base}/bad`, retry: { attempts: 5, backoffMs: 1 } });
    expect(calls).toBe(1);
    expect(r.error?.code).toBe('HTTP_STATUS');

    let slowCalls = 0;
    srv.on('/later', (_q, res) => (slowCalls++, res.writeHead(429, { 'retry-after': '5' }), res.end()));
    const t0 = Date.now();
    const late = await run(
      { url: `${srv.base}/later`, retry: { attempts: 5, backoffMs: 1 } },
      {},
      { deadlineMs: 1000 },
    );
    expect(Date.now() - t0).toBeLessThan(900);
    expect(slowCalls).toBe(1);
    expect(late.steps[1]!.response!.status).toBe(429);
  });

  it('times out a slow request with HTTP_TIMEOUT and can retry it', async () => {
    let calls = 0;
    srv.on('/slow', (_q, res) => void (calls++ < 1 ? undefined : (res.writeHead(200), res.end('late ok'))));
    const t0 = Date.now();
    const r = await run({ url: `${srv.base}/slow`, timeoutMs: 150 });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.steps[1]!.error?.code).toBe('HTTP_TIMEOUT');
    const retried = await run({ url: `${srv.base}/slow`, timeoutMs: 150, retry: { attempts: 2, backoffMs: 1 } });
    expect(retried.status).toBe('succeeded');
  });

  it('stops reading a response past maxResponseBytes', async () => {
    srv.on('/big', (_q, res) => (res.writeHead(200, { 'content-type': 'text/plain' }), res.end('x'.repeat(300_000))));
    const r = await run({ url: `${srv.base}/big` }, {}, { maxResponseBytes: 100_000 });
    expect(r.steps[1]!.error?.code).toBe('RESPONSE_TOO_LARGE');
  });

  it('truncates big bodies in the step record but not in the node output', async () => {
    srv.on(
      '/medium',
      (_q, res) => (res.writeHead(200, { 'content-type': 'text/plain' }), res.end('y'.repeat(100_000))),
    );
    const def = chain([
      ['h', 'http', 'req', { url: `${srv.base}/medium` }],
      ['s', 'set', 'len', { values: [{ name: 'n', value: '{{length nodes.req.body}}' }] }],
    ]);
    const r = await engine.run(engine.compile(def), {});
    expect(r.steps[1]!.response).toMatchObject({ truncated: true });
    expect((r.steps[1]!.response!.body as string).length).toBe(64 * 1024);
    expect(r.steps[2]!.output).toEqual({ n: 100_000 });
  });

  it('uses the connection for credentials and templates, and redacts its secrets from the step', async () => {
    const r = await run({
      url: `${srv.base}/echo?acct={{connection.account}}`,
      connectionId: 'crm',
      headers: [{ name: 'Authorization', value: 'Bearer xyz' }],
    });
    expect(r.status).toBe('succeeded');
    const received = srv.seen.at(-1)!;
    expect(received.url).toContain('acct=acme');
    expect(received.url).toContain('key=s3cr3t-token-value');
    expect(received.headers['x-crm-key']).toBe('s3cr3t-token-value');
    const recorded = JSON.stringify(r.steps);
    expect(recorded).not.toContain('s3cr3t-token-value');
    expect(r.steps[1]!.request!.headers.authorization).toBe('[redacted]');
    expect(r.steps[1]!.request!.headers['x-crm-key']).toBe('[redacted]');
  });

  it('fails clearly on an unknown connection, a bad URL and a blocked target', async () => {
    expect((await run({ url: `${srv.base}/echo`, connectionId: 'nope' })).error?.code).toBe('CONNECTION_NOT_FOUND');
    // What the validator cannot see: a raw token whose value is no URL, or names another scheme.
    expect((await run({ url: '{{{call.id}}}/x' }, { call: { id: 'not a url' } })).error?.code).toBe('URL_INVALID');
    expect((await run({ url: '{{{call.id}}}/x' }, { call: { id: 'ftp://127.0.0.1' } })).error?.code).toBe(
      'URL_INVALID',
    );
    // A URL that can never work is refused before any run.
    expect(() => run({ url: 'not a url {{call.id}}' })).toThrow(/not an absolute URL/);
    const blocked = await run({ url: 'http://169.254.169.254/latest/meta-data/' });
    expect(blocked.error?.code).toBe('OUTBOUND_BLOCKED');
  });

  it('reuses keep-alive connections across runs', async () => {
    const own = await LoopbackServer.start();
    own.json('/ok', { ok: true });
    const e = new FlowEngine({ outbound: { allow: ['127.0.0.1'] } });
    try {
      const compiled = e.compile(chain([['h', 'http', 'req', { url: `${own.base}/ok` }]]));
      for (let i = 0; i < 20; i++) expect((await e.run(compiled, {})).status).toBe('succeeded');
      expect(own.connections).toBe(1);
    } finally {
      await e.close();
      await own.close();
    }
  });
});
