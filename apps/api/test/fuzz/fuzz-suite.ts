import fs from 'node:fs';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { LoopbackServer } from '../../../../libs/engine/test/loopback';
import { crmWsdl, startCrmServer, type CrmServer } from '../../../../libs/engine/src/soap/soap.fixtures';
import { TestApp } from '../harness';
import { publishFlow } from '../support/triggers';
import { anyDefinition } from './definitions';
import { describeString, headerValue, payload, viaJson, wellFormed, xmlLegal, type Payload } from './payloads';

/**
 * The fuzz suites, shared by the quick run in `npm test` (apps/api/test/fuzz.e2e-spec.ts, 200
 * runs each) and the long one (`npm run test:fuzz`: apps/api/test/fuzz/*.fuzz-spec.ts with
 * FUZZ_RUNS, default 10,000). Inputs come from fc.sample with a seed (FUZZ_SEED, printed) so a
 * failure can be replayed; every loop is bounded by its count and by FUZZ_MAX_SECONDS.
 */
export interface FuzzOptions {
  runs: number;
  seed: number;
  /** Stop generating once this many seconds have passed (the figures say how many ran). */
  maxSeconds: number;
}

/**
 * Runs, seed and time limit from FUZZ_RUNS / FUZZ_SEED / FUZZ_MAX_SECONDS; without FUZZ_SEED, `defaultSeed` (a new one
 * each run when undefined).
 */
export function fuzzOptions(defaultRuns: number, defaultMaxSeconds: number, defaultSeed?: number): FuzzOptions {
  const int = (v: string | undefined, d: number) => (v && Number.isFinite(Number(v)) ? Number(v) : d);
  return {
    runs: int(process.env.FUZZ_RUNS, defaultRuns),
    seed: int(process.env.FUZZ_SEED, defaultSeed ?? Date.now() % 2 ** 31),
    maxSeconds: int(process.env.FUZZ_MAX_SECONDS, defaultMaxSeconds),
  };
}

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : NaN;
const round = (n: number) => Math.round(n * 100) / 100;

/** Figures of a run, printed and (with FUZZ_REPORT=<file>) merged into a JSON file. */
function report(section: string, figures: Record<string, unknown>): void {
  console.log(`fuzz ${section}: ${JSON.stringify(figures, null, 1)}`);
  const file = process.env.FUZZ_REPORT;
  if (!file) return;
  const all = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  all[section] = figures;
  fs.writeFileSync(file, JSON.stringify(all, null, 2));
}

/** Inputs in batches (bounded memory), stopping at `runs` or at the time limit. */
function* samples<T>(arb: fc.Arbitrary<T>, o: FuzzOptions, started: number): Generator<T> {
  const batch = 250;
  for (let done = 0, b = 0; done < o.runs; b++) {
    for (const v of fc.sample(arb, { numRuns: Math.min(batch, o.runs - done), seed: o.seed + b })) {
      if (Date.now() - started > o.maxSeconds * 1000) return;
      done++;
      yield v;
    }
  }
}

/** Watches for unhandled rejections and uncaught exceptions while a suite runs. */
function watchProcess() {
  const seen: string[] = [];
  const onRejection = (e: unknown) =>
    seen.push(`unhandledRejection: ${String((e as Error)?.stack ?? e).slice(0, 300)}`);
  const onException = (e: unknown) => seen.push(`uncaughtException: ${String((e as Error)?.stack ?? e).slice(0, 300)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtExceptionMonitor', onException);
  return {
    seen,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtExceptionMonitor', onException);
    },
  };
}

/** Nesting depth of a JSON value (iterative: the inputs are deep on purpose). */
export function depthOf(v: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (x && typeof x === 'object') {
      max = Math.max(max, d + 1);
      for (const c of Object.values(x)) stack.push([c, d + 1]);
    }
  }
  return max;
}

/**
 * BUG-1: a definition nested deeper than about 1,500 levels (arrays) or 2,500 (objects) makes the
 * validation pipe (class-transformer) overflow the stack: 500. The fuzzer counts those apart;
 * a pinned it.failing test below keeps it visible.
 */
const BUG1_DEPTH = 1000;

const looksLeaky = (text: string) =>
  /\/work\/|node_modules|\n\s+at |QueryFailedError|SELECT .* FROM|INSERT INTO/.test(text);

/** 4(a): definitions through validate, create and publish. */
export function definitionFuzz(o: FuzzOptions): void {
  describe(`fuzz: flow definitions (${o.runs} runs, seed ${o.seed})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await TestApp.start({ BODY_LIMIT_BYTES: String(4 * 1024 * 1024) });
    });
    afterAll(() => t?.close());

    // BUG-1 (reported): 2,000 nested arrays in a definition (4 KB of JSON) → 500 "unexpected error"
    // (RangeError: Maximum call stack size exceeded in class-transformer, ValidationPipe) on
    // POST /flows/validate and POST /flows. Expected: a 4xx (400, or 413/422).
    it('BUG-1: a definition nested 2,000 levels deep is refused with a 4xx, not a 500', async () => {
      let deep: unknown = 'x';
      for (let i = 0; i < 2000; i++) deep = [deep];
      const definition = {
        schemaVersion: 1,
        nodes: [{ id: 't', type: 'trigger.ivr', name: 'ivr', config: { fallback: { deep } } }],
        edges: [],
      };
      const v = await t.as('post', '/api/v1/flows/validate').send({ definition });
      const c = await t.as('post', '/api/v1/flows').send({ name: 'deep', definition });
      expect([v.status < 500, c.status < 500]).toEqual([true, true]);
    });

    // BUG-3 (reported): a U+0000 anywhere in a stored string → 500 (PostgreSQL: text cannot hold
    // 0x00, jsonb rejects \u0000: "unsupported Unicode escape sequence"). Seen on POST /flows, PUT
    // /flows/:id, POST /flows/test-run, POST /roles, POST /connections, GET /flows?q=%00.
    it('BUG-3: a definition holding U+0000 is refused with a 4xx (or stored), not a 500', async () => {
      const definition = {
        schemaVersion: 1,
        nodes: [{ id: 't', type: 'trigger.ivr', name: 'ivr', config: { fallback: { a: 'x\u0000y' } } }],
        edges: [],
      };
      const c = await t.as('post', '/api/v1/flows').send({ name: 'nul', definition });
      expect(c.status).toBeLessThan(500);
    });

    // BUG-5 (reported): see DROPPED_KEYS. Expected: the draft stored as sent (or a 400 naming the key).
    it('BUG-5: a definition keeps keys named valueOf, toString or prototype (e.g. in an IVR fallback)', async () => {
      const fallback = { valueOf: 1, toString: 'x', prototype: { a: 1 }, queue: 'default' };
      const definition = {
        schemaVersion: 1,
        nodes: [{ id: 't', type: 'trigger.ivr', name: 'ivr', config: { fallback } }],
        edges: [],
      };
      const c = await t.as('post', '/api/v1/flows').send({ name: 'keys', definition });
      expect(c.status).toBe(201);
      expect(c.body.definition.nodes[0].config.fallback).toEqual(fallback);
    });

    it('validate / create / publish answer only 2xx or 4xx, never leak internals; the API stays healthy', async () => {
      const started = Date.now();
      const watch = watchProcess();
      const histogram: Record<string, Record<number, number>> = { validate: {}, create: {}, publish: {} };
      const kinds: Record<string, number> = {};
      const validateMs: number[] = [];
      const failures: string[] = [];
      let validCount = 0;
      let changed = 0;
      const knownBug1: Record<string, number> = {};
      const knownBug3: Record<string, number> = {};
      let n = 0;
      const count = (route: string, status: number) =>
        (histogram[route]![status] = (histogram[route]![status] ?? 0) + 1);
      const check = (route: string, input: unknown, res: { status: number; text: string }) => {
        count(route, res.status);
        if ((res.status >= 500 || res.status < 200) && process.env.FUZZ_DUMP)
          fs.appendFileSync(process.env.FUZZ_DUMP, `${JSON.stringify({ route, input })}\n`);
        // Known bugs (the generic 500 body leaks nothing): counted apart.
        if (res.status === 500 && depthOf(input) > BUG1_DEPTH) {
          knownBug1[route] = (knownBug1[route] ?? 0) + 1;
          return;
        }
        if (res.status === 500 && route !== 'validate' && JSON.stringify(input)?.includes('\\u0000')) {
          knownBug3[route] = (knownBug3[route] ?? 0) + 1;
          return;
        }
        if (res.status >= 500 || res.status < 200)
          failures.push(
            `${route} → ${res.status} ${res.text.slice(0, 300)} for ${JSON.stringify(input)?.slice(0, 300)}`,
          );
        else if (looksLeaky(res.text)) failures.push(`${route} leaks internals: ${res.text.slice(0, 300)}`);
      };
      try {
        for (const { kind, definition } of samples(anyDefinition, o, started)) {
          n++;
          try {
            await oneDefinition(kind, definition);
          } catch (e) {
            failures.push(`harness error on definition ${n}: ${(e as Error).message}`);
          }
          if (n % 250 === 0) {
            const h = await t.http().get('/api/v1/health');
            if (h.status !== 200 || h.body.status !== 'ok')
              failures.push(`health after ${n} definitions: ${h.status} ${h.text}`);
          }
          if (failures.length > 20) break;
        }
        const h = await t.http().get('/api/v1/health');
        expect([h.status, h.body.status]).toEqual([200, 'ok']);
      } finally {
        watch.stop();
      }
      async function oneDefinition(kind: string, definition: unknown) {
        kinds[kind] = (kinds[kind] ?? 0) + 1;
        const t0 = performance.now();
        const v = await t.as('post', '/api/v1/flows/validate').send({ definition });
        validateMs.push(performance.now() - t0);
        check('validate', definition, v);
        if (v.status === 200 && v.body.valid === true) validCount++;
        const c = await t.as('post', '/api/v1/flows').send({ name: `fuzz ${n}`, definition });
        check('create', definition, c);
        if (c.status === 201) {
          // The stored draft is what was sent (as JSON carries it), every key kept. A definition too
          // deep for JSON.stringify here (thousands of levels) is only checked for its status.
          let same: boolean | undefined;
          try {
            same = JSON.stringify(c.body.definition) === JSON.stringify(viaJson(definition));
          } catch (err) {
            if (!(err instanceof RangeError)) throw err;
          }
          if (same === false) {
            changed++;
            if (changed <= 3)
              failures.push(
                `create changed the definition in transit: ` +
                  `sent ${JSON.stringify(viaJson(definition)).slice(0, 300)} ` +
                  `got ${JSON.stringify(c.body.definition).slice(0, 300)}`,
              );
          }
          const p = await t.as('post', `/api/v1/flows/${c.body.id}/publish`).send({});
          check('publish', definition, p);
          // A definition publishes exactly when it validates.
          if ((p.status === 200) !== (v.body.valid === true))
            failures.push(
              `validate said valid=${v.body.valid} but publish answered ${p.status}: ` +
                `${JSON.stringify(definition).slice(0, 300)}`,
            );
        }
      }
      const sorted = [...validateMs].sort((a, b) => a - b);
      report('definitions', {
        seed: o.seed,
        definitions: n,
        kinds,
        validDefinitions: validCount,
        knownBug1DeepNesting500: knownBug1,
        knownBug3Nul500: knownBug3,
        statusHistogram: histogram,
        validateMs: {
          p50: round(quantile(sorted, 0.5)),
          p90: round(quantile(sorted, 0.9)),
          p99: round(quantile(sorted, 0.99)),
          max: round(sorted.at(-1) ?? NaN),
        },
        processProblems: watch.seen.length,
        failures: failures.length,
        durationSeconds: round((Date.now() - started) / 1000),
      });
      expect(failures).toEqual([]);
      expect(watch.seen).toEqual([]);
      expect(n).toBeGreaterThan(Math.min(o.runs, 50));
    });
  });
}

const XML_ILLEGAL_TEST = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
const soapXml = new XMLParser({
  processEntities: true,
  htmlEntities: true,
  trimValues: false,
  parseTagValue: false,
  ignoreAttributes: true,
  removeNSPrefix: true,
});
const xml = new XMLParser({
  processEntities: true,
  htmlEntities: true,
  trimValues: false,
  parseTagValue: false,
  ignoreAttributes: true,
});

/** 4(b): payloads through a published IVR flow to JSON, form, XML, text and SOAP endpoints, and into a header. */
export function payloadFuzz(o: FuzzOptions): void {
  describe(`fuzz: call/contact payloads through published flows (${o.runs} runs, seed ${o.seed})`, () => {
    let t: TestApp;
    let mock: LoopbackServer;
    let crm: CrmServer;
    beforeAll(async () => {
      t = await TestApp.start({ BODY_LIMIT_BYTES: String(16 * 1024 * 1024) });
      mock = await LoopbackServer.start();
      for (const p of ['/json', '/form', '/xml', '/text', '/hdr']) mock.json(p, { ok: true });
      crm = await startCrmServer();
      crm.routes.set('GET /crm.wsdl', { type: 'text/xml', body: crmWsdl(`${crm.base}/crm`) });
      // The SOAP node's endpoint: records the raw envelope, then hands it to node-soap's server.
      mock.on('POST /soap', async (req, res) => {
        const r = await fetch(`${crm.base}/crm`, {
          method: 'POST',
          headers: {
            'content-type': String(req.headers['content-type']),
            soapaction: String(req.headers.soapaction ?? ''),
          },
          body: req.body,
        });
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/xml' });
        res.end(await r.text());
      });
      const http = (id: string, path: string, body: unknown, extra: Record<string, unknown> = {}) => ({
        id,
        type: 'http',
        name: id,
        config: { method: 'POST', url: `${mock.base}${path}?n={{call.id}}`, body, timeoutMs: 30_000, ...extra },
      });
      const nodes = [
        { id: 't', type: 'trigger.ivr', name: 'ivr', config: { deadlineMs: 30_000, fallback: { late: true } } },
        http('toJson', '/json', {
          type: 'json',
          template: '{"s":"{{call.callerId}}","c":"{{contact.firstName}}","v":{{json call.custom.v}}}',
        }),
        http('toForm', '/form', {
          type: 'form',
          fields: [
            { name: 's', value: '{{call.callerId}}' },
            { name: 'v', value: '{{json call.custom.v}}' },
          ],
        }),
        http('toXml', '/xml', { type: 'xml', template: '<r><s>{{call.callerId}}</s><c>{{contact.firstName}}</c></r>' }),
        http('toText', '/text', { type: 'text', template: '{{call.callerId}}' }),
        {
          id: 'toSoap',
          type: 'soap',
          name: 'toSoap',
          config: {
            wsdlUrl: `${crm.base}/crm.wsdl`,
            endpoint: `${mock.base}/soap?n={{call.id}}`,
            service: 'CrmService',
            port: 'CrmPort',
            operation: 'GetCustomer',
            args: { phone: '{{call.callerId}}' },
            timeoutMs: 30_000,
          },
        },
        { id: 'r', type: 'respond', name: 'answer', config: { body: { type: 'json', template: '{"done":true}' } } },
      ];
      const chain = (ns: typeof nodes) => ({
        schemaVersion: 1,
        nodes: ns.map((n, i) => ({ ...n, position: { x: i * 200, y: 0 } })),
        edges: ns.slice(1).map((n, i) => ({
          id: `e${i + 1}`,
          source: ns[i]!.id,
          target: n.id,
          ...(i === 0 ? {} : { sourceHandle: 'success' }),
        })),
      });
      await publishFlow(t, 'fz-bodies', chain(nodes));
      await publishFlow(
        t,
        'fz-header',
        chain([
          nodes[0]!,
          http(
            'toHeader',
            '/hdr',
            { type: 'none' },
            { method: 'GET', headers: [{ name: 'X-Value', value: '{{call.custom.h}}' }] },
          ),
          nodes.at(-1)!,
        ]),
      );
    });
    afterAll(async () => {
      await t?.close();
      await mock?.close();
      await crm?.close();
    });

    const ivr = (key: string, body: unknown) =>
      t
        .http()
        .post(`/api/v1/ivr/${key}`)
        .set('x-api-key', t.apiKey)
        .send(body as object);

    // BUG-2 (reported): SOAP arguments are not cleaned like XML bodies: a token holding a character
    // XML 1.0 forbids (U+0001, U+000B, U+FFFF …) goes into the envelope raw, so the envelope is not
    // well-formed XML 1.0 (a conforming SOAP server must reject it). The XML body node removes them.
    it('BUG-2: a SOAP argument with XML-illegal characters goes in a well-formed envelope, without them', async () => {
      mock.seen.splice(0);
      const r = await ivr('fz-bodies', { call: { id: 'bug2', callerId: 'a\u0001b\u000Bc\uFFFFd' } });
      expect(r.body.status).toBe('succeeded');
      const envelope = mock.seen.find((s) => s.url.startsWith('/soap?'))!.body;
      expect(XML_ILLEGAL_TEST.test(envelope)).toBe(false);
      const env = soapXml.parse(envelope, true) as { Envelope: { Body: { GetCustomerRequest: { phone: unknown } } } };
      expect(env.Envelope.Body.GetCustomerRequest.phone).toBe('abcd');
    });

    // BUG-4 (reported): an IVR call whose payload holds U+0000 is answered (200 succeeded) but its
    // execution is never recorded (GET /executions/:id stays 404): the row write fails on the NUL.
    it('BUG-4: an IVR run with U+0000 in its input is recorded', async () => {
      const r = await ivr('fz-bodies', { call: { id: 'bug4', callerId: 'a\u0000b' } });
      expect(r.body.status).toBe('succeeded');
      const until = Date.now() + 3000;
      let status = 0;
      while (Date.now() < until && status !== 200) {
        status = (await t.as('get', `/api/v1/executions/${r.body.executionId}`)).status;
        if (status !== 200) await new Promise((res) => setTimeout(res, 100));
      }
      expect(status).toBe(200);
    });

    it('each request the mock gets parses and carries the values unchanged (JSON, form, XML, text, SOAP)', async () => {
      const started = Date.now();
      const watch = watchProcess();
      const failures: string[] = [];
      const statuses: Record<string, number> = {};
      const ivrMs: number[] = [];
      let n = 0;
      let longOnes = 0;
      let xmlRemoved = 0;
      let surrogatesReplaced = 0;
      let soapIllegal = 0;
      const fail = (p: Payload, what: string) =>
        failures.push(
          `${what} — payload s=${describeString(p.s)} c=${describeString(p.c)} v=${JSON.stringify(p.v)?.slice(0, 200)}`,
        );
      try {
        for (const p of samples(payload, o, started)) {
          n++;
          if (p.s.length > 60_000) longOnes++;
          if (xmlLegal(p.s) !== p.s || xmlLegal(p.c) !== p.c) xmlRemoved++;
          if (wellFormed(p.s) !== p.s) surrogatesReplaced++;
          const id = `fz-${n}`;
          mock.seen.splice(0);
          crm.calls.splice(0);
          const t0 = performance.now();
          const r = await ivr('fz-bodies', {
            call: { id, callerId: p.s, custom: { v: p.v } },
            contact: { firstName: p.c },
          });
          ivrMs.push(performance.now() - t0);
          const key = `${r.status} ${r.body?.status}`;
          statuses[key] = (statuses[key] ?? 0) + 1;
          if (r.status !== 200 || r.body.status !== 'succeeded') {
            fail(p, `IVR answered ${r.status} ${r.text.slice(0, 300)}`);
            if (failures.length > 20) break;
            continue;
          }
          const seen = (path: string) =>
            mock.seen.filter(
              (s) => s.url.startsWith(`${path}?`) && new URL(s.url, 'http://x').searchParams.get('n') === id,
            );
          const [json] = seen('/json');
          const [form] = seen('/form');
          const [xmlReq] = seen('/xml');
          const [text] = seen('/text');
          const [soapReq] = seen('/soap');
          if (!json || !form || !xmlReq || !text || !soapReq) {
            fail(p, `mock saw ${mock.seen.map((s) => s.url).join(', ')}`);
            continue;
          }
          // JSON: parses; the strings are exact (lone surrogates travel as \uXXXX escapes), the value is viaJson(v).
          try {
            const body = JSON.parse(json.body) as Record<string, unknown>;
            if (JSON.stringify(body) !== JSON.stringify({ s: p.s, c: p.c, v: viaJson(p.v) }))
              fail(p, `JSON body changed: ${json.body.slice(0, 300)}`);
            if (!/^application\/json/.test(String(json.headers['content-type'])))
              fail(p, `JSON content-type ${json.headers['content-type']}`);
          } catch (e) {
            fail(p, `JSON body does not parse (${(e as Error).message}): ${json.body.slice(0, 300)}`);
          }
          // Form: the text of s (UTF-8: lone surrogates become U+FFFD), and v's JSON.
          const fields = new URLSearchParams(form.body);
          if (fields.get('s') !== wellFormed(p.s))
            fail(p, `form s changed: ${describeString(fields.get('s') ?? '<missing>')}`);
          try {
            if (JSON.stringify(JSON.parse(fields.get('v') ?? '')) !== JSON.stringify(viaJson(p.v)))
              fail(p, `form v changed: ${fields.get('v')?.slice(0, 300)}`);
          } catch {
            fail(p, `form v is not JSON: ${fields.get('v')?.slice(0, 300)}`);
          }
          if (!/^application\/x-www-form-urlencoded/.test(String(form.headers['content-type'])))
            fail(p, `form content-type ${form.headers['content-type']}`);
          // XML: parses; the text equals the input minus the characters XML 1.0 forbids.
          try {
            const doc = xml.parse(xmlReq.body, true) as { r: { s: string; c: string } };
            if (String(doc.r.s) !== xmlLegal(p.s)) fail(p, `XML s changed: ${describeString(String(doc.r.s))}`);
            if (String(doc.r.c) !== xmlLegal(p.c)) fail(p, `XML c changed: ${describeString(String(doc.r.c))}`);
          } catch (e) {
            fail(p, `XML body does not parse (${(e as Error).message}): ${xmlReq.body.slice(0, 300)}`);
          }
          // Text: the text, as UTF-8 carries it.
          if (text.body !== wellFormed(p.s)) fail(p, `text body changed: ${describeString(text.body)}`);
          // SOAP, the envelope as sent: well-formed XML 1.0, and the argument is the XML-legal text.
          if (XML_ILLEGAL_TEST.test(soapReq.body)) soapIllegal++;
          try {
            const env = soapXml.parse(soapReq.body, true) as {
              Envelope: { Body: { GetCustomerRequest: { phone: unknown } } };
            };
            const sent = String(env.Envelope.Body.GetCustomerRequest.phone ?? '');
            // The SOAP node removes what XML 1.0 cannot carry, like XML bodies do.
            if (sent !== xmlLegal(p.s)) fail(p, `SOAP argument changed: sent ${describeString(sent)}`);
          } catch (e) {
            fail(p, `SOAP envelope does not parse (${(e as Error).message}): ${soapReq.body.slice(0, 300)}`);
          }
          // SOAP, as node-soap's own server parsed it (it trims text): the XML-legal text, trimmed.
          const phone = crm.calls.at(-1)?.args?.phone;
          const expected = xmlLegal(p.s).trim();
          if (typeof phone === 'string' ? phone !== expected : expected !== '')
            fail(
              p,
              `node-soap server got phone ${typeof phone === 'string' ? describeString(phone) : JSON.stringify(phone)}`,
            );
          if (failures.length > 20) break;
        }
      } finally {
        watch.stop();
      }
      const sorted = [...ivrMs].sort((a, b) => a - b);
      report('payloads', {
        seed: o.seed,
        payloads: n,
        longStrings: longOnes,
        withXmlIllegalCharacters: xmlRemoved,
        withLoneSurrogates: surrogatesReplaced,
        soapEnvelopesWithXmlIllegalCharacters: soapIllegal,
        ivrStatuses: statuses,
        ivrMs: {
          p50: round(quantile(sorted, 0.5)),
          p99: round(quantile(sorted, 0.99)),
          max: round(sorted.at(-1) ?? NaN),
        },
        processProblems: watch.seen.length,
        failures: failures.length,
        durationSeconds: round((Date.now() - started) / 1000),
      });
      expect(failures).toEqual([]);
      expect(watch.seen).toEqual([]);
      expect(n).toBeGreaterThan(Math.min(o.runs, 50));
    });

    it('header values: CR/LF is refused (HEADER_INVALID, never sent); anything else arrives unchanged', async () => {
      const started = Date.now();
      const failures: string[] = [];
      let n = 0;
      let refused = 0;
      for (const h of samples(headerValue, o, started)) {
        n++;
        const id = `h-${n}`;
        mock.seen.splice(0);
        const r = await ivr('fz-header', { call: { id, custom: { h } } });
        const seen = mock.seen.filter((s) => s.url === `/hdr?n=${id}`);
        if (/[\r\n]/.test(h)) {
          refused++;
          if (
            r.status !== 200 ||
            r.body.status !== 'failed' ||
            r.body.error?.code !== 'HEADER_INVALID' ||
            seen.length !== 0
          )
            failures.push(`${JSON.stringify(h)} → ${r.status} ${r.text.slice(0, 200)}; mock saw ${seen.length}`);
        } else {
          // HTTP strips optional whitespace around a field value.
          if (
            r.status !== 200 ||
            r.body.status !== 'succeeded' ||
            seen.length !== 1 ||
            seen[0]!.headers['x-value'] !== h.replace(/^[ \t]+|[ \t]+$/g, '')
          ) {
            failures.push(
              `${JSON.stringify(h)} → ${r.status} ${r.text.slice(0, 200)}; ` +
                `mock saw ${JSON.stringify(seen.map((s) => s.headers['x-value']))}`,
            );
          }
        }
        if (failures.length > 20) break;
      }
      report('headers', {
        seed: o.seed,
        headerValues: n,
        withCrLf: refused,
        failures: failures.length,
        durationSeconds: round((Date.now() - started) / 1000),
      });
      expect(failures).toEqual([]);
      expect(refused).toBeGreaterThan(0);
    });
  });
}
