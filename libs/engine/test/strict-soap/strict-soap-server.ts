import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { checkEnvelope, SOAP11_ENV, SOAP12_ENV, type EnvelopeVerdict } from './envelope-check';
import { readWsdl, type StrictOperation, type WsdlModel } from './wsdl-model';
import type { XNode } from './xml-tree';
import { XS, type ElementDecl, type Particle, type TypeDef, type XsdModel } from './xsd-model';

/** What a handler is given: the checked request. */
export interface StrictRequest {
  operation: StrictOperation;
  /** The body element, parsed. */
  body: XNode;
  /** The body element as a plain object: child element → text, or object, or array when repeated. */
  args: Record<string, unknown>;
  soapHeaders: XNode[];
  httpHeaders: http.IncomingHttpHeaders;
}

/** A handler's answer: a result (written in the output element's schema order), a fault, or raw XML. */
export type StrictAnswer =
  | { result: Record<string, unknown> }
  | { fault: { code?: 'Client' | 'Server'; string: string; detail?: string } }
  | { xml: string; status?: number; type?: string };

export type StrictHandler = (req: StrictRequest) => StrictAnswer | Promise<StrictAnswer>;

/** One HTTP exchange as the server saw it, byte for byte. */
export interface StrictExchange {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
  operation?: string;
  /** Why the envelope was refused (empty: accepted). */
  problems: string[];
}

export interface StrictSoapServerOptions {
  /** Documents served on GET by path with query (e.g. `/lookup?wsdl`); a function is given the base URL. */
  documents?: Record<string, string> | ((base: string) => Record<string, string>);
  /** Or a reader of documents by path with query (e.g. a folder on disk); undefined: 404. */
  read?: (path: string) => string | undefined;
  /** Path (with query) of the WSDL among the documents. */
  wsdl: string;
  /** Operation name → handler. An operation without one answers a Server fault. */
  handlers?: Record<string, StrictHandler>;
  /**
   * 'strict' (default): a refused envelope gets a SOAP Fault (HTTP 500) and the handler is not
   * called. 'record': problems are recorded and the handler answers anyway (for samples whose own
   * expected envelope is not schema-valid).
   */
  mode?: 'strict' | 'record';
  /** In 'record' mode, answers what no handler takes (an operation the strict server could not identify or read). */
  otherwise?: (req: { httpHeaders: http.IncomingHttpHeaders; text: string }) => StrictAnswer;
}

/**
 * A loopback SOAP service as strict as a schema-validating stack (not node-soap's lenient server):
 * it serves its WSDL and schemas, and checks every POST's content type, SOAPAction, envelope and
 * body against the WSDL (element order of xs:sequence, required elements, types, namespaces),
 * answering a SOAP Fault (HTTP 500) otherwise. Every exchange is recorded as received.
 */
export class StrictSoapServer {
  readonly exchanges: StrictExchange[] = [];
  base = '';
  private server!: http.Server;
  private readonly sockets = new Set<Socket>();
  private model?: WsdlModel;
  private docs: Record<string, string> | ((path: string) => string | undefined) = {};

  private constructor(private readonly opts: StrictSoapServerOptions) {}

  static async start(opts: StrictSoapServerOptions): Promise<StrictSoapServer> {
    const s = new StrictSoapServer(opts);
    s.server = http.createServer((req, res) => s.handle(req, res));
    s.server.on('connection', (sock: Socket) => {
      s.sockets.add(sock);
      sock.on('close', () => s.sockets.delete(sock));
    });
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    s.base = `http://127.0.0.1:${(s.server.address() as AddressInfo).port}`;
    const docs = opts.documents ?? {};
    s.docs = opts.read ?? (typeof docs === 'function' ? docs(s.base) : docs);
    return s;
  }

  get wsdlUrl(): string {
    return `${this.base}${this.opts.wsdl}`;
  }

  /** The WSDL as the server reads it (parsed once). */
  get wsdl(): WsdlModel {
    this.model ??= readWsdl(this.wsdlUrl, (url) => this.document(url));
    return this.model;
  }

  /** Exchanges whose envelope was refused, as `operation: problem` lines. */
  get violations(): string[] {
    return this.exchanges
      .filter((e) => e.problems.length > 0)
      .flatMap((e) => e.problems.map((p) => `${e.operation ?? e.url}: ${p}`));
  }

  /** The posts (SOAP calls) received. */
  get posts(): StrictExchange[] {
    return this.exchanges.filter((e) => e.method === 'POST');
  }

  /** Checks an envelope as a POST to `path` would be checked, without sending it. */
  check(path: string, headers: http.IncomingHttpHeaders, xml: string): EnvelopeVerdict {
    try {
      return checkEnvelope(this.wsdl, path, headers, xml);
    } catch (err) {
      return { headers: [], problems: [`the strict server could not read the WSDL: ${(err as Error).message}`] };
    }
  }

  private document(url: string): string | undefined {
    const u = new URL(url);
    if (u.origin !== this.base) return undefined;
    const key = u.pathname + u.search;
    return typeof this.docs === 'function' ? this.docs(key) : this.docs[key];
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const exchange: StrictExchange = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        status: 0,
        problems: [],
      };
      this.exchanges.push(exchange);
      const reply = (status: number, type: string, text: string) => {
        exchange.status = status;
        res.writeHead(status, { 'content-type': type });
        res.end(text);
      };
      if (req.method === 'GET') {
        const doc = this.document(`${this.base}${req.url ?? ''}`);
        return doc === undefined ? reply(404, 'text/plain', 'not found') : reply(200, 'text/xml; charset=utf-8', doc);
      }
      if (req.method !== 'POST') return reply(405, 'text/plain', 'method not allowed');
      void this.answer(req, body, exchange).then(
        (a) => reply(a.status, a.type, a.text),
        (err: unknown) => reply(500, 'text/plain', `strict SOAP server error: ${String(err)}`),
      );
    });
  }

  private async answer(
    req: http.IncomingMessage,
    text: string,
    exchange: StrictExchange,
  ): Promise<{ status: number; type: string; text: string }> {
    const path = new URL(req.url ?? '/', this.base).pathname;
    const verdict = this.check(path, req.headers, text);
    const op = verdict.operation;
    exchange.operation = op?.name;
    exchange.problems = verdict.problems;
    const version = op?.version ?? (text.includes(SOAP12_ENV) ? '1.2' : '1.1');
    if (verdict.problems.length > 0 && this.opts.mode !== 'record') {
      return fault(version, 'Client', `envelope refused: ${verdict.problems.join('; ')}`);
    }
    const handler = op && this.opts.handlers?.[op.name];
    if ((!op || !handler) && this.opts.mode === 'record' && this.opts.otherwise)
      return raw(this.opts.otherwise({ httpHeaders: req.headers, text }), version);
    if (!op || !handler) return fault(version, 'Server', `no handler for ${op?.name ?? 'this request'}`);
    const body =
      verdict.body ??
      ({ ns: '', local: '', qname: '', attrs: [], children: [], text: '', scope: {}, path: '/' } as XNode);
    const answer = await handler({
      operation: op,
      body,
      args: plain(body) as Record<string, unknown>,
      soapHeaders: verdict.headers,
      httpHeaders: req.headers,
    });
    if ('result' in answer)
      return {
        status: 200,
        type: contentType(version),
        text: envelope(version, resultXml(this.wsdl, op, answer.result)),
      };
    return raw(answer, version);
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function raw(answer: StrictAnswer, version: '1.1' | '1.2'): { status: number; type: string; text: string } {
  if ('xml' in answer)
    return { status: answer.status ?? 200, type: answer.type ?? contentType(version), text: answer.xml };
  if ('fault' in answer) return fault(version, answer.fault.code ?? 'Client', answer.fault.string, answer.fault.detail);
  throw new Error('a result needs the operation it answers');
}

function contentType(version: '1.1' | '1.2'): string {
  return version === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8';
}

function envelope(version: '1.1' | '1.2', body: string): string {
  const ns = version === '1.2' ? SOAP12_ENV : SOAP11_ENV;
  return (
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ns}">` +
    `<soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

function fault(version: '1.1' | '1.2', code: 'Client' | 'Server', text: string, detail?: string) {
  const body =
    version === '1.2'
      ? `<soap:Fault><soap:Code>` +
        `<soap:Value>soap:${code === 'Client' ? 'Sender' : 'Receiver'}</soap:Value></soap:Code>` +
        `<soap:Reason><soap:Text xml:lang="en">${esc(text)}</soap:Text>` +
        `</soap:Reason>${detail ? `<soap:Detail>${detail}</soap:Detail>` : ''}</soap:Fault>`
      : `<soap:Fault><faultcode>soap:${code}</faultcode><faultstring>${esc(text)}` +
        `</faultstring>${detail ? `<detail>${detail}</detail>` : ''}</soap:Fault>`;
  return { status: 500, type: contentType(version), text: envelope(version, body) };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An element as a plain object (repeated children become arrays; attributes under `attributes`). */
function plain(node: XNode): unknown {
  if (node.children.length === 0 && node.attrs.length === 0) return node.text;
  const out: Record<string, unknown> = {};
  if (node.attrs.length > 0) out.attributes = Object.fromEntries(node.attrs.map((a) => [a.local, a.value]));
  for (const c of node.children) {
    const v = plain(c);
    const prev = out[c.local];
    out[c.local] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  if (node.children.length === 0 && node.text.trim()) out.$value = node.text;
  return out;
}

/** The output element holding `result`, children in the schema's order and namespaces. */
function resultXml(wsdl: WsdlModel, op: StrictOperation, result: Record<string, unknown>): string {
  const part = op.output[0];
  const decl = part?.element ? wsdl.schema.elements.get(part.element) : undefined;
  if (op.style === 'rpc' || !decl) {
    const name = `${op.name}Response`;
    const kids = Object.entries(result)
      .map(([k, v]) => `<${k}>${esc(String(v))}</${k}>`)
      .join('');
    return `<ns:${name} xmlns:ns="${esc(op.rpcNamespace)}">${kids}</ns:${name}>`;
  }
  return write(wsdl.schema, decl, result, '', 0);
}

function write(model: XsdModel, decl: ElementDecl, value: unknown, parentNs: string, depth: number): string {
  const xmlns = decl.ns !== parentNs ? ` xmlns="${esc(decl.ns)}"` : '';
  if (value === null || value === undefined) return `<${decl.name}${xmlns}/>`;
  if (typeof value !== 'object') return `<${decl.name}${xmlns}>${esc(String(value))}</${decl.name}>`;
  const obj = value as Record<string, unknown>;
  const attrs =
    obj.attributes && typeof obj.attributes === 'object'
      ? Object.entries(obj.attributes)
          .map(([k, v]) => ` ${k}="${esc(String(v))}"`)
          .join('')
      : '';
  if ('$value' in obj) return `<${decl.name}${xmlns}${attrs}>${esc(String(obj.$value))}</${decl.name}>`;
  const children = depth < 50 ? elementsOf(model, decl.type, 0) : [];
  const unknown = Object.keys(obj).filter((k) => k !== 'attributes' && !children.some((c) => c.name === k));
  if (unknown.length > 0)
    throw new Error(`the result has ${unknown.join(', ')}, which ${decl.name}'s type does not declare`);
  let inner = '';
  for (const c of children) {
    const v = obj[c.name];
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) inner += write(model, c, item, decl.ns, depth + 1);
  }
  return `<${decl.name}${xmlns}${attrs}>${inner}</${decl.name}>`;
}

/** The element declarations of a type's content, in order (base type first). */
function elementsOf(model: XsdModel, type: string | TypeDef | undefined, depth: number): ElementDecl[] {
  const def = typeof type === 'string' ? (type.startsWith(`{${XS}}`) ? undefined : model.types.get(type)) : type;
  if (!def || def.kind !== 'complex' || depth > 20) return [];
  const base = def.base && def.derivation === 'extension' ? elementsOf(model, def.base, depth + 1) : [];
  const out: ElementDecl[] = [...base];
  const walk = (p: Particle | undefined) => {
    if (!p) return;
    if (p.kind === 'element') out.push(p.decl);
    else if (p.kind === 'elementRef') {
      const d = model.elements.get(p.key);
      if (d) out.push(d);
    } else if (p.kind === 'groupRef') walk(model.groups.get(p.key));
    else if (p.kind !== 'any') p.items.forEach(walk);
  };
  walk(def.particle);
  return out;
}
