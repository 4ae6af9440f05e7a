import { XMLParser } from 'fast-xml-parser';

/** What node-soap's parsed model drops but the engine needs: port SOAP versions, operation docs. */
export interface WsdlMeta {
  /** Keyed by `service/port`. */
  portVersions: Map<string, '1.1' | '1.2'>;
  /** Operation name → its wsdl:documentation text (portType first, then binding). */
  documentation: Map<string, string>;
}

const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const SOAP11_NS = 'http://schemas.xmlsoap.org/wsdl/soap/';
const SOAP12_NS = 'http://schemas.xmlsoap.org/wsdl/soap12/';
const MAX_DOC_CHARS = 1000;

type XNode = Record<string, unknown>;
type Scope = Record<string, string>;
interface Child {
  local: string;
  ns: string;
  node: XNode;
  scope: Scope;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/** Reads port versions and documentation from the WSDL documents; unreadable documents are skipped. */
export function readWsdlMeta(documents: Iterable<string>): WsdlMeta {
  const meta: WsdlMeta = { portVersions: new Map(), documentation: new Map() };
  for (const xml of documents) {
    try {
      for (const root of children(parser.parse(xml) as XNode, {})) {
        if (root.local === 'definitions' && root.ns === WSDL_NS) readDefinitions(root, meta);
      }
    } catch {
      // Meta is a nicety for the editor; node-soap's parse decides whether the WSDL is usable.
    }
  }
  return meta;
}

function readDefinitions(defs: Child, meta: WsdlMeta): void {
  const bindingVersions = new Map<string, '1.1' | '1.2'>();
  const bindingDocs = new Map<string, string>();
  for (const el of children(defs.node, defs.scope)) {
    if (el.ns !== WSDL_NS) continue;
    if (el.local === 'portType') {
      for (const op of wsdlChildren(el, 'operation')) setDoc(meta.documentation, attr(op, 'name'), op);
    } else if (el.local === 'binding') {
      for (const c of children(el.node, el.scope)) {
        const version = soapVersionOf(c.ns);
        if (c.local === 'binding' && version) bindingVersions.set(attr(el, 'name') ?? '', version);
        if (c.local === 'operation' && c.ns === WSDL_NS) setDoc(bindingDocs, attr(c, 'name'), c);
      }
    }
  }
  for (const [name, doc] of bindingDocs) if (!meta.documentation.has(name)) meta.documentation.set(name, doc);
  for (const service of wsdlChildren(defs, 'service')) {
    for (const port of wsdlChildren(service, 'port')) {
      let version: '1.1' | '1.2' | undefined;
      for (const c of children(port.node, port.scope)) if (c.local === 'address') version ??= soapVersionOf(c.ns);
      version ??= bindingVersions.get(localName(attr(port, 'binding') ?? ''));
      if (version) meta.portVersions.set(`${attr(service, 'name')}/${attr(port, 'name')}`, version);
    }
  }
}

function soapVersionOf(ns: string): '1.1' | '1.2' | undefined {
  return ns === SOAP11_NS ? '1.1' : ns === SOAP12_NS ? '1.2' : undefined;
}

function setDoc(map: Map<string, string>, name: string | undefined, op: Child): void {
  if (!name || map.has(name)) return;
  for (const d of wsdlChildren(op, 'documentation')) {
    const text = textOf(d.node).replace(/\s+/g, ' ').trim();
    if (text) {
      map.set(name, text.slice(0, MAX_DOC_CHARS));
      return;
    }
  }
}

function textOf(node: XNode): string {
  let out = typeof node['#text'] === 'string' ? node['#text'] : '';
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key === '#text' || !Array.isArray(value)) continue;
    for (const v of value) out += ' ' + (v && typeof v === 'object' ? textOf(v as XNode) : String(v));
  }
  return out;
}

function wsdlChildren(parent: Child, local: string): Child[] {
  return [...children(parent.node, parent.scope)].filter((c) => c.local === local && c.ns === WSDL_NS);
}

function attr(el: Child, name: string): string | undefined {
  const v = el.node[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
}

function localName(qname: string): string {
  return qname.slice(qname.indexOf(':') + 1);
}

/** Element children with their namespace URI resolved from the xmlns declarations in scope. */
function* children(node: XNode, scope: Scope): Generator<Child> {
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key.startsWith('#') || key.startsWith('?') || !Array.isArray(value)) continue;
    const colon = key.indexOf(':');
    const prefix = colon < 0 ? '' : key.slice(0, colon);
    const local = colon < 0 ? key : key.slice(colon + 1);
    for (const item of value) {
      const child: XNode = item && typeof item === 'object' ? (item as XNode) : { '#text': item };
      const childScope = declarations(scope, child);
      yield { local, ns: childScope[prefix] ?? '', node: child, scope: childScope };
    }
  }
}

function declarations(scope: Scope, node: XNode): Scope {
  let next = scope;
  for (const [key, value] of Object.entries(node)) {
    if (!key.startsWith('@_xmlns') || typeof value !== 'string') continue;
    const name = key.slice('@_xmlns'.length);
    if (name !== '' && !name.startsWith(':')) continue;
    if (next === scope) next = { ...scope };
    next[name.slice(1)] = value;
  }
  return next;
}
