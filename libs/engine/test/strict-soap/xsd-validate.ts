import { attr, clark, resolveQName, XSI_NS, type XNode } from './xml-tree';
import {
  XS,
  type AttrUse,
  type ComplexType,
  type ElementDecl,
  type Particle,
  type SimpleType,
  type TypeDef,
  type XsdModel,
} from './xsd-model';

/**
 * Checks an element against its declaration the way a schema-validating SOAP stack does: element
 * names and namespaces, the order of `xs:sequence`, occurrences (minOccurs/maxOccurs), choices,
 * `xs:all`, extension of a base type, attributes (declared, required, typed), `xsi:nil` and
 * `xsi:type`, and the lexical space of the built-in simple types and of restrictions
 * (enumeration, length, pattern). Problems are collected as libxml2-like messages.
 */
export function validateElement(model: XsdModel, node: XNode, decl: ElementDecl, problems: string[]): void {
  new Validator(model, problems).element(node, decl, 0);
}

interface Effective {
  particle?: Particle;
  attrs: AttrUse[];
  anyAttribute: boolean;
  /** simpleContent: the type of the text. */
  text?: string | SimpleType;
  mixed: boolean;
}

type Assign = [child: number, decl: ElementDecl | null];
type Results = Map<number, Assign[]>;

const MAX_DEPTH = 100;

class Validator {
  /** Element names tried at each child index of the content being matched (for "expected" lists). */
  private tried = new Map<number, Set<string>>();

  constructor(
    private readonly model: XsdModel,
    private readonly problems: string[],
  ) {}

  private fail(node: XNode, message: string): void {
    if (this.problems.length < 50) this.problems.push(`${node.path} ${clark(node.ns, node.local)}: ${message}`);
  }

  element(node: XNode, decl: ElementDecl, depth: number): void {
    if (depth > MAX_DEPTH) return this.fail(node, 'nested too deeply');
    let type: string | TypeDef | undefined = decl.type;
    const xsiType = attr(node, 'type', XSI_NS);
    if (xsiType !== undefined) {
      const q = resolveQName(node, xsiType);
      const key = q ? clark(q[0], q[1]) : undefined;
      if (!key || (!this.model.types.has(key) && !key.startsWith(`{${XS}}`)))
        return this.fail(node, `xsi:type ${xsiType} is not a known type`);
      type = key;
    }
    const nil = attr(node, 'nil', XSI_NS);
    if (nil === 'true' || nil === '1') {
      if (!decl.nillable) return this.fail(node, 'xsi:nil is not allowed: the element is not nillable');
      if (node.children.length > 0 || node.text.trim() !== '') this.fail(node, 'a nil element must be empty');
      return;
    }
    const def = typeof type === 'string' ? this.typeByKey(type, node) : type;
    if (def === null) return; // reported
    if (def === undefined) return; // xs:anyType: anything goes
    if (def.kind === 'simple') {
      this.noAttributes(node);
      if (node.children.length > 0) return this.fail(node, 'element content is not allowed: the type is simple');
      this.simpleValue(node, node.text, def);
      return;
    }
    const eff = this.effective(def, node, 0);
    if (!eff) return;
    this.attributes(node, eff);
    if (eff.text !== undefined) {
      if (node.children.length > 0)
        return this.fail(node, 'element content is not allowed: the type has simple content');
      this.simpleValue(node, node.text, typeof eff.text === 'string' ? this.simpleByKey(eff.text, node) : eff.text);
      return;
    }
    if (!eff.mixed && node.text.trim() !== '')
      this.fail(node, `character content is not allowed: "${node.text.trim().slice(0, 40)}"`);
    this.content(node, eff.particle, depth);
  }

  /** undefined: xs:anyType; null: unknown (reported). */
  private typeByKey(key: string, node: XNode): TypeDef | undefined | null {
    if (key === `{${XS}}anyType`) return undefined;
    if (key.startsWith(`{${XS}}`)) return { kind: 'simple', base: key };
    const t = this.model.types.get(key);
    if (!t) {
      this.fail(node, `type ${key} is not defined in the schema`);
      return null;
    }
    return t;
  }

  private simpleByKey(key: string, node: XNode): SimpleType {
    if (key.startsWith(`{${XS}}`)) return { kind: 'simple', base: key };
    const t = this.model.types.get(key);
    if (t?.kind === 'simple') return t;
    if (t?.kind === 'complex' && t.simpleContent)
      return (this.effective(t, node, 0)?.text as SimpleType) ?? { kind: 'simple' };
    return { kind: 'simple' };
  }

  /** A complex type with its base types folded in. */
  private effective(t: ComplexType, node: XNode, depth: number): Effective | null {
    const own: AttrUse[] = [...t.attrs];
    let anyAttribute = t.anyAttribute;
    for (const ref of t.attrRefs) {
      const a = this.model.attributes.get(ref.key);
      if (a) own.push({ ...a, required: ref.required });
    }
    for (const key of t.attrGroups) {
      const g = this.model.attributeGroups.get(key);
      const ge = g && this.effective(g, node, depth + 1);
      if (ge) {
        own.push(...ge.attrs);
        anyAttribute ||= ge.anyAttribute;
      }
    }
    const eff: Effective = { particle: t.particle, attrs: own, anyAttribute, mixed: t.mixed };
    if (!t.base) return eff;
    if (depth > MAX_DEPTH) return eff;
    const base = this.typeByKey(t.base, node);
    if (base === null) return null;
    if (t.simpleContent) {
      if (!base || base.kind === 'simple') eff.text = base ?? { kind: 'simple' };
      else {
        const be = this.effective(base, node, depth + 1);
        eff.text = be?.text ?? { kind: 'simple' };
        eff.attrs = [...(be?.attrs ?? []), ...own];
      }
      return eff;
    }
    if (!base || base.kind === 'simple') return eff;
    const be = this.effective(base, node, depth + 1);
    if (!be) return null;
    eff.attrs = [...be.attrs, ...own.filter((a) => !be.attrs.some((b) => b.name === a.name && b.ns === a.ns))];
    eff.anyAttribute ||= be.anyAttribute;
    if (t.derivation === 'extension') {
      const parts = [be.particle, t.particle].filter((p): p is Particle => p !== undefined);
      eff.particle = parts.length === 2 ? { kind: 'sequence', items: parts, min: 1, max: 1 } : parts[0];
      eff.mixed ||= be.mixed;
    }
    return eff;
  }

  private noAttributes(node: XNode): void {
    for (const a of node.attrs) if (a.ns !== XSI_NS) this.fail(node, `attribute ${a.qname} is not allowed`);
  }

  private attributes(node: XNode, eff: Effective): void {
    for (const a of node.attrs) {
      if (a.ns === XSI_NS) continue;
      const use = eff.attrs.find((u) => u.name === a.local && u.ns === a.ns);
      if (!use) {
        if (!eff.anyAttribute) this.fail(node, `attribute ${clark(a.ns, a.local)} is not allowed`);
        continue;
      }
      if (use.type)
        this.simpleValue(
          node,
          a.value,
          typeof use.type === 'string' ? this.simpleByKey(use.type, node) : use.type,
          `attribute ${a.local}`,
        );
    }
    for (const use of eff.attrs) {
      if (use.required && !node.attrs.some((a) => a.local === use.name && a.ns === use.ns))
        this.fail(node, `the attribute ${clark(use.ns, use.name)} is required but missing`);
    }
  }

  private content(node: XNode, particle: Particle | undefined, depth: number): void {
    const kids = node.children;
    if (!particle) {
      if (kids.length > 0) this.fail(kids[0]!, 'this element is not expected: the type has no child elements');
      return;
    }
    const saved = this.tried;
    this.tried = new Map();
    const results = this.match(particle, kids, 0, 0);
    const complete = results.get(kids.length);
    if (!complete) {
      const furthest = Math.min(kids.length, Math.max(0, ...results.keys(), ...this.tried.keys()));
      const expected = [...(this.tried.get(furthest) ?? [])].join(', ');
      if (furthest < kids.length)
        this.fail(kids[furthest]!, `this element is not expected. Expected is ( ${expected || 'nothing more'} )`);
      else this.fail(node, `missing child element(s). Expected is ( ${expected} )`);
      this.tried = saved;
      return;
    }
    this.tried = saved;
    for (const [i, decl] of complete) if (decl) this.element(kids[i]!, decl, depth + 1);
  }

  /** End index → the assignment of children to declarations, for each way `p` can match from `i`. */
  private match(p: Particle, kids: XNode[], i: number, depth: number): Results {
    const out: Results = new Map();
    if (depth > MAX_DEPTH) return out;
    if (p.kind === 'element' || p.kind === 'elementRef' || p.kind === 'any') {
      const decl = p.kind === 'element' ? p.decl : p.kind === 'elementRef' ? this.model.elements.get(p.key) : null;
      if (p.kind === 'elementRef' && !decl) return out;
      const fits = (k: XNode) => (decl ? k.local === decl.name && k.ns === decl.ns : true);
      const label = decl ? clark(decl.ns, decl.name) : '##any';
      let n = 0;
      const assigns: Assign[] = [];
      if (p.min === 0) out.set(i, []);
      while (n < p.max && i + n < kids.length && fits(kids[i + n]!)) {
        assigns.push([i + n, decl ?? null]);
        n++;
        if (n >= p.min) out.set(i + n, [...assigns]);
      }
      if (n < p.max) this.note(i + n, label);
      return out;
    }
    const group = p.kind === 'groupRef' ? this.model.groups.get(p.key) : p;
    if (!group) return out;
    const once = (from: number): Results => this.once(group, kids, from, depth + 1);
    const min = p.min;
    const max = p.max;
    let frontier: Results = new Map([[i, []]]);
    if (min === 0) out.set(i, []);
    for (let rep = 1; rep <= max && frontier.size > 0 && rep <= kids.length + 1; rep++) {
      const next: Results = new Map();
      for (const [from, before] of frontier) {
        for (const [end, assigns] of once(from)) {
          if (rep > 1 && end === from) continue; // an empty repetition adds nothing
          if (!next.has(end)) next.set(end, [...before, ...assigns]);
        }
      }
      if (rep >= min) for (const [end, a] of next) if (!out.has(end)) out.set(end, a);
      frontier = next;
    }
    return out;
  }

  /** One occurrence of a model group. */
  private once(g: Particle, kids: XNode[], i: number, depth: number): Results {
    if (g.kind === 'sequence') {
      let frontier: Results = new Map([[i, []]]);
      for (const item of g.items) {
        const next: Results = new Map();
        for (const [from, before] of frontier) {
          for (const [end, a] of this.match(item, kids, from, depth))
            if (!next.has(end)) next.set(end, [...before, ...a]);
        }
        frontier = next;
        if (frontier.size === 0) break;
      }
      return frontier;
    }
    if (g.kind === 'choice') {
      const out: Results = new Map();
      for (const item of g.items)
        for (const [end, a] of this.match(item, kids, i, depth)) if (!out.has(end)) out.set(end, a);
      return out;
    }
    if (g.kind === 'all') return this.all(g.items, kids, i, depth);
    return this.match(g, kids, i, depth);
  }

  /** xs:all: each particle at most once, in any order; the required ones present. */
  private all(items: Particle[], kids: XNode[], i: number, depth: number): Results {
    const used = new Set<Particle>();
    const assigns: Assign[] = [];
    let j = i;
    for (; j < kids.length; j++) {
      const item = items.find(
        (it) => !used.has(it) && this.match({ ...it, min: 1, max: 1 } as Particle, kids, j, depth).has(j + 1),
      );
      if (!item) break;
      used.add(item);
      assigns.push(...this.match({ ...item, min: 1, max: 1 } as Particle, kids, j, depth).get(j + 1)!);
    }
    const missing = items.filter((it) => !used.has(it) && it.min > 0);
    for (const m of items.filter((it) => !used.has(it)))
      this.note(j, m.kind === 'element' ? clark(m.decl.ns, m.decl.name) : m.kind);
    return missing.length === 0 ? new Map([[j, assigns]]) : new Map();
  }

  private note(index: number, label: string): void {
    let set = this.tried.get(index);
    if (!set) this.tried.set(index, (set = new Set()));
    set.add(label);
  }

  /** A value against a simple type: the restriction's facets, then its base, down to a built-in. */
  private simpleValue(node: XNode, raw: string, t: SimpleType, what = 'value', depth = 0): void {
    if (depth > MAX_DEPTH) return;
    if (t.list !== undefined) {
      const item = typeof t.list === 'string' ? this.simpleByKey(t.list, node) : t.list;
      for (const v of raw.trim().split(/\s+/).filter(Boolean)) this.simpleValue(node, v, item, what, depth + 1);
      return;
    }
    if (t.union) return;
    const value = typeof t.base === 'string' && /}(string|normalizedString)$/.test(t.base) ? raw : raw.trim();
    if (t.enumeration && !t.enumeration.includes(value))
      this.fail(node, `${what} '${value}' is not one of ( ${t.enumeration.join(', ')} )`);
    if (t.length !== undefined && [...value].length !== t.length)
      this.fail(node, `${what} '${value}' must have length ${t.length}`);
    if (t.minLength !== undefined && [...value].length < t.minLength)
      this.fail(node, `${what} '${value}' is shorter than ${t.minLength}`);
    if (t.maxLength !== undefined && [...value].length > t.maxLength)
      this.fail(node, `${what} '${value}' is longer than ${t.maxLength}`);
    if (t.patterns && !t.patterns.some((p) => safeRegExp(p)?.test(value) ?? true))
      this.fail(node, `${what} '${value}' does not match ${t.patterns.join(' | ')}`);
    if (t.base === undefined) return;
    if (typeof t.base !== 'string') return this.simpleValue(node, raw, t.base, what, depth + 1);
    if (t.base.startsWith(`{${XS}}`)) {
      const problem = builtin(t.base.slice(XS.length + 2), value);
      if (problem) this.fail(node, `${what} '${value}' is not a valid ${problem}`);
      return;
    }
    this.simpleValue(node, raw, this.simpleByKey(t.base, node), what, depth + 1);
  }
}

function safeRegExp(xsdPattern: string): RegExp | null {
  try {
    return new RegExp(`^(?:${xsdPattern})$`, 'u');
  } catch {
    return null;
  }
}

const INTEGER_RANGES: Record<string, [bigint, bigint] | null> = {
  integer: null,
  long: [-(2n ** 63n), 2n ** 63n - 1n],
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  short: [-32768n, 32767n],
  byte: [-128n, 127n],
  nonNegativeInteger: [0n, 2n ** 4096n],
  positiveInteger: [1n, 2n ** 4096n],
  nonPositiveInteger: [-(2n ** 4096n), 0n],
  negativeInteger: [-(2n ** 4096n), -1n],
  unsignedLong: [0n, 2n ** 64n - 1n],
  unsignedInt: [0n, 2n ** 32n - 1n],
  unsignedShort: [0n, 65535n],
  unsignedByte: [0n, 255n],
};

const ZONE = '(Z|[+-]\\d{2}:\\d{2})?';
const LEXICAL: Record<string, RegExp> = {
  boolean: /^(true|false|1|0)$/,
  decimal: /^[+-]?(\d+(\.\d*)?|\.\d+)$/,
  double: /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|-?INF|NaN)$/,
  float: /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|-?INF|NaN)$/,
  date: new RegExp(`^-?\\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])${ZONE}$`),
  dateTime: new RegExp(
    `^-?\\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d+)?${ZONE}$`,
  ),
  time: new RegExp(`^([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d+)?${ZONE}$`),
  duration: /^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/,
  gYear: new RegExp(`^-?\\d{4,}${ZONE}$`),
  hexBinary: /^([0-9a-fA-F]{2})*$/,
  base64Binary: /^(\s*[A-Za-z0-9+/]\s*[A-Za-z0-9+/]\s*[A-Za-z0-9+/=]\s*[A-Za-z0-9+/=])*\s*$/,
};

/** The built-in type's name when `value` is not in its lexical space, else ''. */
function builtin(type: string, value: string): string {
  if (type in INTEGER_RANGES) {
    if (!/^[+-]?\d+$/.test(value)) return `xs:${type}`;
    const range = INTEGER_RANGES[type];
    const n = BigInt(value);
    return range && (n < range[0] || n > range[1]) ? `xs:${type} (out of range)` : '';
  }
  const re = LEXICAL[type];
  return re && !re.test(value) ? `xs:${type}` : '';
}
