import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An element with its namespace resolved, its attributes, element children in order and its text. */
export interface XNode {
  ns: string;
  local: string;
  /** The prefix as written (for messages). */
  qname: string;
  attrs: XAttr[];
  children: XNode[];
  /** Concatenated character data (text and CDATA) directly inside the element. */
  text: string;
  /** Namespace declarations in scope: prefix ('' = default) → URI. */
  scope: Record<string, string>;
  /** 1-based position among the parent's element children, for messages. */
  path: string;
}

export interface XAttr {
  ns: string;
  local: string;
  qname: string;
  value: string;
}

export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Thrown for a document that is not well-formed namespace-aware XML. */
export class XmlSyntaxError extends Error {}

/**
 * Parses a document into its root element (a real XML parser: fast-xml-parser, with its
 * well-formedness check; DTDs are refused as a SOAP receiver must).
 */
export function parseXml(xml: string): XNode {
  if (/<!DOCTYPE/i.test(xml)) throw new XmlSyntaxError('a DTD (<!DOCTYPE) is not allowed');
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new XmlSyntaxError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  const items = parser.parse(xml) as RawItem[];
  const roots = items.filter((i) => elementName(i) !== undefined);
  if (roots.length !== 1) throw new XmlSyntaxError(`a document has exactly one root element, found ${roots.length}`);
  return toNode(roots[0]!, { xml: XML_NS }, '/');
}

type RawItem = Record<string, unknown>;

function elementName(item: RawItem): string | undefined {
  for (const key of Object.keys(item)) if (key !== ':@' && !key.startsWith('#')) return key;
  return undefined;
}

function toNode(item: RawItem, parentScope: Record<string, string>, path: string): XNode {
  const qname = elementName(item)!;
  const rawAttrs = (item[':@'] ?? {}) as Record<string, string>;
  let scope = parentScope;
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (scope === parentScope) scope = { ...parentScope };
      scope[name === 'xmlns' ? '' : name.slice(6)] = value;
    }
  }
  const [prefix, local] = split(qname);
  const ns = scope[prefix];
  if (prefix && ns === undefined) throw new XmlSyntaxError(`${path}: prefix "${prefix}" of <${qname}> is not declared`);
  const attrs: XAttr[] = [];
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const [p, l] = split(name);
    if (p && scope[p] === undefined)
      throw new XmlSyntaxError(`${path}: prefix "${p}" of attribute ${name} is not declared`);
    // Unprefixed attributes are in no namespace (the default namespace does not apply to them).
    attrs.push({ ns: p ? scope[p]! : '', local: l, qname: name, value });
  }
  const node: XNode = { ns: ns ?? '', local, qname, attrs, children: [], text: '', scope, path };
  for (const child of (item[qname] ?? []) as RawItem[]) {
    if ('#text' in child) node.text += String(child['#text']);
    else if ('#cdata' in child) for (const c of child['#cdata'] as RawItem[]) node.text += String(c['#text'] ?? '');
    else if (elementName(child) !== undefined) {
      const name = elementName(child)!;
      node.children.push(toNode(child, scope, `${path === '/' ? '' : path}/${name}[${node.children.length + 1}]`));
    }
  }
  return node;
}

function split(qname: string): [string, string] {
  const colon = qname.indexOf(':');
  return colon < 0 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

/** Resolves a QName written in `node`'s scope (an attribute value such as xsi:type) to [ns, local]. */
export function resolveQName(node: XNode, qname: string): [string, string] | null {
  const [prefix, local] = split(qname.trim());
  const ns = node.scope[prefix];
  if (ns === undefined) return prefix ? null : ['', local];
  return [ns, local];
}

/** The attribute in namespace `ns` named `local`, if present. */
export function attr(node: XNode, local: string, ns = ''): string | undefined {
  for (const a of node.attrs) if (a.local === local && a.ns === ns) return a.value;
  return undefined;
}

/** `{ns}local` for messages. */
export function clark(ns: string, local: string): string {
  return ns ? `{${ns}}${local}` : local;
}
