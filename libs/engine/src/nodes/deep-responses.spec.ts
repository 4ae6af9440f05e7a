/**
 * Review item 4: an upstream answering JSON nested 5,000 (or 100,000) deep parsed fine, then broke
 * whatever walked it afterwards (the execution row's encoding, retries of a run whose record could
 * not be written). Upstream JSON is parsed with a depth limit (RESPONSE_PARSE, saying why), XML and
 * SOAP answers become objects of bounded depth, and a run with a nested answer within the limit
 * still works.
 */
import type { ServerResponse } from 'node:http';
import { FlowEngine } from '../engine';
import type { ConnectionResolver, RunResult } from '../types';
import { chain } from '../../test/flows';
import { LoopbackServer } from '../../test/loopback';
import { crmWsdl } from '../soap/soap.fixtures';
import { createTokenSource, resolveConnection, usesToken } from '../connections/resolve-connection';
import type { ConnectionSpec } from '../connections/connection-spec';
import { MAX_RESPONSE_DEPTH } from '../runtime/depth-limits';

const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);
const nestedXml = (depth: number) => '<a>'.repeat(depth) + 'x' + '</a>'.repeat(depth);

/** How deep a value nests (objects and arrays), without recursion. */
function depthOf(v: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    max = Math.max(max, d + 1);
    for (const c of Object.values(x)) stack.push([c, d + 1]);
  }
  return max;
}

describe('deeply nested upstream answers (review item 4)', () => {
  let crm: LoopbackServer;
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

  beforeAll(async () => {
    crm = await LoopbackServer.start();
    crm.on('/deep', (req, res) => {
      const n = Number(new URL(req.url, 'http://x').searchParams.get('n'));
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"data":${nested(n)}}`);
    });
    const json = (res: ServerResponse, body: string) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    crm.on('/deep-in-string', (_req, res) => json(res, JSON.stringify({ s: nested(5000) })));
    const xml = (res: ServerResponse, body: string) => res.writeHead(200, { 'content-type': 'text/xml' }).end(body);
    crm.on('/deep.xml', (req, res) => {
      const n = Number(new URL(req.url, 'http://x').searchParams.get('n'));
      res.writeHead(200, { 'content-type': 'application/xml' }).end(nestedXml(n));
    });
    crm.on('/crm.wsdl', (_req, res) => xml(res, crmWsdl(`${crm.base}/soap`)));
    crm.on('POST /soap', (req, res) => {
      const n = Number(new URL(req.url, 'http://x').searchParams.get('n'));
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(
          `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
            `<GetCustomerResponse xmlns="urn:crm"><name>Ada</name>` +
            `<extra>${nestedXml(n)}</extra></GetCustomerResponse>` +
            '</soap:Body></soap:Envelope>',
        );
    });
    crm.on('POST /token', (_req, res) => json(res, `{"access_token":"t-1","x":${nested(5000)}}`));
    engine = new FlowEngine({ outbound: { allow: ['127.0.0.1'] }, connections });
    specs.set('deep-token', {
      id: 'deep-token',
      type: 'token_endpoint',
      fields: {},
      secrets: { password: 'pw-1' },
      allowedOrigins: [crm.base],
      config: {
        request: { method: 'POST', url: `${crm.base}/token` },
        tokenPath: 'access_token',
        apply: { in: 'header', name: 'X-Token' },
      },
    });
  });
  afterAll(async () => {
    await engine.close();
    await crm.close();
  });

  const runHttp = (config: Record<string, unknown>): Promise<RunResult> =>
    engine.run(engine.compile(chain([['h', 'http', 'call', config]])), {});
  const soapAt = (n: number) => ({
    wsdlUrl: `${crm.base}/crm.wsdl`,
    endpoint: `${crm.base}/soap?n=${n}`,
    operation: 'GetCustomer',
    args: { phone: '1' },
  });

  it.each([5000, 100_000])('JSON %i deep fails with RESPONSE_PARSE saying why; the result encodes', async (n) => {
    for (const responseType of ['auto', 'json']) {
      const r = await runHttp({ url: `${crm.base}/deep?n=${n}`, responseType });
      expect(r.status).toBe('failed');
      expect(r.error).toMatchObject({ code: 'RESPONSE_PARSE', nodeId: 'h' });
      expect(r.error!.message).toBe(`the response nests objects and arrays deeper than ${MAX_RESPONSE_DEPTH} levels`);
      expect(() => JSON.stringify(r)).not.toThrow();
    }
  });

  it('JSON at the limit is parsed; brackets inside strings do not count', async () => {
    const ok = await runHttp({ url: `${crm.base}/deep?n=${MAX_RESPONSE_DEPTH - 1}` });
    expect(ok.status).toBe('succeeded');
    expect(depthOf(ok.steps[1]!.response!.body)).toBe(MAX_RESPONSE_DEPTH);
    const text = await runHttp({ url: `${crm.base}/deep-in-string` });
    expect(text.status).toBe('succeeded');
  });

  it('XML deeper than the limit fails with RESPONSE_PARSE (auto and xml); within it becomes an object', async () => {
    for (const responseType of ['auto', 'xml']) {
      const r = await runHttp({ url: `${crm.base}/deep.xml?n=5000`, responseType });
      expect(r.error).toMatchObject({ code: 'RESPONSE_PARSE' });
      expect(r.error!.message).toBe(`the response nests XML elements deeper than ${MAX_RESPONSE_DEPTH} levels`);
    }
    const ok = await runHttp({ url: `${crm.base}/deep.xml?n=${MAX_RESPONSE_DEPTH - 1}` });
    expect(ok.status).toBe('succeeded');
    expect(depthOf(ok.steps[1]!.response!.body)).toBeLessThanOrEqual(MAX_RESPONSE_DEPTH);
  });

  it.each([5000, 100_000])('a SOAP answer nesting %i elements: RESPONSE_PARSE; the result encodes', async (n) => {
    const soap = soapAt(n);
    const r = await engine.run(engine.compile(chain([['s', 'soap', 'lookup', soap]])), {});
    expect(r.status).toBe('failed');
    expect(r.error).toMatchObject({ code: 'RESPONSE_PARSE', nodeId: 's' });
    expect(r.error!.message).toContain(`deeper than ${MAX_RESPONSE_DEPTH} levels`);
    expect(() => JSON.stringify(r)).not.toThrow();
  });

  it('a SOAP answer within the limit is read as before', async () => {
    const soap = soapAt(20);
    const answer = { body: { type: 'json', template: '{{json nodes.lookup.result.name}}' } };
    const flow = chain([
      ['s', 'soap', 'lookup', soap],
      ['r', 'respond', 'answer', answer],
    ]);
    const r = await engine.run(engine.compile(flow), {});
    expect(r.status).toBe('succeeded');
    expect(r.output).toBe('Ada');
  });

  it('a token endpoint answering 5,000 deep fails with RESPONSE_PARSE, once (no retry storm)', async () => {
    crm.seen.length = 0;
    const r = await runHttp({ url: `${crm.base}/deep?n=1`, connectionId: 'deep-token' });
    expect(r.error).toMatchObject({ code: 'RESPONSE_PARSE' });
    const why = `nests objects and arrays deeper than ${MAX_RESPONSE_DEPTH} levels`;
    expect(r.error!.message).toBe(`the token endpoint's answer ${why}`);
    expect(crm.seen.map((s) => s.url)).toEqual(['/token']);
  });
});
