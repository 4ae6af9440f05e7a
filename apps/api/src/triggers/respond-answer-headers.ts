import { isScriptContentType, respondHeaderRefusal } from '@callflow/flow';
import type { RespondOutput } from '@callflow/engine';

/** Framing is the server's; CORS comes from the trigger's allowedOrigins. */
const FRAMING_OR_CORS =
  /^(?:content-length|transfer-encoding|connection|keep-alive|upgrade|trailer)$|^access-control-/i;

/**
 * Adds a respond node's content type and headers to a webhook answer's `headers`, dropping what
 * a respond node may not set (cookies, security headers: see libs/flow respond-headers.ts) and
 * turning a JavaScript content type into text. The validator refuses these already; this holds
 * for templated values and for versions published before the rule.
 */
export function addRespondHeaders(headers: Record<string, string>, respond: RespondOutput): void {
  if (respond.contentType) headers['content-type'] = respond.contentType;
  for (const [name, value] of Object.entries(respond.headers)) {
    if (!FRAMING_OR_CORS.test(name) && respondHeaderRefusal(name) === undefined) headers[name.toLowerCase()] = value;
  }
  const type = headers['content-type'];
  if (type !== undefined && isScriptContentType(type)) headers['content-type'] = 'text/plain; charset=utf-8';
}
