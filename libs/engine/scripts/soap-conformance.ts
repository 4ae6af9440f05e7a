/**
 * SOAP conformance over node-soap's request/response samples (../shared/conformance/node-soap-samples).
 *
 *   npm run conformance:soap -- <samples dir> [--direct]
 *
 * For each sample without client options (no wsdl_options.json) that has an expected answer
 * (response.json, or error_response.json for a fault): serve its WSDL and imports from a loopback
 * mock that answers every POST with the sample's response.xml, run a flow whose soap node calls
 * `<operation>` with request.json as args (trigger.webhook → soap → respond `{{json nodes.call}}`),
 * and compare the node's result (or its fault) with the expectation, the way node-soap's
 * test/request-response-samples-test.js does. `--direct` calls SoapService without the engine
 * (for debugging). Prints one line per failure and per skipped sample, then
 * `N passed, M failed, K skipped`; exits 0 when at least 90% of the samples that ran pass.
 *
 * Importable without side effects (the tests run it through `runConformance`).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { SoapArg } from '@callflow/flow';
import { WSSecurity } from 'soap';
import { FlowEngine } from '../src/engine';
import { EngineError, type ErrorCode } from '../src/errors';
import { OutboundClient } from '../src/outbound/outbound-client';
import { SoapService } from '../src/soap/soap.service';
import type { RunResult } from '../src/types';

const PASS_RATE = 0.9;

/** One runnable sample. */
interface Sample {
  name: string;
  dir: string;
  operation: string;
  args: unknown;
  soapHeaders?: Record<string, unknown>;
  security?: { type?: string; username?: string; password?: string; options?: unknown };
  /** response.xml, answered to every POST (500 for fault samples). */
  responseXml?: string;
  expected: { kind: 'result'; result: unknown; soapHeaders?: unknown } | { kind: 'fault'; root: unknown };
}

/** What the call under test is given. */
export interface SampleCallInput {
  wsdlUrl: string;
  endpoint: string;
  operation: string;
  args: unknown;
  soapHeaders?: Record<string, unknown>;
  security?: unknown;
}

/** What it returns; a failure is thrown (an EngineError, SOAP_FAULT for faults). */
export interface SampleCallOutput {
  result: unknown;
  headers?: unknown;
}

/** The call under test: a flow run by the engine (engineCall), or SoapService directly (directCall). */
export type SampleCall = (input: SampleCallInput) => Promise<SampleCallOutput>;

/** A call under test with what it holds (sockets) to release after the run. */
export interface CallHandle {
  call: SampleCall;
  close(): Promise<void>;
}

/** Makes the call under test for one conformance run. */
export type CallFactory = () => CallHandle;

const TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
const LOOPBACK = ['127.0.0.1'];

/** The call through SoapService directly. */
export function serviceCall(soap: SoapService): SampleCall {
  return async (input) => {
    const res = await soap.call({ ...input, timeoutMs: TIMEOUT_MS, maxResponseBytes: MAX_RESPONSE_BYTES });
    return { result: res.result, headers: res.headers };
  };
}

/** SoapService without the engine (`--direct`, for debugging). */
export const directCall: CallFactory = () => {
  const outbound = new OutboundClient({ policy: { allow: LOOPBACK } });
  return { call: serviceCall(new SoapService({ outbound })), close: () => outbound.close() };
};

/**
 * A string as a template that renders to exactly that string. String leaves of soap args are
 * Handlebars templates: `{{` is escaped as `\{{`. A backslash right before `{{` cannot be written
 * in a Handlebars template at all (`\\{{` is a backslash and a mustache; a `'\'` string literal for
 * it breaks on any later quote), so such a string goes into `literals` (the run's `request.body`) and the
 * template refers to it; it renders as text, unchanged.
 */
export function literalTemplate(text: string, literals: string[]): string {
  if (!text.includes('{{')) return text;
  if (text.includes('\\{{')) {
    literals.push(text);
    return `{{request.body.[${literals.length - 1}]}}`;
  }
  return text.replace(/\{\{/g, '\\{{');
}

/** Sample args as soap node args: strings made literal templates, numbers/booleans/null kept typed. */
export function literalArgs(value: unknown, literals: string[]): SoapArg {
  if (typeof value === 'string') return literalTemplate(value, literals);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => literalArgs(v, literals));
  if (typeof value === 'object') {
    const out: Record<string, SoapArg> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      Object.defineProperty(out, k, { value: literalArgs(v, literals), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  throw new Error(`a ${typeof value} cannot be a soap node argument`);
}

/** The node's top-level args/soapHeaders: an object (`null`, "no parameters", becomes `{}`). */
function argRecord(value: unknown, what: string, literals: string[]): Record<string, SoapArg> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} must be an object to be soap node ${what}`);
  return literalArgs(value, literals) as Record<string, SoapArg>;
}

/** The soap node's name: its output is `nodes.call`. */
const SOAP_NODE = 'call';

/**
 * The flow run for one sample: trigger.webhook → soap (`call`) → respond with `{{json nodes.call}}`
 * on both handles (`{result, headers?}` on success, `{error: {code, message, details?}}` on error).
 */
export function sampleFlow(input: SampleCallInput, opts: { connectionId?: string; literals?: string[] } = {}) {
  const literals = opts.literals ?? [];
  const answer = (status: number) => ({ status, body: { type: 'json', template: `{{json nodes.${SOAP_NODE}}}` } });
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'trigger', type: 'trigger.webhook', name: 'webhook', position: { x: 0, y: 0 }, config: { methods: ['POST'] } },
      {
        id: 'soap',
        type: 'soap',
        name: SOAP_NODE,
        position: { x: 200, y: 0 },
        config: {
          // The mock's loopback URLs: no `{{` in them.
          wsdlUrl: input.wsdlUrl,
          endpoint: input.endpoint,
          operation: input.operation,
          args: argRecord(input.args, 'args', literals),
          soapHeaders: argRecord(input.soapHeaders, 'soapHeaders', literals),
          timeoutMs: TIMEOUT_MS,
          ...(opts.connectionId ? { connectionId: opts.connectionId } : {}),
        },
      },
      { id: 'ok', type: 'respond', name: 'result', position: { x: 400, y: 0 }, config: answer(200) },
      { id: 'failed', type: 'respond', name: 'failure', position: { x: 400, y: 100 }, config: answer(502) },
    ],
    edges: [
      { id: 'e1', source: 'trigger', target: 'soap' },
      { id: 'e2', source: 'soap', sourceHandle: 'success', target: 'ok' },
      { id: 'e3', source: 'soap', sourceHandle: 'error', target: 'failed' },
    ],
  };
}

/** The soap node's outcome in a run of sampleFlow: its output, or its error thrown as an EngineError. */
function outcomeOf(run: RunResult): SampleCallOutput {
  if (run.status !== 'succeeded') {
    const e = run.error ?? { code: 'INTERNAL' as const, message: 'the run failed' };
    throw new EngineError(e.code, `run ${run.status}: ${e.message}`, e.details);
  }
  const out = run.output as { result?: unknown; headers?: unknown; error?: { code: ErrorCode; message: string; details?: Record<string, unknown> } } | undefined;
  if (!out || typeof out !== 'object') throw new EngineError('INTERNAL', `the flow answered ${short(out)}`);
  if (out.error) throw new EngineError(out.error.code, out.error.message, out.error.details);
  return { result: out.result, headers: out.headers };
}

/**
 * Through the engine: each sample is a flow (sampleFlow) compiled and run by one FlowEngine whose
 * outbound policy allows loopback only. A sample's WS-Security object reaches the node as the
 * `soapSecurity` of a connection.
 */
export const engineCall: CallFactory = () => {
  const security = new Map<string, unknown>();
  const engine = new FlowEngine({
    outbound: { allow: LOOPBACK },
    limits: { maxResponseBytes: MAX_RESPONSE_BYTES },
    connections: {
      resolve: async (id) => (security.has(id) ? { fields: {}, secrets: [], soapSecurity: security.get(id) } : undefined),
    },
  });
  let runs = 0;
  return {
    async call(input) {
      const connectionId = input.security ? `sample-security-${++runs}` : undefined;
      if (connectionId) security.set(connectionId, input.security);
      try {
        const literals: string[] = [];
        const flow = engine.compile(sampleFlow(input, { connectionId, literals }));
        return outcomeOf(await engine.run(flow, { request: { method: 'POST', headers: {}, query: {}, body: literals } }));
      } finally {
        if (connectionId) security.delete(connectionId);
      }
    },
    close: () => engine.close(),
  };
};

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** A sample that was not run or not counted, and why. */
export interface Skipped {
  name: string;
  reason: string;
}

/** The samples that run with default client options and have an expected answer. */
export function loadSamples(root: string): { samples: Sample[]; skipped: Skipped[] } {
  const samples: Sample[] = [];
  const skipped: Skipped[] = [];
  for (const name of fs.readdirSync(root).sort()) {
    const dir = path.join(root, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    const has = (f: string) => fs.existsSync(path.join(dir, f));
    if (has('wsdl_options.json') || has('wsdl_options.js')) {
      skipped.push({ name, reason: 'needs client options (wsdl_options)' });
      continue;
    }
    let expected: Sample['expected'];
    if (has('response.json')) {
      expected = {
        kind: 'result',
        result: readJson(path.join(dir, 'response.json')),
        soapHeaders: has('responseSoapHeader.json') ? readJson(path.join(dir, 'responseSoapHeader.json')) : undefined,
      };
    } else if (has('error_response.json')) {
      expected = { kind: 'fault', root: readJson(path.join(dir, 'error_response.json')) };
    } else {
      skipped.push({ name, reason: 'no expected response (response.json or error_response.json)' });
      continue;
    }
    samples.push({
      name,
      dir,
      operation: name.split('__')[0]!,
      args: readJson(path.join(dir, 'request.json')),
      soapHeaders: has('header.json') ? (readJson(path.join(dir, 'header.json')) as Record<string, unknown>) : undefined,
      security: has('security.json') ? (readJson(path.join(dir, 'security.json')) as Sample['security']) : undefined,
      responseXml: has('response.xml') ? fs.readFileSync(path.join(dir, 'response.xml'), 'utf8') : undefined,
      expected,
    });
  }
  return { samples, skipped };
}

/** The loopback mock; `missing` lists, per sample index, files requested that the sample does not have. */
interface Mock {
  base: string;
  missing: Map<number, string[]>;
  /** Samples run one at a time; requests outside /s/<i>/ are charged to the one running. */
  setRunning(index: number): void;
  close(): Promise<void>;
}

/** Loopback mock: GET /s/<i>/<file> serves sample i's files, POST /s/<i>/endpoint answers with its response.xml. */
async function startMock(samples: Sample[]): Promise<Mock> {
  const missing = new Map<number, string[]>();
  let running = -1;
  const server = http.createServer((req, res) => {
    const m = /^\/s\/(\d+)\/(.*)$/.exec((req.url ?? '').split('?')[0]!);
    const sample = m ? samples[Number(m[1])] : undefined;
    req.resume();
    req.on('end', () => {
      if (!sample || !m) {
        // e.g. `../../platform/x.xsd` from /s/<i>/: outside every sample; charged to the sample running now
        if (req.method === 'GET') missing.set(running, [...(missing.get(running) ?? []), req.url ?? '']);
        return void res.writeHead(404).end();
      }
      if (req.method === 'POST') {
        const status = sample.expected.kind === 'fault' ? 500 : 200;
        res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
        return void res.end(sample.responseXml ?? '');
      }
      const file = path.resolve(sample.dir, decodeURIComponent(m[2]!));
      if (!file.startsWith(sample.dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        missing.set(Number(m[1]), [...(missing.get(Number(m[1])) ?? []), m[2]!]);
        return void res.writeHead(404).end();
      }
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(fs.readFileSync(file));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    missing,
    setRunning: (i: number) => (running = i),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Both sides through a JSON round-trip (Dates become ISO strings, undefined drops out). */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value === undefined ? null : value));
}

/** The first place where two plain values differ, for the failure line. */
function difference(actual: unknown, expected: unknown, at = '$'): string {
  if (isDeepStrictEqual(actual, expected)) return '';
  if (actual && expected && typeof actual === 'object' && typeof expected === 'object' && Array.isArray(actual) === Array.isArray(expected)) {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
      if (!(key in a)) return `${at}.${key} missing (expected ${short(e[key])})`;
      if (!(key in e)) return `${at}.${key} unexpected (${short(a[key])})`;
      const d = difference(a[key], e[key], `${at}.${key}`);
      if (d) return d;
    }
  }
  return `${at}: got ${short(actual)}, expected ${short(expected)}`;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Runs one sample; returns the failure reason, or '' when it passed. */
async function runSample(sample: Sample, index: number, base: string, call: SampleCall): Promise<string> {
  const security =
    sample.security?.type === 'ws'
      ? new WSSecurity(sample.security.username ?? '', sample.security.password ?? '', sample.security.options as never)
      : undefined;
  let out: SampleCallOutput;
  try {
    out = await call({
      wsdlUrl: `${base}/s/${index}/soap.wsdl`,
      endpoint: `${base}/s/${index}/endpoint`,
      operation: sample.operation,
      args: sample.args,
      soapHeaders: sample.soapHeaders,
      security,
    });
  } catch (err) {
    if (sample.expected.kind === 'fault' && err instanceof EngineError && err.code === 'SOAP_FAULT') {
      const { faultcode, faultstring, detail } = err.details ?? {};
      const root = { Envelope: { Body: { Fault: { faultcode, faultstring, detail } } } };
      const d = difference(plain(root), plain(sample.expected.root));
      return d ? `fault differs: ${d}` : '';
    }
    const code = err instanceof EngineError ? err.code : 'ERROR';
    return `${code}: ${err instanceof Error ? err.message : String(err)}`.replace(/\s+/g, ' ').slice(0, 300);
  }
  if (sample.expected.kind === 'fault') return `expected a SOAP fault, got a result ${short(plain(out.result))}`;
  const d = difference(plain(out.result), plain(sample.expected.result));
  if (d) return `result differs: ${d}`;
  if (sample.expected.soapHeaders !== undefined) {
    const h = difference(plain(out.headers), plain(sample.expected.soapHeaders));
    if (h) return `response SOAP headers differ: ${h}`;
  }
  return '';
}

/** What one conformance run found. */
export interface ConformanceReport {
  passed: string[];
  failed: { name: string; reason: string }[];
  skipped: Skipped[];
  /** passed / (passed + failed); 0 when nothing ran. */
  passRate: number;
  /** 0 iff passRate >= 90%. */
  exitCode: number;
}

/**
 * Runs every sample through the call `makeCall` gives (default: through the engine), printing a
 * FAIL or SKIP line per sample that did not pass and the `N passed, M failed, K skipped` total.
 */
export async function runConformance(root: string, makeCall: CallFactory = engineCall, log: (line: string) => void = console.log): Promise<ConformanceReport> {
  // node-soap's sample suite runs with TZ=UTC: dateTimes without a zone parse as local time.
  const tz = process.env.TZ;
  process.env.TZ = 'UTC';
  const { samples, skipped } = loadSamples(root);
  for (const s of skipped) log(`SKIP ${s.name}: ${s.reason}`);
  const report: ConformanceReport = { passed: [], failed: [], skipped, passRate: 0, exitCode: 1 };
  const mock = await startMock(samples);
  let handle: CallHandle | undefined;
  try {
    handle = makeCall();
    for (const [i, sample] of samples.entries()) {
      mock.setRunning(i);
      const reason = await runSample(sample, i, mock.base, handle.call);
      const missing = mock.missing.get(i);
      if (!reason) {
        report.passed.push(sample.name);
      } else if (missing) {
        // The WSDL needs files the sample folder does not have: nobody could run it (plain node-soap
        // fails with ENOENT). Not counted, but listed.
        const skip = { name: sample.name, reason: `incomplete sample, imports missing files ${[...new Set(missing)].join(', ')} (${reason})` };
        report.skipped.push(skip);
        log(`SKIP ${skip.name}: ${skip.reason}`);
      } else {
        report.failed.push({ name: sample.name, reason });
        log(`FAIL ${sample.name}: ${reason}`);
      }
    }
  } finally {
    await handle?.close();
    await mock.close();
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  }
  const ran = report.passed.length + report.failed.length;
  report.passRate = ran > 0 ? report.passed.length / ran : 0;
  report.exitCode = ran > 0 && report.passRate >= PASS_RATE ? 0 : 1;
  log(`${report.passed.length} passed, ${report.failed.length} failed, ${report.skipped.length} skipped`);
  return report;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const direct = args.includes('--direct');
  const dir = args.find((a) => !a.startsWith('--'));
  if (!dir || !fs.existsSync(dir) || args.some((a) => a.startsWith('--') && a !== '--direct')) {
    console.error('usage: npm run conformance:soap -- <node-soap-samples dir> [--direct]');
    process.exit(2);
  }
  runConformance(path.resolve(dir), direct ? directCall : engineCall).then(
    (report) => process.exit(report.exitCode),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
