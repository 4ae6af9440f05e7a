import * as fs from 'node:fs';
import * as path from 'node:path';
import { soapClientOptionsSchema, type SoapClientOptions } from '@callflow/flow';

/** One runnable node-soap sample (a folder `<operation>__<what it checks>`). */
export interface Sample {
  name: string;
  dir: string;
  operation: string;
  args: unknown;
  soapHeaders?: Record<string, unknown>;
  security?: { type?: string; username?: string; password?: string; options?: unknown };
  /** The sample's wsdl_options as soap node client options (see sampleOptions). */
  clientOptions?: SoapClientOptions;
  /** wsdl_options the soap node does not offer (code: customDeserializer functions …). */
  unsupportedOptions: string[];
  /** response.xml, answered to every POST (500 for fault samples). */
  responseXml?: string;
  /** responseHttpHeader.json: headers of the answer (e.g. a multipart content type). */
  responseHeaders?: Record<string, string>;
  /** request.xml: the envelope node-soap itself sends for request.json. */
  requestXml?: string;
  /** attachmentParts.js: the MTOM parts the call must return. */
  attachments?: { headers: Record<string, string>; body: Buffer }[];
  expected: { kind: 'result'; result: unknown; soapHeaders?: unknown } | { kind: 'fault'; root: unknown };
}

/** A sample that was not run or not counted, and why. */
export interface Skipped {
  name: string;
  reason: string;
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * A sample's wsdl_options (node-soap's option object) as the soap node's clientOptions, through
 * the node's own schema: the names node-soap uses map to ours; functions (customDeserializer) have
 * no equivalent, except a date reader that returns the text as written (`dates: 'text'`).
 */
export function sampleOptions(raw: Record<string, unknown>): { options?: SoapClientOptions; unsupported: string[] } {
  const unsupported: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'ignoredNamespaces' && value && typeof value === 'object') {
      const ig = value as { namespaces?: unknown; override?: unknown };
      const namespaces = typeof ig.namespaces === 'string' ? [ig.namespaces] : ig.namespaces;
      out.ignoredNamespaces = { namespaces, override: ig.override === true || ig.override === 'true' };
    } else if (key === 'parseReponseAttachments' || key === 'parseResponseAttachments') {
      out.parseResponseAttachments = value;
    } else if (key === 'customDeserializer' && value && typeof value === 'object') {
      const fns = value as Record<string, (text: string, ctx?: unknown) => unknown>;
      const keepsText =
        Object.keys(fns).length > 0 &&
        Object.entries(fns).every(
          ([type, fn]) => /^date(Time)?$/.test(type) && fn('2014-01-02+01:00') === '2014-01-02+01:00',
        );
      if (keepsText) out.dates = 'text';
      else unsupported.push(`customDeserializer (${Object.keys(fns).join(', ')})`);
    } else {
      out[key] = value;
    }
  }
  if (Object.keys(out).length === 0) return { unsupported };
  const parsed = soapClientOptionsSchema.safeParse(out);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) unsupported.push(`${issue.path.join('.') || 'options'}: ${issue.message}`);
    return { unsupported };
  }
  return { options: parsed.data, unsupported };
}

/** The samples that have an expected answer (response.json, or error_response.json for a fault). */
export function loadSamples(root: string): { samples: Sample[]; skipped: Skipped[] } {
  const samples: Sample[] = [];
  const skipped: Skipped[] = [];
  for (const name of fs.readdirSync(root).sort()) {
    const dir = path.join(root, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    const file = (f: string) => path.join(dir, f);
    const has = (f: string) => fs.existsSync(file(f));
    let expected: Sample['expected'];
    if (has('response.json')) {
      expected = {
        kind: 'result',
        result: readJson(file('response.json')),
        soapHeaders: has('responseSoapHeader.json') ? readJson(file('responseSoapHeader.json')) : undefined,
      };
    } else if (has('error_response.json')) {
      expected = { kind: 'fault', root: readJson(file('error_response.json')) };
    } else {
      skipped.push({ name, reason: 'no expected response (response.json or error_response.json)' });
      continue;
    }
    // The .js files are the samples' own data (option objects, buffers), loaded as node-soap's test loads them.
    const rawOptions = has('wsdl_options.json')
      ? (readJson(file('wsdl_options.json')) as Record<string, unknown>)
      : has('wsdl_options.js')
        ? ({ ...require(file('wsdl_options.js')) } as Record<string, unknown>)
        : {};
    const { options, unsupported } = sampleOptions(rawOptions);
    let responseXml = has('response.xml') ? fs.readFileSync(file('response.xml'), 'utf8') : undefined;
    if (responseXml && options?.parseResponseAttachments) responseXml = responseXml.replace(/\r?\n/g, '\r\n'); // MIME wants CRLF, as node-soap's test sends it
    samples.push({
      name,
      dir,
      operation: name.split('__')[0]!,
      args: readJson(file('request.json')),
      soapHeaders: has('header.json') ? (readJson(file('header.json')) as Record<string, unknown>) : undefined,
      security: has('security.json') ? (readJson(file('security.json')) as Sample['security']) : undefined,
      ...(options ? { clientOptions: options } : {}),
      unsupportedOptions: unsupported,
      responseXml,
      responseHeaders: has('responseHttpHeader.json')
        ? (readJson(file('responseHttpHeader.json')) as Record<string, string>)
        : undefined,
      requestXml: has('request.xml') ? fs.readFileSync(file('request.xml'), 'utf8') : undefined,
      attachments: has('attachmentParts.js')
        ? (require(file('attachmentParts.js')) as Sample['attachments'])
        : undefined,
      expected,
    });
  }
  return { samples, skipped };
}
