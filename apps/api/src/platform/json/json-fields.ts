/**
 * DTO properties that hold opaque JSON (a flow definition, a run input, an event's call): the DTO
 * checks they are objects, and their content is the flow format's (one of libs/flow's schemas,
 * checked by the pipe when the property names it, else by the service). They must not be walked
 * by class-transformer, which drops keys such as `constructor` or `valueOf` and overflows the
 * stack on deeply nested input.
 */
const OPAQUE = new WeakMap<object, Map<string, JsonSchemaCheck | undefined>>();

/** What an opaque property's schema offers (zod's safeParse). */
interface JsonSchemaCheck {
  safeParse(value: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };
}

/** Marks a DTO property as opaque JSON, checked by `schema` (libs/flow's) when given. */
export function OpaqueJson(schema?: JsonSchemaCheck): PropertyDecorator {
  return (target, key) => {
    const fields = OPAQUE.get(target.constructor) ?? new Map<string, JsonSchemaCheck | undefined>();
    fields.set(String(key), schema);
    OPAQUE.set(target.constructor, fields);
  };
}

/** The first problem of an opaque property its schema refuses (`input.call: expected record, …`). */
export function opaqueSchemaProblem(cls: unknown, plain: Record<string, unknown>): string | undefined {
  const fields = typeof cls === 'function' ? OPAQUE.get(cls) : undefined;
  if (!fields) return undefined;
  for (const [field, schema] of fields) {
    if (!schema || !isPlainObject(plain[field])) continue;
    const issue = schema.safeParse(plain[field]).error?.issues[0];
    if (issue) return `${[field, ...issue.path.map(String)].join('.')}: ${issue.message}`;
  }
  return undefined;
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Swaps the opaque object fields of `plain` for `{}` so class-transformer and class-validator see
 * their shape only; `restore` puts the original values back on the validated instance.
 */
export function setOpaqueAside(
  cls: unknown,
  plain: Record<string, unknown>,
): { shallow: Record<string, unknown>; restore<T extends object>(instance: T): T } {
  const fields = typeof cls === 'function' ? OPAQUE.get(cls)?.keys() : undefined;
  if (!fields) return { shallow: plain, restore: (i) => i };
  const kept = new Map<string, unknown>();
  const shallow: Record<string, unknown> = { ...plain };
  for (const f of fields) {
    if (Object.prototype.hasOwnProperty.call(plain, f) && isPlainObject(plain[f])) {
      kept.set(f, plain[f]);
      shallow[f] = {};
    }
  }
  return {
    shallow,
    restore: (instance) => {
      for (const [f, v] of kept) (instance as Record<string, unknown>)[f] = v;
      return instance;
    },
  };
}

/** Names no DTO field has, which class-transformer would silently drop or misuse. */
const RESERVED_KEYS = new Set(['__proto__', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

/** The first top-level key of a body that can never be a DTO field. */
export function reservedKey(plain: Record<string, unknown>): string | undefined {
  return Object.keys(plain).find((k) => RESERVED_KEYS.has(k));
}

/**
 * The first key at any depth that can never be a DTO field, with its path (`request.__proto__`,
 * `headers[0].constructor`), or undefined. Iterative; stops after `budget` values.
 */
export function findReservedKey(value: unknown, budget = 1_000_000): { path: string; key: string } | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0 && budget-- > 0) {
    const [v, path] = stack.pop()!;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (isPlainObject(v)) {
      const keys = Object.keys(v);
      const key = keys.find((k) => RESERVED_KEYS.has(k));
      if (key !== undefined) return { path: path ? `${path}.${key}` : key, key };
      for (let i = keys.length - 1; i >= 0; i--) stack.push([v[keys[i]!], path ? `${path}.${keys[i]}` : keys[i]!]);
    }
  }
  return undefined;
}

/** A test of one string (a value or a key). */
type TextTest = (text: string) => boolean;
/** A test of one number value. */
type NumberTest = (n: number) => boolean;

/**
 * Whether any string value or key of `value` fails `bad` (or a number fails `badNumber`). Iterative
 * (deep input cannot overflow the stack), stops after `budget` values, and builds no paths: a 1 MB
 * body of 100,000 objects is walked in a few ms (paths for every value cost ~100 ms; they are built
 * only for a finding).
 */
function holdsText(value: unknown, bad: TextTest, budget: number, badNumber?: NumberTest): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0 && budget-- > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (bad(v)) return true;
    } else if (typeof v === 'number') {
      if (badNumber?.(v)) return true;
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else if (isPlainObject(v)) {
      for (const k in v) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        if (bad(k)) return true;
        stack.push(v[k]);
      }
    }
  }
  return false;
}

/**
 * The path of the first string value (or the key) failing `bad`, or number failing `badNumber`;
 * `keyPath` spells a bad key's path.
 */
function textPath(
  value: unknown,
  bad: TextTest,
  budget: number,
  keyPath: (path: string, key: string) => string,
  badNumber?: NumberTest,
): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0 && budget-- > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (bad(v)) return path || '(value)';
    } else if (typeof v === 'number') {
      if (badNumber?.(v)) return path || '(value)';
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push([v[i], `${path}[${i}]`]);
    } else if (isPlainObject(v)) {
      for (const k of Object.keys(v)) {
        if (bad(k)) return keyPath(path, k);
        stack.push([v[k], path ? `${path}.${k}` : k]);
      }
    }
  }
  return undefined;
}

const hasNul: TextTest = (t) => t.includes('\u0000');

/**
 * The path of the first string holding U+0000 (PostgreSQL text and jsonb cannot store it), or
 * undefined. Iterative, so deep input cannot overflow the stack; stops after `budget` values.
 */
export function findNul(value: unknown, budget = 1_000_000): string | undefined {
  if (!holdsText(value, hasNul, budget)) return undefined;
  return textPath(value, hasNul, budget, (path, k) => `${path}${path ? '.' : ''}${k.replace(/\u0000/g, '\\u0000')}`);
}

/** A UTF-16 surrogate without its pair: not Unicode text (validators that encode it throw). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const hasLoneSurrogate: TextTest = (t) => LONE_SURROGATE.test(t);

/**
 * The path of the first string (or key) holding a lone surrogate, or undefined. Iterative, like
 * findNul; stops after `budget` values.
 */
export function findLoneSurrogate(value: unknown, budget = 1_000_000): string | undefined {
  if (!holdsText(value, hasLoneSurrogate, budget)) return undefined;
  return textPath(value, hasLoneSurrogate, budget, (path) => path || '(key)');
}

/** A number JSON.parse read as ±Infinity: a literal beyond ±1.8e308, as `1e400`. */
const outOfRange: NumberTest = (n) => !Number.isFinite(n);
const noText: TextTest = () => false;

/**
 * Whether `value` holds what PostgreSQL would not store as sent: a string (or key) with U+0000 or a
 * lone surrogate, or a number out of range. One walk for input that is usually clean, before
 * findNul / findLoneSurrogate / findOutOfRange say where.
 */
export function holdsUnstorable(value: unknown, budget = 1_000_000): boolean {
  return holdsText(value, (t) => hasNul(t) || hasLoneSurrogate(t), budget, outOfRange);
}

/**
 * Whether JSON text may hold a number beyond ±1.8e308 (a 3-digit exponent or 309 digits in a row):
 * the cheap test before findOutOfRange on a hot path. False positives only cost that walk.
 */
export const MAYBE_OUT_OF_RANGE = /[eE]\+?\d{3}|\d{309}/;

/**
 * The path of the first number out of range (outOfRange), or undefined: stored as JSON it would
 * silently become null. Iterative; stops after `budget` values.
 */
export function findOutOfRange(value: unknown, budget = 1_000_000): string | undefined {
  return textPath(value, noText, budget, (path) => path, outOfRange);
}
