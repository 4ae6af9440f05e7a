/**
 * The shape of a value as far as samples show it: what completion offers below
 * `{{nodes.<name>.…}}` and what token paths are checked against (only warnings: a sample is not a
 * schema). Built from JSON values (a pinned sample, a test run's response) and from a SOAP
 * operation's described output. Pure: no I/O, bounded work for any input.
 */
import type { SoapShape } from './api/soap';

export type ShapeKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | 'any';

/** One value's shape. `any`: anything may be there (unknown, conflicting samples, cut off by a limit). */
export interface ValueShape {
  kind: ShapeKind;
  /** object: its keys, in the sample's order (a Map: a key such as `__proto__` is data). */
  fields?: Map<string, ValueShape>;
  /** object: more keys than `fields` may come (headers, an element with attributes): none is "missing". */
  open?: boolean;
  /** array: its items' shapes merged; absent for an empty list. */
  items?: ValueShape;
  /** A preview for the suggestion list: the first value seen (`"Jeanne"`, `42`) or a declared type (`xs:int`). */
  example?: string;
}

/** Bounds on the work of shapeOf (a response can be large; a definition is hostile input). */
const MAX_DEPTH = 16;
const MAX_KEYS = 200;
const MAX_ITEMS = 20;
const MAX_NODES = 5000;
const MAX_EXAMPLE = 40;

const ANY: ValueShape = Object.freeze({ kind: 'any' }) as ValueShape;

function example(value: string | number | boolean): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > MAX_EXAMPLE ? `${text.slice(0, MAX_EXAMPLE - 1)}…` : text;
}

/**
 * The shape of a JSON value. Lists: their first items merged (so a key present in some items is
 * known); objects past 200 keys, nesting past 16 levels or 5000 shapes in all are cut off (`open`
 * or `any`), so any input costs bounded work.
 */
export function shapeOf(value: unknown): ValueShape {
  const budget = { nodes: MAX_NODES };
  const walk = (v: unknown, depth: number): ValueShape => {
    if (--budget.nodes < 0 || depth > MAX_DEPTH) return ANY;
    if (v === null || v === undefined) return { kind: 'null' };
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      return { kind: typeof v as 'string' | 'number' | 'boolean', example: example(v) };
    }
    if (Array.isArray(v)) {
      let items: ValueShape | undefined;
      for (const item of v.slice(0, MAX_ITEMS)) {
        const s = walk(item, depth + 1);
        items = items ? mergeShapes(items, s) : s;
      }
      return items
        ? { kind: 'array', items, example: `${v.length} item${v.length === 1 ? '' : 's'}` }
        : { kind: 'array' };
    }
    if (typeof v !== 'object') return ANY;
    const fields = new Map<string, ValueShape>();
    const keys = Object.keys(v);
    for (const key of keys.slice(0, MAX_KEYS)) fields.set(key, walk((v as Record<string, unknown>)[key], depth + 1));
    return keys.length > MAX_KEYS ? { kind: 'object', fields, open: true } : { kind: 'object', fields };
  };
  return walk(value, 0);
}

/**
 * Both shapes in one (two samples, or a sample and a description): the union of their keys. A
 * `null` gives way to the other side (an optional field); scalars of different kinds become `any`;
 * an object and a scalar stay an open object (a SOAP element with attributes, or its text alone).
 */
export function mergeShapes(a: ValueShape, b: ValueShape, depth = 0): ValueShape {
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  if (depth > MAX_DEPTH) return ANY;
  if (a.kind === 'any' || b.kind === 'any') {
    const other = a.kind === 'any' ? b : a;
    if (other.kind === 'object') return { ...other, open: true };
    if (other.kind === 'array')
      return { ...other, items: other.items ? mergeShapes(other.items, ANY, depth + 1) : ANY };
    return ANY;
  }
  if (a.kind === 'object' && b.kind === 'object') {
    const fields = new Map(a.fields);
    for (const [key, shape] of b.fields ?? []) {
      const mine = fields.get(key);
      fields.set(key, mine ? mergeShapes(mine, shape, depth + 1) : shape);
    }
    return { kind: 'object', fields, ...(a.open || b.open ? { open: true } : {}) };
  }
  if (a.kind === 'array' && b.kind === 'array') {
    const items = a.items && b.items ? mergeShapes(a.items, b.items, depth + 1) : (a.items ?? b.items);
    return { kind: 'array', ...(items ? { items } : {}), ...(a.example ? { example: a.example } : {}) };
  }
  if (a.kind === b.kind) return a;
  if (a.kind === 'object' || b.kind === 'object') {
    if (a.kind === 'array' || b.kind === 'array') return ANY;
    return { ...(a.kind === 'object' ? a : b), open: true };
  }
  if (a.kind === 'array' || b.kind === 'array') return a.kind === 'array' ? a : b;
  return ANY;
}

const NUMBER_TYPES = new Set([
  'int',
  'integer',
  'long',
  'short',
  'byte',
  'decimal',
  'float',
  'double',
  'unsignedint',
  'unsignedlong',
  'unsignedshort',
  'unsignedbyte',
  'positiveinteger',
  'negativeinteger',
  'nonnegativeinteger',
  'nonpositiveinteger',
]);

/**
 * A SOAP operation's described output as a value shape (what node-soap's parsed result holds):
 * elements by name, repeating ones as lists, an element with attributes as an open object (node-soap
 * gives `{attributes, $value}` when the answer carries them, the text alone otherwise).
 */
export function soapValueShape(shape: SoapShape, depth = 0): ValueShape {
  if (shape.recursive || shape.truncated || depth > MAX_DEPTH) return ANY;
  const attributes = shape.attributes?.length
    ? ({
        kind: 'object',
        open: true,
        fields: new Map(shape.attributes.map((a) => [a.name, { kind: 'string', example: a.type } as ValueShape])),
      } satisfies ValueShape)
    : undefined;
  if (shape.fields?.length) {
    const fields = new Map<string, ValueShape>();
    for (const f of shape.fields) {
      const item = soapValueShape(f, depth + 1);
      fields.set(f.name, f.array ? { kind: 'array', items: item } : item);
    }
    if (attributes) fields.set('attributes', attributes);
    return { kind: 'object', fields, ...(attributes ? { open: true } : {}) };
  }
  if (shape.type === 'object')
    return attributes ? { kind: 'object', fields: new Map([['attributes', attributes]]), open: true } : ANY;
  const local = shape.type.replace(/^.*:/, '').toLowerCase();
  const kind = local === 'boolean' ? 'boolean' : NUMBER_TYPES.has(local) ? 'number' : 'string';
  const enumText = shape.enum?.length ? `${shape.type}: ${shape.enum.slice(0, 4).join(' | ')}` : shape.type;
  const scalar: ValueShape = { kind, example: enumText };
  if (!attributes) return scalar;
  return {
    kind: 'object',
    open: true,
    fields: new Map([
      ['attributes', attributes],
      ['$value', scalar],
    ]),
  };
}

/** Characters a Handlebars path segment cannot hold unless written as `[segment]`. */
const NOT_ID = /[\s!"#%&'()*+,./;<=>@[\\\]^`{|}~]/;
const LITERALS = new Set(['true', 'false', 'null', 'undefined']);

/**
 * A key as a template path segment: as is when Handlebars reads it as a name, else `[key]`
 * (`[first name]`, `[true]`); undefined when no segment can hold it (it contains `]`).
 */
export function pathSegment(key: string): string | undefined {
  if (key === '' || key.includes(']')) return undefined;
  return NOT_ID.test(key) || LITERALS.has(key) ? `[${key}]` : key;
}

/** One path a shape offers, below its root: `segments` as written in a template (`items`, `[0]`, `name`). */
export interface ShapePath {
  segments: string[];
  /** `object`, `list of 3`, `string`, … for the suggestion list. */
  type: string;
  example?: string;
}

/** The shape's kind as shown beside a path. */
export function shapeTypeLabel(shape: ValueShape): string {
  if (shape.kind === 'array') return shape.items ? `list of ${shapeTypeLabel(shape.items)}` : 'list';
  return shape.kind;
}

/**
 * Every path below a shape, shallow ones first (breadth first), up to `max` paths and `maxDepth`
 * segments: list items as `[0]` (the conventions of the engine's templates: `items.[0].name`).
 */
export function pathsOf(shape: ValueShape, opts: { max?: number; maxDepth?: number } = {}): ShapePath[] {
  const max = opts.max ?? 300;
  const maxDepth = opts.maxDepth ?? 8;
  const out: ShapePath[] = [];
  const queue: { shape: ValueShape; segments: string[] }[] = [{ shape, segments: [] }];
  for (let i = 0; i < queue.length && out.length < max; i++) {
    const { shape: s, segments } = queue[i]!;
    if (segments.length >= maxDepth) continue;
    const children: [string, ValueShape][] = [];
    if (s.kind === 'object') {
      for (const [key, child] of s.fields ?? []) {
        const seg = pathSegment(key);
        if (seg !== undefined) children.push([seg, child]);
      }
    } else if (s.kind === 'array' && s.items) children.push(['[0]', s.items]);
    for (const [seg, child] of children) {
      if (out.length >= max) break;
      const path = [...segments, seg];
      const entry: ShapePath = { segments: path, type: shapeTypeLabel(child) };
      if (child.example !== undefined) entry.example = child.example;
      out.push(entry);
      queue.push({ shape: child, segments: path });
    }
  }
  return out;
}

/** Where a path leaves what the shape knows (see missingPath). */
export interface ShapeMiss {
  /** The segments read before the one that is not there. */
  at: string[];
  /** The segment that is not there. */
  key: string;
  /** What the shape has at `at`: an object's keys; else its kind. */
  kind: ShapeKind;
  keys: string[];
}

/**
 * The first segment of `segments` (as the template analysis gives them: `[0]` read as `0`) that the
 * shape says cannot be there, or undefined when the path is there or the shape does not say (an
 * `any`, a `null`, an open object). A list takes an index or `length`, a text an index or `length`.
 */
export function missingPath(shape: ValueShape, segments: readonly string[]): ShapeMiss | undefined {
  let cur = shape;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const miss = (): ShapeMiss => ({
      at: segments.slice(0, i),
      key: seg,
      kind: cur.kind,
      keys: cur.kind === 'object' ? [...(cur.fields?.keys() ?? [])] : [],
    });
    switch (cur.kind) {
      case 'any':
      case 'null':
        return undefined;
      case 'object': {
        const next = cur.fields?.get(seg);
        if (next) cur = next;
        else return cur.open ? undefined : miss();
        break;
      }
      case 'array':
        if (seg === 'length') return undefined;
        if (!/^\d+$/.test(seg)) return miss();
        if (!cur.items) return undefined;
        cur = cur.items;
        break;
      case 'string':
        return seg === 'length' || /^\d+$/.test(seg) ? undefined : miss();
      default:
        return miss();
    }
  }
  return undefined;
}
