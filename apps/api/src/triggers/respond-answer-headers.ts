import { answerContentType, respondHeaderRefusal } from '@callflow/flow';
import type { RespondOutput } from '@callflow/engine';

/** Framing is the server's; CORS comes from the trigger's allowedOrigins. */
const FRAMING_OR_CORS =
  /^(?:content-length|transfer-encoding|connection|keep-alive|upgrade|trailer)$|^access-control-/i;

/** What Node writes in a header value (it throws on anything else: a 500 before this). */
const WRITABLE = /^[\t\x20-\x7E\x80-\xFF]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A header value as it can be sent. Node writes values as Latin-1 and refuses any other character
 * (a customer named "Čapek"): such a value is sent percent-encoded as UTF-8, whole, as
 * `encodeURIComponent` (and the `urlencode` helper) write it, so the receiver can decode it.
 * Latin-1 values go as they are, byte for byte, as before.
 */
export function writableHeaderValue(value: string): string {
  return WRITABLE.test(value) ? value : encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
}

/**
 * Adds a respond node's content type and headers to a webhook answer's `headers`, dropping what
 * a respond node may not set (cookies, security headers: see libs/flow respond-headers.ts), making
 * every value writable, and the content type one media type that is never JavaScript
 * (answerContentType: a comma list or a malformed type is not passed on to browsers or Express).
 * The validator refuses these already; this holds for templated values, an upstream's content type
 * passed through, and versions published before the rule.
 */
export function addRespondHeaders(headers: Record<string, string>, respond: RespondOutput): void {
  if (respond.contentType) headers['content-type'] = respond.contentType;
  for (const [name, value] of Object.entries(respond.headers)) {
    if (!FRAMING_OR_CORS.test(name) && respondHeaderRefusal(name) === undefined) headers[name.toLowerCase()] = value;
  }
  for (const name of Object.keys(headers)) headers[name] = writableHeaderValue(headers[name]!);
  const type = headers['content-type'];
  if (type !== undefined) headers['content-type'] = answerContentType(type);
}
