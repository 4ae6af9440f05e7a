import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  engineCall,
  literalArgs,
  literalTemplate,
  runConformance,
  sampleFlow,
  type CallHandle,
} from '../../scripts/soap-conformance';
import { FlowEngine } from '../engine';
import { compileTemplate } from '../template';
import { crmWsdl, startCrmServer, type CrmServer } from './soap.fixtures';

/**
 * node-soap's request/response samples: `SOAP_SAMPLES` (as .ci/run reads it, relative to the
 * repository root), else ../shared/conformance/node-soap-samples beside the repository.
 */
const ROOT = path.resolve(__dirname, '../../../..');
const SAMPLES = path.resolve(ROOT, process.env.SOAP_SAMPLES ?? '../shared/conformance/node-soap-samples');

/**
 * The samples known to fail, and why (any other failure is a regression):
 * - inline types: its wsdl_options.js gives customDeserializer functions (code); the soap node takes
 *   no code in its options, so the custom DateTime and minutes-since-midnight readings are not there.
 * - overrideElementKey: the answer's body element (SillyResponse, a multipart body without a
 *   multipart content type) is not the operation's output element; node-soap 1.13 throws a
 *   TypeError reading it (RESPONSE_PARSE). Its request.xml does not apply the renames its own
 *   options ask for either: the sample does not match this node-soap version.
 */
const KNOWN_FAILURES = new Set([
  'Dummy__should_handle_inline_types',
  'Dummy__ref_element_should_have_correct_namespace_with_overrideElementKey',
]);

describe('SOAP conformance through the engine (node-soap samples)', () => {
  if (fs.existsSync(SAMPLES)) {
    it('passes ≥ 90% of samples with an expected answer (client options, imports); only known ones fail', async () => {
      const lines: string[] = [];
      const tz = process.env.TZ;
      const report = await runConformance(SAMPLES, engineCall, (line) => lines.push(line));
      const ran = report.passed.length + report.failed.length;
      expect(ran).toBeGreaterThan(0);
      expect(lines[lines.length - 1]).toBe(
        `${report.passed.length} passed, ${report.failed.length} failed, ${report.skipped.length} skipped`,
      );
      const unexpected = report.failed.filter((f) => !KNOWN_FAILURES.has(f.name)).map((f) => `${f.name}: ${f.reason}`);
      expect(unexpected).toEqual([]);
      expect(report.passRate).toBeGreaterThanOrEqual(0.9);
      expect(report.exitCode).toBe(0);
      // Every sample with an expected answer runs: none is skipped for its options or its imports.
      expect(report.skipped.every((x) => /no expected response/.test(x.reason))).toBe(true);
      expect(ran).toBeGreaterThanOrEqual(85);
      // The strict server saw every envelope; none it accepts from node-soap itself was refused from us.
      expect(report.strict.valid).toBeGreaterThanOrEqual(50);
      expect(report.failed.filter((f) => /strict server refused/.test(f.reason))).toEqual([]);
      // runConformance sets TZ=UTC for node-soap's date parsing only while it runs
      expect(process.env.TZ).toBe(tz);
    });
  } else {
    it.skip(`node-soap samples not found at ${SAMPLES}: conformance not run`, () => undefined);
  }
});

describe('sample args as soap node args', () => {
  it('keeps any string literal through the template engine', () => {
    const pieces = [
      '{',
      '}',
      '\\',
      'a',
      "'",
      '"',
      '~',
      '!',
      ' ',
      '#',
      '/',
      '>',
      '&',
      '^',
      '=',
      '[',
      ']',
      '.',
      '{{',
      '}}',
      '\\{{',
      '{{{',
      '}}}',
      'else',
      '-',
      '@',
      '(',
      ')',
      '\n',
      '{{x}}',
      '{{!--',
      '--}}',
      '{{/if}}',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { maxLength: 14 }).map((a) => a.join('')),
        (s) => {
          const literals: string[] = [];
          const t = literalTemplate(s, literals);
          expect(compileTemplate(t, 'text').render({ x: 'X', request: { body: literals } })).toBe(s);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('keeps numbers, booleans and null typed, and the flow validates', () => {
    const args = {
      n: 1.5,
      b: false,
      z: null,
      list: [0, true, 'a{{x}}'],
      nested: { attributes: { id: 7 }, $value: 'v' },
    };
    expect(literalArgs(args, [])).toEqual({
      n: 1.5,
      b: false,
      z: null,
      list: [0, true, 'a\\{{x}}'],
      nested: { attributes: { id: 7 }, $value: 'v' },
    });
    const flow = sampleFlow({
      wsdlUrl: 'http://127.0.0.1:1/x.wsdl',
      endpoint: 'http://127.0.0.1:1/x',
      operation: 'Op',
      args,
    });
    expect(() => new FlowEngine().compile(flow)).not.toThrow();
  });

  describe('against a live SOAP server', () => {
    let crm: CrmServer;
    let handle: CallHandle;
    beforeAll(async () => {
      crm = await startCrmServer();
      crm.routes.set('GET /crm.wsdl', { body: crmWsdl(`${crm.base}/crm`) });
      handle = engineCall();
    });
    afterAll(async () => {
      await handle.close();
      await crm.close();
    });

    it('delivers strings containing {{x}} unchanged, and returns the result and faults', async () => {
      const phone = 'a {{x}} b \\{{y}} {{{z}}} }} {{#if c}}d{{/if}} <&>';
      const out = await handle.call({
        wsdlUrl: `${crm.base}/crm.wsdl`,
        endpoint: `${crm.base}/crm`,
        operation: 'GetCustomer',
        args: {
          phone,
          filter: { attributes: { mode: '{{mode}}' }, channels: ['{{lookup this "constructor"}}', 'sms'] },
        },
      });
      expect(crm.calls.at(-1)!.args).toMatchObject({
        phone,
        filter: { attributes: { mode: '{{mode}}' }, channels: ['{{lookup this "constructor"}}', 'sms'] },
      });
      expect(out.result).toMatchObject({ name: 'Ada Lovelace', visits: 42 });

      const fault = await handle
        .call({
          wsdlUrl: `${crm.base}/crm.wsdl`,
          endpoint: `${crm.base}/crm`,
          operation: 'GetCustomer',
          args: { phone: 'unknown' },
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(fault).toMatchObject({
        code: 'SOAP_FAULT',
        details: { faultcode: 'soap:Client', faultstring: 'Unknown customer' },
      });
    });
  });
});
