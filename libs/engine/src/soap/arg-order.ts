import {
  AllElement,
  AttributeElement,
  ChoiceElement,
  ComplexContentElement,
  ComplexTypeElement,
  Element,
  ElementElement,
  ExtensionElement,
  GroupElement,
  RestrictionElement,
  SequenceElement,
  SimpleContentElement,
} from 'soap/lib/wsdl/elements';

/**
 * Argument order from the WSDL. node-soap writes an argument object's keys in the object's own key
 * order (it sorts only some named types), and a stored definition's keys are in jsonb's order
 * (shorter keys first), not the operation's `xs:sequence`: a strict service refuses that. An
 * OrderPlan, computed once per parsed WSDL and operation, puts every object of the args back into
 * the schema's order at send time, at any depth (nested types, arrays, attributes).
 *
 * Keys the schema does not know (an `xs:any`, a type node-soap could not resolve, a typo) are kept,
 * after the known ones, in the order given: refusing them would break services whose schemas node-soap
 * reads only partly, and a strict service still refuses a truly unknown element.
 */
export interface OrderPlan {
  /** Child element local name → its position in the content model (choice alternatives share one). */
  readonly rank: Map<string, number>;
  /** Child element local name → the plan of its own content (complex types only). */
  readonly child: Map<string, OrderPlan>;
  /** Attribute name → declaration position. */
  readonly attrRank: Map<string, number>;
}

/** node-soap's special keys in args (its `attributesKey`, `valueKey`, `xmlKey` options). */
export interface ArgKeys {
  attributes: string;
  value: string;
  xml: string;
  /** node-soap's `overrideElementKey` option: an args key → the element name it is sent as. */
  rename?: Readonly<Record<string, string>>;
}

export const DEFAULT_ARG_KEYS: ArgKeys = { attributes: 'attributes', value: '$value', xml: '$xml' };

type El = Element & Record<string, any>;
interface SchemaModel {
  $targetNamespace?: string;
  xmlns?: Record<string, string>;
  complexTypes: Record<string, El>;
  types: Record<string, El>;
  elements: Record<string, El>;
  groups?: Record<string, El>;
}
interface Definitions {
  xmlns?: Record<string, string>;
  schemas?: Record<string, SchemaModel>;
}

const TNS_PREFIX = '__tns__';
const MAX_DEPTH = 64;

/** Builds plans over one parsed WSDL; plans of shared types are built once and shared. */
export class OrderPlanner {
  private readonly owner = new WeakMap<object, SchemaModel>();
  private readonly typePlans = new Map<object, OrderPlan>();
  private indexed = false;

  constructor(private readonly definitions: Definitions) {}

  /**
   * The plan for an operation's input as node-soap holds it: a document-style message's element
   * (ElementElement), or an RPC message whose `parts` map part names to types.
   */
  forInput(input: unknown): OrderPlan | null {
    if (!input || typeof input !== 'object') return null;
    this.index();
    if (input instanceof ElementElement) return this.elementContent(input as El, 0);
    const parts = (input as { parts?: Record<string, unknown> }).parts;
    if (!parts || typeof parts !== 'object') return null;
    const plan = emptyPlan();
    for (const [name, type] of Object.entries(parts)) {
      if (!plan.rank.has(name)) plan.rank.set(name, plan.rank.size);
      if (type instanceof Element) {
        const p = this.typeContent(type as El, 0);
        if (p) plan.child.set(name, p);
      }
    }
    return plan;
  }

  /** The plan of a global element's content, by local name (for SOAP header entries). */
  forGlobalElement(localName: string): OrderPlan | null {
    this.index();
    for (const schema of Object.values(this.definitions.schemas ?? {})) {
      const el = schema.elements?.[localName];
      if (el) return this.elementContent(el, 0);
    }
    return null;
  }

  /** Records which schema each schema component belongs to (for unprefixed and tns-relative names). */
  private index(): void {
    if (this.indexed) return;
    this.indexed = true;
    const visit = (node: El, schema: SchemaModel, depth: number) => {
      if (!node || typeof node !== 'object' || this.owner.has(node) || depth > MAX_DEPTH) return;
      this.owner.set(node, schema);
      for (const c of node.children ?? []) visit(c, schema, depth + 1);
    };
    for (const schema of Object.values(this.definitions.schemas ?? {})) {
      for (const map of [schema.complexTypes, schema.elements, schema.types, schema.groups ?? {}]) {
        for (const node of Object.values(map ?? {})) visit(node, schema, 0);
      }
    }
  }

  /** The content of an element: its inline complex type, its named type, or the element it refers to. */
  private elementContent(el: El, depth: number): OrderPlan | null {
    if (depth > MAX_DEPTH) return null;
    if (el.$ref) {
      const target = this.resolve(el, el.$ref, 'elements');
      return target && target !== el ? this.elementContent(target, depth + 1) : null;
    }
    if (el.$type) {
      const type = this.resolve(el, el.$type, 'complexTypes');
      return type ? this.typeContent(type, depth + 1) : null;
    }
    const inline = (el.children ?? []).find((c: unknown) => c instanceof ComplexTypeElement);
    return inline ? this.typeContent(inline, depth + 1) : null;
  }

  /** A complex type's plan, memoised per type (a type that contains itself gets the plan being built). */
  private typeContent(type: El, depth: number): OrderPlan | null {
    const known = this.typePlans.get(type);
    if (known) return known;
    if (depth > MAX_DEPTH) return null;
    const plan = emptyPlan();
    this.typePlans.set(type, plan);
    this.collect(type, plan, depth, new Set());
    return plan;
  }

  /** Walks a type's content model in document order, adding elements and attributes to the plan. */
  private collect(node: El, plan: OrderPlan, depth: number, seen: Set<object>): void {
    if (seen.has(node) || depth > MAX_DEPTH) return;
    seen.add(node);
    if (node instanceof ExtensionElement && node.$base) {
      // The base type's particles come first, then the extension's own.
      const base = this.resolve(node, node.$base, 'complexTypes');
      if (base) this.collect(base, plan, depth + 1, seen);
    }
    if (node instanceof GroupElement && node.$ref) {
      const group = this.resolve(node, node.$ref, 'groups');
      if (group) this.collect(group, plan, depth + 1, seen);
    }
    const choice = node instanceof ChoiceElement;
    const position = plan.rank.size;
    for (const c of (node.children ?? []) as El[]) {
      if (c instanceof ElementElement) {
        const name = c.$name ?? localOf(c.$ref);
        if (!name) continue;
        // The alternatives of a choice share one position: any of them goes there.
        if (!plan.rank.has(name)) plan.rank.set(name, choice ? position : plan.rank.size);
        if (!plan.child.has(name)) {
          const p = this.elementContent(c, depth + 1);
          if (p) plan.child.set(name, p);
        }
      } else if (c instanceof AttributeElement) {
        const name = (c as El).$name ?? localOf((c as El).$ref);
        if (name && !plan.attrRank.has(name)) plan.attrRank.set(name, plan.attrRank.size);
      } else if (
        c instanceof SequenceElement ||
        c instanceof ChoiceElement ||
        c instanceof AllElement ||
        c instanceof GroupElement ||
        c instanceof ComplexContentElement ||
        c instanceof SimpleContentElement ||
        c instanceof ExtensionElement ||
        c instanceof RestrictionElement ||
        c instanceof ComplexTypeElement
      ) {
        this.collect(c, plan, depth + 1, seen);
      }
    }
  }

  /** A QName used in `from` resolved to a schema component (by namespace, else by name in any schema). */
  private resolve(from: El, qname: string, kind: 'complexTypes' | 'elements' | 'groups'): El | null {
    const colon = qname.indexOf(':');
    const prefix = colon < 0 ? '' : qname.slice(0, colon);
    const local = qname.slice(colon + 1);
    const schemas = this.definitions.schemas ?? {};
    const own = this.owner.get(from);
    const ns = prefix
      ? (from.xmlns?.[prefix] ??
        from.schemaXmlns?.[prefix] ??
        own?.xmlns?.[prefix] ??
        from.definitionsXmlns?.[prefix] ??
        this.definitions.xmlns?.[prefix])
      : (from.xmlns?.[TNS_PREFIX] ?? own?.$targetNamespace);
    const inNs = ns ? schemas[ns]?.[kind]?.[local] : undefined;
    if (inNs) return inNs;
    if (own?.[kind]?.[local]) return own[kind]![local]!;
    for (const schema of Object.values(schemas)) {
      const found = schema[kind]?.[local];
      if (found) return found;
    }
    return null;
  }
}

function emptyPlan(): OrderPlan {
  return { rank: new Map(), child: new Map(), attrRank: new Map() };
}

function localOf(qname: unknown): string | undefined {
  if (typeof qname !== 'string') return undefined;
  return qname.slice(qname.indexOf(':') + 1) || undefined;
}

/**
 * `value` with every object's keys in the plan's order (attributes first, `$value`/`$xml` last, as
 * node-soap writes them); unknown keys after the known ones, as given. Returns `value` itself when
 * it is in order already (no copy on the common path).
 */
export function orderArgs(value: unknown, plan: OrderPlan | null, keys: ArgKeys = DEFAULT_ARG_KEYS): unknown {
  if (!plan || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = orderArgs(value[i], plan, keys);
      if (item !== value[i]) (out ??= value.slice())[i] = item;
    }
    return out ?? value;
  }
  const obj = value as Record<string, unknown>;
  const names = Object.keys(obj);
  let changed = false;
  const ordered: { key: string; rank: number; index: number; value: unknown }[] = [];
  let attributes: unknown;
  let hasAttributes = false;
  const tail: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const key = names[i]!;
    if (key === keys.attributes) {
      hasAttributes = true;
      attributes = orderAttributes(obj[key], plan);
      if (attributes !== obj[key] || i !== 0) changed = true;
      continue;
    }
    if (key === keys.value || key === keys.xml) {
      tail.push(key);
      continue;
    }
    // A key overrideElementKey renames is sent under its new name: node-soap would rename it by
    // appending it last (delete + define), undoing the order.
    const renamed = keys.rename && Object.hasOwn(keys.rename, key) ? keys.rename[key]! : undefined;
    const local = localName(renamed ?? key);
    const rank = plan.rank.get(local) ?? Number.POSITIVE_INFINITY;
    const child = orderArgs(obj[key], plan.child.get(local) ?? null, keys);
    if (child !== obj[key] || renamed !== undefined) changed = true;
    ordered.push({ key: renamed ?? key, rank, index: i, value: child });
  }
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i]!.rank < ordered[i - 1]!.rank) {
      changed = true;
      break;
    }
  }
  if (!changed && (tail.length === 0 || names.slice(-tail.length).every((k, i) => k === tail[i]))) return value;
  ordered.sort((a, b) => a.rank - b.rank || a.index - b.index);
  const out: Record<string, unknown> = {};
  if (hasAttributes) out[keys.attributes] = attributes;
  for (const o of ordered) define(out, o.key, o.value);
  for (const key of tail) define(out, key, obj[key]);
  return out;
}

function orderAttributes(attrs: unknown, plan: OrderPlan): unknown {
  if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs) || plan.attrRank.size === 0) return attrs;
  const names = Object.keys(attrs);
  const rank = (n: string) => plan.attrRank.get(localOf(n) ?? n) ?? Number.POSITIVE_INFINITY;
  let sorted = true;
  for (let i = 1; i < names.length && sorted; i++) sorted = rank(names[i]!) >= rank(names[i - 1]!);
  if (sorted) return attrs;
  const out: Record<string, unknown> = {};
  const order = names.map((n, i) => ({ n, i, r: rank(n) })).sort((a, b) => a.r - b.r || a.i - b.i);
  for (const { n } of order) define(out, n, (attrs as Record<string, unknown>)[n]);
  return out;
}

/** The element's local name: `prefix:name` → `name`. */
function localName(key: string): string {
  const colon = key.indexOf(':');
  return colon < 0 ? key : key.slice(colon + 1);
}

/** Own data property even for `__proto__` (args come from stored JSON). */
function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else obj[key] = value;
}
