import { attr, clark, parseXml, type XNode } from './xml-tree';

/**
 * The XML Schema components a strict SOAP server checks envelopes against, read from the WSDL's
 * `types` and the schemas they import or include. Written for this test server over its own XML
 * tree, independently of node-soap's model (which the engine uses), so the two cannot share a bug.
 */

export const XS = 'http://www.w3.org/2001/XMLSchema';

export interface Occurs {
  min: number;
  /** Infinity for unbounded. */
  max: number;
}

export interface ElementDecl {
  name: string;
  /** '' when unqualified. */
  ns: string;
  /** A named type (clark key) or an inline one; undefined: xs:anyType. */
  type?: string | TypeDef;
  nillable: boolean;
}

export type Particle =
  | ({ kind: 'element'; decl: ElementDecl } & Occurs)
  | ({ kind: 'elementRef'; key: string } & Occurs)
  | ({ kind: 'sequence' | 'choice' | 'all'; items: Particle[] } & Occurs)
  | ({ kind: 'groupRef'; key: string } & Occurs)
  | ({ kind: 'any' } & Occurs);

export interface AttrUse {
  name: string;
  ns: string;
  type?: string | SimpleType;
  required: boolean;
}

export interface ComplexType {
  kind: 'complex';
  particle?: Particle;
  attrs: AttrUse[];
  /** Attribute group and attribute refs (clark keys), resolved when validating. */
  attrGroups: string[];
  attrRefs: { key: string; required: boolean }[];
  anyAttribute: boolean;
  /** Derivation from a named type (complexContent or simpleContent). */
  base?: string;
  derivation?: 'extension' | 'restriction';
  simpleContent: boolean;
  mixed: boolean;
}

export interface SimpleType {
  kind: 'simple';
  /** The base type (clark key) of a restriction. */
  base?: string | SimpleType;
  enumeration?: string[];
  patterns?: string[];
  length?: number;
  minLength?: number;
  maxLength?: number;
  /** A list type's item type. */
  list?: string | SimpleType;
  /** A union: any member accepted. */
  union?: boolean;
}

export type TypeDef = ComplexType | SimpleType;

/** All components of all schemas of one WSDL, by clark key `{ns}local`. */
export interface XsdModel {
  elements: Map<string, ElementDecl>;
  types: Map<string, TypeDef>;
  groups: Map<string, Particle>;
  attributeGroups: Map<string, ComplexType>;
  attributes: Map<string, AttrUse>;
}

/** Reads documents the schemas import (by absolute URL); undefined when there is no such document. */
export type DocumentReader = (url: string) => string | undefined;

export function emptyModel(): XsdModel {
  return {
    elements: new Map(),
    types: new Map(),
    groups: new Map(),
    attributeGroups: new Map(),
    attributes: new Map(),
  };
}

/** Adds an `xs:schema` element (and what it imports or includes, read through `read`) to the model. */
export function addSchema(
  model: XsdModel,
  schema: XNode,
  baseUrl: string,
  read: DocumentReader,
  seen: Set<string>,
  chameleonNs?: string,
): void {
  const tns = attr(schema, 'targetNamespace') ?? chameleonNs ?? '';
  const ctx: Ctx = {
    tns,
    qualified: attr(schema, 'elementFormDefault') === 'qualified',
    attrQualified: attr(schema, 'attributeFormDefault') === 'qualified',
  };
  for (const c of schema.children) {
    if (c.ns !== XS) continue;
    if (c.local === 'import' || c.local === 'include') {
      const location = attr(c, 'schemaLocation');
      if (!location) continue; // the namespace comes from another schema of the same WSDL
      const url = new URL(location, baseUrl).href;
      if (seen.has(url)) continue;
      seen.add(url);
      const text = read(url);
      if (text === undefined) throw new Error(`schema ${location} (from ${baseUrl}) not found`);
      addSchema(model, parseXml(text), url, read, seen, c.local === 'include' ? tns : undefined);
    } else if (c.local === 'element') {
      const decl = elementDecl(c, ctx, true);
      model.elements.set(clark(tns, decl.name), decl);
    } else if (c.local === 'complexType') {
      model.types.set(clark(tns, attr(c, 'name') ?? ''), complexType(c, ctx));
    } else if (c.local === 'simpleType') {
      model.types.set(clark(tns, attr(c, 'name') ?? ''), simpleType(c));
    } else if (c.local === 'group') {
      const inner = c.children.find((g) => g.ns === XS && ['sequence', 'choice', 'all'].includes(g.local));
      if (inner) model.groups.set(clark(tns, attr(c, 'name') ?? ''), particle(inner, ctx)!);
    } else if (c.local === 'attributeGroup') {
      const group: ComplexType = { ...emptyComplex() };
      attributesInto(group, c, ctx);
      model.attributeGroups.set(clark(tns, attr(c, 'name') ?? ''), group);
    } else if (c.local === 'attribute') {
      const name = attr(c, 'name') ?? '';
      model.attributes.set(clark(tns, name), attrUse(c, { ...ctx, attrQualified: true }));
    }
  }
}

interface Ctx {
  tns: string;
  qualified: boolean;
  attrQualified: boolean;
}

function occurs(node: XNode): Occurs {
  const min = attr(node, 'minOccurs');
  const max = attr(node, 'maxOccurs');
  return {
    min: min === undefined ? 1 : Number(min),
    max: max === undefined ? 1 : max === 'unbounded' ? Infinity : Number(max),
  };
}

/** A QName attribute value resolved in the node's scope, as a clark key (unprefixed: the default namespace). */
export function qnameKey(node: XNode, value: string): string {
  const colon = value.indexOf(':');
  const prefix = colon < 0 ? '' : value.slice(0, colon);
  const ns = node.scope[prefix];
  if (ns === undefined && prefix) throw new Error(`${node.path}: prefix "${prefix}" of ${value} is not declared`);
  return clark(ns ?? '', value.slice(colon + 1));
}

function elementDecl(node: XNode, ctx: Ctx, global: boolean): ElementDecl {
  const form = attr(node, 'form');
  const qualified = global || (form ? form === 'qualified' : ctx.qualified);
  const decl: ElementDecl = {
    name: attr(node, 'name') ?? '',
    ns: qualified ? ctx.tns : '',
    nillable: attr(node, 'nillable') === 'true',
  };
  const type = attr(node, 'type');
  if (type) decl.type = qnameKey(node, type);
  else {
    const inline = node.children.find((c) => c.ns === XS && (c.local === 'complexType' || c.local === 'simpleType'));
    if (inline) decl.type = inline.local === 'complexType' ? complexType(inline, ctx) : simpleType(inline);
  }
  return decl;
}

function emptyComplex(): ComplexType {
  return {
    kind: 'complex',
    attrs: [],
    attrGroups: [],
    attrRefs: [],
    anyAttribute: false,
    simpleContent: false,
    mixed: false,
  };
}

function complexType(node: XNode, ctx: Ctx): ComplexType {
  const t = emptyComplex();
  t.mixed = attr(node, 'mixed') === 'true';
  for (const c of node.children) {
    if (c.ns !== XS) continue;
    if (c.local === 'complexContent' || c.local === 'simpleContent') {
      t.simpleContent = c.local === 'simpleContent';
      if (attr(c, 'mixed') === 'true') t.mixed = true;
      const d = c.children.find((x) => x.ns === XS && (x.local === 'extension' || x.local === 'restriction'));
      if (!d) continue;
      t.derivation = d.local as 'extension' | 'restriction';
      const base = attr(d, 'base');
      if (base) t.base = qnameKey(d, base);
      contentInto(t, d, ctx);
    } else {
      contentInto(t, node, ctx, c);
    }
  }
  return t;
}

/** The particle and attributes directly inside `node` (or only `one` of its children). */
function contentInto(t: ComplexType, node: XNode, ctx: Ctx, one?: XNode): void {
  for (const c of one ? [one] : node.children) {
    if (c.ns !== XS) continue;
    if (['sequence', 'choice', 'all', 'group'].includes(c.local)) t.particle = particle(c, ctx);
  }
  if (one) attributeInto(t, one, ctx);
  else attributesInto(t, node, ctx);
}

function attributesInto(t: ComplexType, node: XNode, ctx: Ctx): void {
  for (const c of node.children) attributeInto(t, c, ctx);
}

function attributeInto(t: ComplexType, c: XNode, ctx: Ctx): void {
  if (c.ns !== XS) return;
  if (c.local === 'attribute') {
    const ref = attr(c, 'ref');
    if (ref) t.attrRefs.push({ key: qnameKey(c, ref), required: attr(c, 'use') === 'required' });
    else if (attr(c, 'use') !== 'prohibited') t.attrs.push(attrUse(c, ctx));
  } else if (c.local === 'attributeGroup' && attr(c, 'ref')) {
    t.attrGroups.push(qnameKey(c, attr(c, 'ref')!));
  } else if (c.local === 'anyAttribute') {
    t.anyAttribute = true;
  }
}

function attrUse(node: XNode, ctx: Ctx): AttrUse {
  const form = attr(node, 'form');
  const qualified = form ? form === 'qualified' : ctx.attrQualified;
  const use: AttrUse = {
    name: attr(node, 'name') ?? '',
    ns: qualified ? ctx.tns : '',
    required: attr(node, 'use') === 'required',
  };
  const type = attr(node, 'type');
  if (type) use.type = qnameKey(node, type);
  else {
    const inline = node.children.find((c) => c.ns === XS && c.local === 'simpleType');
    if (inline) use.type = simpleType(inline);
  }
  return use;
}

function particle(node: XNode, ctx: Ctx): Particle | undefined {
  const o = occurs(node);
  switch (node.local) {
    case 'element': {
      const ref = attr(node, 'ref');
      return ref
        ? { kind: 'elementRef', key: qnameKey(node, ref), ...o }
        : { kind: 'element', decl: elementDecl(node, ctx, false), ...o };
    }
    case 'group': {
      const ref = attr(node, 'ref');
      return ref ? { kind: 'groupRef', key: qnameKey(node, ref), ...o } : undefined;
    }
    case 'any':
      return { kind: 'any', ...o };
    case 'sequence':
    case 'choice':
    case 'all': {
      const items: Particle[] = [];
      for (const c of node.children) {
        if (c.ns !== XS) continue;
        const p = particle(c, ctx);
        if (p) items.push(p);
      }
      return { kind: node.local, items, ...o };
    }
    default:
      return undefined;
  }
}

function simpleType(node: XNode): SimpleType {
  const t: SimpleType = { kind: 'simple' };
  for (const c of node.children) {
    if (c.ns !== XS) continue;
    if (c.local === 'restriction') {
      const base = attr(c, 'base');
      if (base) t.base = qnameKey(c, base);
      else {
        const inline = c.children.find((x) => x.ns === XS && x.local === 'simpleType');
        if (inline) t.base = simpleType(inline);
      }
      for (const f of c.children) {
        if (f.ns !== XS) continue;
        const value = attr(f, 'value') ?? '';
        if (f.local === 'enumeration') (t.enumeration ??= []).push(value);
        else if (f.local === 'pattern') (t.patterns ??= []).push(value);
        else if (f.local === 'length') t.length = Number(value);
        else if (f.local === 'minLength') t.minLength = Number(value);
        else if (f.local === 'maxLength') t.maxLength = Number(value);
      }
    } else if (c.local === 'list') {
      const item = attr(c, 'itemType');
      const inline = c.children.find((x) => x.ns === XS && x.local === 'simpleType');
      t.list = item ? qnameKey(c, item) : inline ? simpleType(inline) : clark(XS, 'string');
    } else if (c.local === 'union') {
      t.union = true;
    }
  }
  return t;
}
