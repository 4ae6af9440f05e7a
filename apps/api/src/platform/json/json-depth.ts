import { jsonTooDeep as engineJsonTooDeep } from '@callflow/engine';

/**
 * How deep a JSON body may nest (objects and arrays). Deeper input is refused before it is parsed:
 * JSON.parse itself copes, but the code after it (validation, class-transformer, JSON.stringify of
 * an execution row, PostgreSQL's jsonb parser) recurses and overflows, which made a 100,000-deep
 * body a 500 and a 5,000-deep trigger input a run whose row could never be written.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * True when the JSON text nests objects and arrays deeper than `max` (brackets inside strings do
 * not count): the engine's one-pass scan (it guards upstream answers the same way), with the API's
 * bound. On a UTF-8 buffer as well as on a string.
 */
export function jsonTooDeep(text: string | Uint8Array, max: number = MAX_JSON_DEPTH): boolean {
  return engineJsonTooDeep(text, max);
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
