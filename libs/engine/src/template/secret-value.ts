import { EngineError } from '../errors';

/**
 * Where a render scope keeps its connection's secrets. A symbol: templates read data by string
 * keys only, and JSON.stringify skips symbol keys, so `{{json @root}}` never shows the bag.
 */
export const SECRETS: unique symbol = Symbol('callflow.secrets');

/** Throws the error a template gets when it would print a secret. */
export function exposed(): never {
  const how = 'write {{md5 (concat … secrets.<name>)}} (md5, sha1, sha256, hmacSha256)';
  throw new EngineError('TEMPLATE_RENDER', `a secret can only be hashed: ${how}`);
}

/**
 * A connection secret inside a node's template (`{{md5 (concat connection.id secrets.key)}}`,
 * Gcalls' Md5 parameter). Opaque: its text is reachable only by the hash helpers and `concat`
 * (which keeps it opaque); printing, JSON, comparing or any other helper throws instead of
 * rendering it, so a secret never lands in a request, a record or an answer as itself.
 */
export class SecretValue {
  readonly #text: string;
  readonly #bag: SecretBag | undefined;
  /** `bag`: the connection's secrets it came from, told of the hashes made of it. */
  constructor(text: string, bag?: SecretBag) {
    this.#text = text;
    this.#bag = bag;
  }
  /** The text, for the hash helpers only (see revealForHash). */
  static reveal(v: unknown): string | undefined {
    return v instanceof SecretValue ? v.#text : undefined;
  }
  /** The bag `v` came from, when it is a secret. */
  static bagOf(v: unknown): SecretBag | undefined {
    return v instanceof SecretValue ? v.#bag : undefined;
  }
  toString(): never {
    return exposed();
  }
  toJSON(): never {
    return exposed();
  }
  valueOf(): never {
    return exposed();
  }
  [Symbol.toPrimitive](): never {
    return exposed();
  }
}

/** The text of a secret, for the hash helpers only (any other value: undefined). */
export function revealForHash(v: unknown): string | undefined {
  return SecretValue.reveal(v);
}

/**
 * A connection's named secrets for templates. `raw` bags (the token endpoint's own request, which
 * must send the password) give plain strings; node bags give SecretValues. A name the connection
 * does not have is an error, never an empty string.
 */
export class SecretBag {
  #derived: string[] | undefined;

  // Nothing is built until a template reads a secret (a bag is made per resolved connection, per run).
  constructor(
    private readonly secrets: Readonly<Record<string, string>>,
    private readonly opts: { raw?: boolean } = {},
  ) {}

  get(name: string): string | SecretValue {
    const v = Object.prototype.hasOwnProperty.call(this.secrets, name) ? this.secrets[name] : undefined;
    if (typeof v !== 'string') {
      throw new EngineError('TEMPLATE_RENDER', `{{secrets.${name}}}: the connection has no secret "${name}"`);
    }
    return this.opts.raw ? v : new SecretValue(v, this);
  }

  /** Notes a hash made of one of these secrets (a signature is a credential: see AppliedCredentials.values). */
  noteDerived(value: string): void {
    const list = (this.#derived ??= []);
    if (!list.includes(value)) list.push(value);
  }

  /** The hashes the templates made of these secrets so far; undefined when none. */
  get derived(): readonly string[] | undefined {
    return this.#derived;
  }
}

/** Reads `secrets.<name>` from a render scope (compiled templates call this for top-level `secrets.*` paths). */
export function readSecret(scope: unknown, parts: readonly string[]): string | SecretValue {
  const bag = scope !== null && typeof scope === 'object' ? (scope as { [SECRETS]?: SecretBag })[SECRETS] : undefined;
  if (!bag) {
    const token = `{{${['secrets', ...parts].join('.')}}}`;
    throw new EngineError('TEMPLATE_RENDER', `${token}: secrets are read in hash helpers, in nodes with a connection`);
  }
  if (parts.length !== 1) {
    throw new EngineError('TEMPLATE_RENDER', `{{${['secrets', ...parts].join('.')}}}: write secrets.<name>`);
  }
  return bag.get(parts[0]!);
}
