/**
 * How deep a JSON body may nest (objects and arrays). Deeper input is refused before it is parsed:
 * JSON.parse itself copes, but the code after it (validation, class-transformer, JSON.stringify of
 * an execution row, PostgreSQL's jsonb parser) recurses and overflows, which made a 100,000-deep
 * body a 500 and a 5,000-deep trigger input a run whose row could never be written.
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * True when the JSON text nests objects and arrays deeper than `max` (brackets inside strings do
 * not count). One pass over the text without parsing it; malformed text is left to the parser.
 * Works on a UTF-8 buffer as well as on a string: every byte it looks at is ASCII.
 */
export function jsonTooDeep(text: string | Uint8Array, max: number = MAX_JSON_DEPTH): boolean {
  const n = text.length;
  // A text can nest at most half its length deep.
  if (n <= 2 * max) return false;
  const s = typeof text === 'string' ? text : undefined;
  const b = typeof text === 'string' ? undefined : text;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < n; i++) {
    const c = s !== undefined ? s.charCodeAt(i) : b![i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** The message of the 400 for a body nested too deeply. */
export const TOO_DEEP_MESSAGE = `the JSON body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`;

/** An error body-parser turns into a 400 (its `verify` hook may throw one). */
export class JsonTooDeepError extends Error {
  readonly status = 400;
  readonly statusCode = 400;
  readonly expose = true;
  readonly type = 'entity.too.deep';
  constructor() {
    super(TOO_DEEP_MESSAGE);
  }
}

/** body-parser's `verify` hook for JSON bodies: refuses a body nested deeper than MAX_JSON_DEPTH. */
export function verifyJsonDepth(_req: unknown, _res: unknown, body: Buffer): void {
  if (jsonTooDeep(body)) throw new JsonTooDeepError();
}
