import type { RunInput } from './api/executions';
import type { NodeSpec } from './node-spec';
import { STANDARD_TOKENS } from './tokens';

/** How to call a flow over HTTP, ready to show and copy ("How to call this flow"). */
export interface CallExample {
  method: 'GET' | 'POST';
  url: string;
  /** The JSON body, pretty-printed; absent for a GET. */
  body?: string;
  /** A curl command for a POSIX shell, reading the API key from `$CALLFLOW_API_KEY`. */
  curl: string;
  /** The body's shape in one line. */
  shape: string;
  /** `sync`: the answer comes back in the response; `async`: 202, the run happens later. */
  mode: 'sync' | 'async';
}

/** The environment variable the curl line reads the API key from. */
export const API_KEY_VARIABLE = 'CALLFLOW_API_KEY';

/** Quotes a word for a POSIX shell (single quotes; a quote inside becomes '\''). */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * How a caller starts a run of a flow whose trigger is `spec` (with `config`) and key `flowKey`,
 * sending `input` (a sample input): `base` is the API's origin and prefix (`https://cc.example.com/api/v1`).
 * Undefined for a node type that is not a trigger.
 */
export function callExample(
  spec: NodeSpec,
  config: Record<string, unknown>,
  flowKey: string,
  input: RunInput,
  base: string,
): CallExample | undefined {
  if (!spec.trigger) return undefined;
  const { call, mode } = spec.trigger;
  const request = call.request(config, input);
  // %20, not URLSearchParams' `+`: not every server reads `+` in a query as a space.
  const query = Object.entries(request.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  const url = `${base}${call.path.replace('{flowKey}', encodeURIComponent(flowKey))}${query ? `?${query}` : ''}`;
  const body = request.body === undefined ? undefined : JSON.stringify(request.body, null, 2);
  const lines = [`curl -X ${request.method} ${shellQuote(url)}`, `-H "Authorization: Bearer $${API_KEY_VARIABLE}"`];
  if (body !== undefined)
    lines.push(`-H 'Content-Type: application/json'`, `-d ${shellQuote(JSON.stringify(request.body))}`);
  return { method: request.method, url, body, curl: lines.join(' \\\n  '), shape: call.shape, mode };
}

/**
 * Why a body field `key` that a trigger's body may not hold is refused, in words a caller can act
 * on: a field of one of its parts sent at the top level (`{"callerId": …}`) names the part it
 * belongs in (`{"call": {"callerId": …}}`); anything else shows the expected shape.
 */
export function misplacedFieldHint(spec: NodeSpec, key: string): string {
  const roots = spec.trigger?.inputRoots ?? [];
  const tokens = STANDARD_TOKENS as Record<string, readonly string[]>;
  const root = roots.find((r) => tokens[r]?.some((t) => t === `${r}.${key}` || t.startsWith(`${r}.${key}.`)));
  if (root) return `${key} belongs inside "${root}": send {"${root}": {"${key}": …}}`;
  return `the body is ${spec.trigger?.call.shape ?? 'a JSON object'}`;
}
