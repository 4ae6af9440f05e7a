import type { IncomingHttpHeaders } from 'node:http';
import { clark, parseXml, XmlSyntaxError, type XNode } from './xml-tree';
import type { StrictOperation, WsdlModel } from './wsdl-model';
import { validateElement } from './xsd-validate';
import type { ElementDecl, Particle } from './xsd-model';

export const SOAP11_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_ENV = 'http://www.w3.org/2003/05/soap-envelope';

/** What the strict server made of one POST. */
export interface EnvelopeVerdict {
  /** The operation the request is for (by SOAPAction, else by the body element), when found. */
  operation?: StrictOperation;
  /** The body's element (the document/literal part, or the RPC wrapper). */
  body?: XNode;
  /** The SOAP header entries. */
  headers: XNode[];
  /** Everything wrong, empty when the envelope is valid. */
  problems: string[];
  /**
   * 'schema': the body was validated against the schema; 'wrapper': RPC/encoded, only its wrapper element was checked.
   */
  checked?: 'schema' | 'wrapper';
}

/**
 * Checks a SOAP request the way a strict service does: HTTP content type and SOAPAction for the
 * binding's SOAP version, the Envelope/Header/Body structure, the body element for the operation,
 * and the body against the WSDL's schema (see xsd-validate.ts).
 */
export function checkEnvelope(
  wsdl: WsdlModel,
  path: string,
  headers: IncomingHttpHeaders,
  text: string,
): EnvelopeVerdict {
  const verdict: EnvelopeVerdict = { headers: [], problems: [] };
  const problems = verdict.problems;
  let root: XNode;
  try {
    root = parseXml(text);
  } catch (err) {
    problems.push(err instanceof XmlSyntaxError ? err.message : `unreadable XML: ${String(err)}`);
    return verdict;
  }
  const version = root.ns === SOAP12_ENV ? '1.2' : root.ns === SOAP11_ENV ? '1.1' : undefined;
  if (root.local !== 'Envelope' || !version) {
    problems.push(`the root element must be a SOAP Envelope, got ${clark(root.ns, root.local)}`);
    return verdict;
  }
  const env = root.ns;
  const kids = root.children;
  let at = 0;
  if (kids[at]?.local === 'Header' && kids[at]!.ns === env) verdict.headers = kids[at++]!.children;
  const bodyEl = kids[at];
  if (!bodyEl || bodyEl.local !== 'Body' || bodyEl.ns !== env) {
    problems.push(
      `expected ${clark(env, 'Body')} after the optional Header, ` +
        `got ${bodyEl ? clark(bodyEl.ns, bodyEl.local) : 'nothing'}`,
    );
    return verdict;
  }
  if (kids.length > at + 1)
    problems.push(`nothing may follow the Body, found ${clark(kids[at + 1]!.ns, kids[at + 1]!.local)}`);
  if (bodyEl.text.trim()) problems.push('the Body contains text outside its element');
  if (bodyEl.children.length > 1) problems.push(`the Body must hold one element, found ${bodyEl.children.length}`);
  const body = bodyEl.children[0];
  verdict.body = body;

  const candidates = wsdl.operations.filter((o) => o.version === version);
  if (candidates.length === 0) problems.push(`this service has no SOAP ${version} binding`);
  const byPath = candidates.filter((o) => o.address !== undefined && safePath(o.address) === path);
  const pool = byPath.length > 0 ? byPath : candidates;
  const action = actionOf(version, headers);
  const byBody = body
    ? pool.filter((o) => bodyKey(o) === clark(body.ns, body.local))
    : pool.filter((o) => o.input.length === 0);
  const op =
    (action !== undefined &&
      (byBody.find((o) => o.soapAction === action) ??
        pool.find((o) => o.soapAction === action && o.soapAction !== ''))) ||
    byBody[0];
  if (!op) {
    problems.push(
      `no operation takes ${body ? clark(body.ns, body.local) : 'an empty Body'}` +
        `${action ? ` with SOAPAction "${action}"` : ''}`,
    );
    return verdict;
  }
  verdict.operation = op;
  checkHttp(op, headers, problems);
  if (body && bodyKey(op) !== clark(body.ns, body.local))
    problems.push(`operation ${op.name} takes ${bodyKey(op)}, got ${clark(body.ns, body.local)}`);
  if (!body) {
    if (op.input.length > 0) problems.push(`operation ${op.name} needs a body element`);
    return verdict;
  }
  if (problems.length > 0) return verdict;
  if (op.style === 'document') {
    const decl = op.input[0]?.element ? wsdl.schema.elements.get(op.input[0].element) : undefined;
    if (!decl) problems.push(`the schema does not declare ${op.input[0]?.element ?? 'the input element'}`);
    else validateElement(wsdl.schema, body, decl, problems);
    verdict.checked = 'schema';
  } else if (op.use === 'literal') {
    // RPC/literal: a wrapper named after the operation, one unqualified child per part, in order.
    const items: Particle[] = op.input.map((p) => ({
      kind: 'element',
      decl: { name: p.name, ns: '', type: p.type, nillable: true },
      min: 1,
      max: 1,
    }));
    const wrapper: ElementDecl = {
      name: op.name,
      ns: op.rpcNamespace,
      nillable: false,
      type: {
        kind: 'complex',
        particle: { kind: 'sequence', items, min: 1, max: 1 },
        attrs: [],
        attrGroups: [],
        attrRefs: [],
        anyAttribute: true,
        simpleContent: false,
        mixed: false,
      },
    };
    validateElement(wsdl.schema, body, wrapper, problems);
    verdict.checked = 'schema';
  } else {
    verdict.checked = 'wrapper';
  }
  return verdict;
}

function bodyKey(op: StrictOperation): string {
  return op.style === 'rpc' ? clark(op.rpcNamespace, op.name) : (op.input[0]?.element ?? '');
}

/** The SOAPAction (1.1, quotes required) or the content type's action parameter (1.2). */
function actionOf(version: '1.1' | '1.2', headers: IncomingHttpHeaders): string | undefined {
  if (version === '1.1') {
    const raw = headers.soapaction;
    if (typeof raw !== 'string') return undefined;
    return /^".*"$/.test(raw) ? raw.slice(1, -1) : raw;
  }
  return /;\s*action="([^"]*)"/i.exec(String(headers['content-type'] ?? ''))?.[1];
}

function checkHttp(op: StrictOperation, headers: IncomingHttpHeaders, problems: string[]): void {
  const type = String(headers['content-type'] ?? '');
  if (op.version === '1.1') {
    if (!/^text\/xml;\s*charset=utf-8$/i.test(type))
      problems.push(`SOAP 1.1 needs Content-Type text/xml; charset=utf-8, got "${type}"`);
    const raw = headers.soapaction;
    const expected = `"${op.soapAction}"`;
    if (raw !== expected)
      problems.push(`SOAPAction must be ${expected}, got ${raw === undefined ? 'none' : `"${String(raw)}"`}`);
  } else {
    const m = /^application\/soap\+xml;\s*charset=utf-8(;\s*action="([^"]*)")?$/i.exec(type);
    if (!m)
      problems.push(`SOAP 1.2 needs Content-Type application/soap+xml; charset=utf-8[; action="..."], got "${type}"`);
    else if (m[2] !== undefined && m[2] !== op.soapAction)
      problems.push(`the action parameter must be "${op.soapAction}", got "${m[2]}"`);
    if (headers.soapaction !== undefined)
      problems.push('SOAP 1.2 carries the action in the content type, not in a SOAPAction header');
  }
}

function safePath(address: string): string | undefined {
  try {
    return new URL(address).pathname;
  } catch {
    return undefined;
  }
}
