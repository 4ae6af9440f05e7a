import { XMLParser } from 'fast-xml-parser';
import { EngineError } from '../errors';
import type { OutboundResponse } from '../outbound/outbound.types';
import type { NodeRunContext } from '../runtime/executor';
import type { CancelSignal } from '../runtime/run-cancel';
import { jsonTooDeep, MAX_RESPONSE_DEPTH, xmlTooDeep } from '../runtime/depth-limits';
import { SECRETS } from '../template/secret-value';
import type { ResolvedConnection } from '../types';

/**
 * XML responses become objects: attributes as `@_name`, namespace prefixes dropped, text kept as strings (phone numbers
 * keep leading zeros).
 */
const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

/** Parses a response body by `responseType` (auto: by content type, else text; binary: its size and type only). */
export function parseBody(res: OutboundResponse, responseType: 'auto' | 'json' | 'text' | 'xml' | 'binary'): unknown {
  if (responseType === 'binary') {
    return { size: res.body.length, contentType: res.headers['content-type'] || 'application/octet-stream' };
  }
  const text = res.body.toString('utf8');
  const type = res.headers['content-type'] ?? '';
  const kind =
    responseType !== 'auto'
      ? responseType
      : /[/+]json\b/i.test(type)
        ? 'json'
        : /[/+]xml\b/i.test(type)
          ? 'xml'
          : 'text';
  if (kind === 'text' || text.length === 0) return text;
  // Deeper answers would parse, then overflow whatever walks them (templates, records).
  if (kind === 'json' ? jsonTooDeep(res.body) : xmlTooDeep(text)) {
    const what = kind === 'json' ? 'objects and arrays' : 'XML elements';
    throw new EngineError('RESPONSE_PARSE', `the response nests ${what} deeper than ${MAX_RESPONSE_DEPTH} levels`);
  }
  try {
    return kind === 'json' ? JSON.parse(text) : xmlParser.parse(text, true);
  } catch (err) {
    if (responseType === 'auto') return text;
    throw new EngineError(
      'RESPONSE_PARSE',
      `the response is not valid ${kind.toUpperCase()}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
}

/** Backoff before try `attempt + 1`: Retry-After when the server gave one, else exponential with jitter. */
export function retryDelayMs(backoffMs: number, attempt: number, retryAfter?: string): number {
  if (retryAfter) {
    const secs = Number(retryAfter);
    if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  const base = backoffMs * 2 ** (attempt - 1);
  return Math.round(base / 2 + Math.random() * (base / 2));
}

/** Sleeps unless that would pass the deadline (returns false then, without sleeping). */
export async function sleepWithin(ms: number, deadlineAt: number, signal: CancelSignal): Promise<boolean> {
  if (Date.now() + ms >= deadlineAt || signal.aborted) return false;
  if (ms <= 0) return true;
  return new Promise((resolve) => {
    const t = setTimeout(() => (signal.removeEventListener('abort', onAbort), resolve(true)), ms);
    const onAbort = () => (clearTimeout(t), resolve(false));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Resolves a request node's connection (CONNECTION_NOT_FOUND when missing), registers its secrets
 * for redaction and renders the node's templates with `{{connection.*}}` in scope.
 */
export async function renderWithConnection<T>(
  connectionId: string | undefined,
  ctx: NodeRunContext,
  render: () => T,
): Promise<{ connection?: ResolvedConnection; rendered: T }> {
  if (!connectionId) return { rendered: render() };
  const connection = await ctx.services.connections?.resolve(connectionId);
  if (!connection) throw new EngineError('CONNECTION_NOT_FOUND', `connection "${connectionId}" does not exist`);
  ctx.addSecrets(connection.secrets);
  ctx.scope.connection = connection.fields;
  if (connection.secretBag) ctx.scope[SECRETS] = connection.secretBag;
  try {
    return { connection, rendered: render() };
  } finally {
    delete ctx.scope.connection;
    delete ctx.scope[SECRETS];
  }
}
