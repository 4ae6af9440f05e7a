/**
 * SOAP conformance over node-soap's request/response samples (../shared/conformance/node-soap-samples).
 *
 *   npm run conformance:soap -- <samples dir> [--direct]
 *
 * For each sample with an expected answer (response.json, or error_response.json for a fault): a
 * StrictSoapServer (libs/engine/test/strict-soap) serves its WSDL and imports (and node-soap's
 * `platform` schemas beside the samples, which `../../platform/*.xsd` imports reach) and answers
 * every POST with the sample's response.xml; a flow whose soap node calls `<operation>` with
 * request.json as args and the sample's wsdl_options as client options (trigger.webhook → soap →
 * respond `{{json nodes.call}}`) runs, and its result (or fault, and MTOM parts) is compared with the
 * expectation the way node-soap's test/request-response-samples-test.js does. The strict server
 * also checks the envelope against the WSDL: a sample fails when it refuses ours but accepts the one
 * node-soap itself sends (request.xml). `--direct` calls SoapService without the engine.
 * Prints one line per failure and per skipped sample, the strict-server tally, then
 * `N passed, M failed, K skipped`; exits 0 when at least 90% of the samples with an expected
 * answer pass (samples that cannot run at all count as failed).
 *
 * Importable without side effects (the tests run it through `runConformance`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { SoapArg, SoapClientOptions } from '@callflow/flow';
import { WSSecurity } from 'soap';
import { FlowEngine } from '../src/engine';
import { EngineError, type ErrorCode } from '../src/errors';
import { OutboundClient } from '../src/outbound/outbound-client';
import { SoapService } from '../src/soap/soap.service';
import type { RunResult } from '../src/types';
import { StrictSoapServer } from '../test/strict-soap/strict-soap-server';
import { loadSamples, type Sample, type Skipped } from './conformance-samples';

export { loadSamples, sampleOptions, type Sample, type Skipped } from './conformance-samples';

const PASS_RATE = 0.9;

/** What the call under test is given. */
export interface SampleCallInput {
  wsdlUrl: string;
  endpoint: string;
  operation: string;
  args: unknown;
  soapHeaders?: Record<string, unknown>;
  security?: unknown;
  clientOptions?: SoapClientOptions;
}

/** What it returns; a failure is thrown (an EngineError, SOAP_FAULT for faults). */
export interface SampleCallOutput {
  result: unknown;
  headers?: unknown;
  /** MTOM parts (bodies in base64). */
  attachments?: { headers: Record<string, string>; body: string }[];
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
    return { result: res.result, headers: res.headers, attachments: res.attachments };
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
      Object.defineProperty(out, k, {
        value: literalArgs(v, literals),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  throw new Error(`a ${typeof value} cannot be a soap node argument`);
}

/** The node's top-level args/soapHeaders: an object (`null`, "no parameters", becomes `{}`). */
function argRecord(value: unknown, what: string, literals: string[]): Record<string, SoapArg> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${what} must be an object to be soap node ${what}`);
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
      {
        id: 'trigger',
        type: 'trigger.webhook',
        name: 'webhook',
        position: { x: 0, y: 0 },
        config: { methods: ['POST'] },
      },
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
          ...(input.clientOptions ? { clientOptions: input.clientOptions } : {}),
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
  const out = run.output as
    | (SampleCallOutput & { error?: { code: ErrorCode; message: string; details?: Record<string, unknown> } })
    | undefined;
  if (!out || typeof out !== 'object') throw new EngineError('INTERNAL', `the flow answered ${short(out)}`);
  if (out.error) throw new EngineError(out.error.code, out.error.message, out.error.details);
  return { result: out.result, headers: out.headers, attachments: out.attachments };
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
      resolve: async (id) =>
        security.has(id) ? { fields: {}, secrets: [], soapSecurity: security.get(id) } : undefined,
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
        return outcomeOf(
          await engine.run(flow, { request: { method: 'POST', headers: {}, query: {}, body: literals } }),
        );
      } finally {
        if (connectionId) security.delete(connectionId);
      }
    },
    close: () => engine.close(),
  };
};

/** Both sides through a JSON round-trip (Dates become ISO strings, undefined drops out). */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value === undefined ? null : value));
}

/** The first place where two plain values differ, for the failure line. */
function difference(actual: unknown, expected: unknown, at = '$'): string {
  if (isDeepStrictEqual(actual, expected)) return '';
  if (
    actual &&
    expected &&
    typeof actual === 'object' &&
    typeof expected === 'object' &&
    Array.isArray(actual) === Array.isArray(expected)
  ) {
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

/**
 * What the strict server made of the envelopes: schema-valid, invalid like node-soap's own (lenient sample), not sent.
 */
export interface StrictTally {
  valid: number;
  invalidLikeNodeSoap: number;
  notSent: number;
}

/** The sample's files and node-soap's `platform` folder (`<root>/../platform`), served by path; misses are recorded. */
function sampleServer(sample: Sample, platformDir: string, missing: string[]): Promise<StrictSoapServer> {
  const within = (dir: string, rel: string) => {
    const file = path.resolve(dir, decodeURIComponent(rel));
    return file.startsWith(dir + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile() ? file : undefined;
  };
  return StrictSoapServer.start({
    wsdl: '/s/soap.wsdl',
    mode: 'record',
    read: (p) => {
      const pathname = p.split('?')[0]!;
      const file = pathname.startsWith('/platform/')
        ? within(platformDir, pathname.slice(10))
        : pathname.startsWith('/s/')
          ? within(sample.dir, pathname.slice(3))
          : undefined;
      if (!file) {
        missing.push(pathname);
        return undefined;
      }
      return fs.readFileSync(file, 'utf8');
    },
    otherwise: () => ({
      xml: sample.responseXml ?? '',
      status: sample.expected.kind === 'fault' ? 500 : 200,
      type: sample.responseHeaders?.['content-type'] ?? 'text/xml; charset=utf-8',
    }),
  });
}

/** Runs one sample; returns the failure reason, or '' when it passed. */
async function runSample(
  sample: Sample,
  server: StrictSoapServer,
  call: SampleCall,
  tally: StrictTally,
): Promise<string> {
  const security =
    sample.security?.type === 'ws'
      ? new WSSecurity(sample.security.username ?? '', sample.security.password ?? '', sample.security.options as never)
      : undefined;
  let out: SampleCallOutput | undefined;
  let failure = '';
  try {
    out = await call({
      wsdlUrl: server.wsdlUrl,
      endpoint: `${server.base}/s/endpoint`,
      operation: sample.operation,
      args: sample.args,
      soapHeaders: sample.soapHeaders,
      security,
      clientOptions: sample.clientOptions,
    });
  } catch (err) {
    if (sample.expected.kind === 'fault' && err instanceof EngineError && err.code === 'SOAP_FAULT') {
      const { faultcode, faultstring, detail } = err.details ?? {};
      const root = { Envelope: { Body: { Fault: { faultcode, faultstring, detail } } } };
      const d = difference(plain(root), plain(sample.expected.root));
      failure = d ? `fault differs: ${d}` : '';
    } else {
      const code = err instanceof EngineError ? err.code : 'ERROR';
      failure = `${code}: ${err instanceof Error ? err.message : String(err)}`.replace(/\s+/g, ' ').slice(0, 300);
    }
  }
  const strict = strictVerdict(sample, server, tally);
  if (failure || !out) return failure || strict;
  if (sample.expected.kind === 'fault') return `expected a SOAP fault, got a result ${short(plain(out.result))}`;
  const d = difference(plain(out.result), plain(sample.expected.result));
  if (d) return `result differs: ${d}`;
  if (sample.expected.soapHeaders !== undefined) {
    const h = difference(plain(out.headers), plain(sample.expected.soapHeaders));
    if (h) return `response SOAP headers differ: ${h}`;
  }
  if (sample.attachments) {
    const got = (out.attachments ?? []).map((a) => ({
      headers: a.headers,
      body: Buffer.from(a.body, 'base64').toString('base64'),
    }));
    const want = sample.attachments.map((a) => ({ headers: a.headers, body: a.body.toString('base64') }));
    const a = difference(got, want);
    if (a) return `MTOM attachments differ: ${a}`;
  }
  return strict;
}

/**
 * '' unless the strict server refused our envelope while it accepts node-soap's own (request.xml) for the same call.
 */
function strictVerdict(sample: Sample, server: StrictSoapServer, tally: StrictTally): string {
  const post = server.posts.at(-1);
  if (!post) {
    tally.notSent++;
    return '';
  }
  if (post.problems.length === 0) {
    tally.valid++;
    return '';
  }
  const theirs = sample.requestXml
    ? server.check(new URL(post.url, server.base).pathname, post.headers, sample.requestXml).problems
    : ['no request.xml'];
  if (theirs.length === 0)
    return `the strict server refused our envelope but accepts node-soap's request.xml: ${post.problems[0]}`;
  tally.invalidLikeNodeSoap++;
  return '';
}

/** What one conformance run found. */
export interface ConformanceReport {
  passed: string[];
  failed: { name: string; reason: string }[];
  skipped: Skipped[];
  strict: StrictTally;
  /** passed / (passed + failed): of every sample with an expected answer; 0 when there is none. */
  passRate: number;
  /** 0 iff passRate >= 90%. */
  exitCode: number;
}

/**
 * Runs every sample through the call `makeCall` gives (default: through the engine), printing a
 * FAIL or SKIP line per sample that did not pass, the strict server's tally and the
 * `N passed, M failed, K skipped` total.
 */
export async function runConformance(
  root: string,
  makeCall: CallFactory = engineCall,
  log: (line: string) => void = console.log,
): Promise<ConformanceReport> {
  // node-soap's sample suite runs with TZ=UTC: dateTimes without a zone parse as local time.
  const tz = process.env.TZ;
  process.env.TZ = 'UTC';
  const { samples, skipped } = loadSamples(root);
  for (const s of skipped) log(`SKIP ${s.name}: ${s.reason}`);
  const report: ConformanceReport = {
    passed: [],
    failed: [],
    skipped,
    strict: { valid: 0, invalidLikeNodeSoap: 0, notSent: 0 },
    passRate: 0,
    exitCode: 1,
  };
  const platformDir = path.resolve(root, '../platform');
  let handle: CallHandle | undefined;
  try {
    handle = makeCall();
    for (const sample of samples) {
      const missing: string[] = [];
      const server = await sampleServer(sample, platformDir, missing);
      let reason: string;
      try {
        reason = await runSample(sample, server, handle.call, report.strict);
      } finally {
        await server.close();
      }
      if (reason && missing.length > 0)
        reason = `imports files that are not there (${[...new Set(missing)].join(', ')}): ${reason}`;
      if (reason && sample.unsupportedOptions.length > 0)
        reason = `needs options the soap node does not offer (${sample.unsupportedOptions.join('; ')}): ${reason}`;
      if (!reason) {
        report.passed.push(sample.name);
      } else {
        report.failed.push({ name: sample.name, reason });
        log(`FAIL ${sample.name}: ${reason}`);
      }
    }
  } finally {
    await handle?.close();
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  }
  const ran = report.passed.length + report.failed.length;
  report.passRate = ran > 0 ? report.passed.length / ran : 0;
  report.exitCode = ran > 0 && report.passRate >= PASS_RATE ? 0 : 1;
  const st = report.strict;
  log(
    `strict SOAP server: ${st.valid} envelopes schema-valid, ` +
      `${st.invalidLikeNodeSoap} invalid as node-soap's own request.xml is, ${st.notSent} not sent`,
  );
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
