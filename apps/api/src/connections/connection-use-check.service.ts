import { Injectable } from '@nestjs/common';
import { exposedFields, originOfUrl, TYPE_SECRETS, type ConnectionSpec } from '@callflow/engine';
import { httpNode, soapNode } from '@callflow/flow';
import { ConnectionsResolverFactory } from './connections-resolver.factory';
import { CREDENTIAL_TYPES } from './connection-origins';

/** Stable codes of those issues (`ValidationIssue.code`): the editor tells them from its own by the prefix. */
export type ConnectionUseCode = 'connection_origin' | 'connection_secret' | 'connection_token_placement';

/** A node that uses its connection in a way the connection cannot serve (a validation error). */
export interface ConnectionUseIssue {
  nodeId: string;
  path: string;
  message: string;
  code: ConnectionUseCode;
  severity: 'error';
}

/** A `{{connection.x}}` or `{{{connection.x}}}` token at the very start of a template. */
const LEADING_CONNECTION_TOKEN = /^\s*\{\{\{?\s*connection\.([A-Za-z_][A-Za-z0-9_]*)\s*\}?\}\}/;

/**
 * The origin a URL template will have, when the template alone tells it: a literal URL whose host
 * ends before the first token (`https://crm.example.com/api/{{call.id}}`), or one starting with a
 * connection field (`{{{connection.baseUrl}}}/api`). Anything else (a token in the host, helpers)
 * is left to the run, which checks the URL it really sends to.
 */
export function staticOrigin(template: unknown, fields: Record<string, unknown>): string | undefined {
  if (typeof template !== 'string') return undefined;
  let text = template;
  const lead = LEADING_CONNECTION_TOKEN.exec(text);
  if (lead) {
    const v = fields[lead[1]!];
    if (typeof v !== 'string') return undefined;
    text = v + text.slice(lead[0].length);
  }
  const cut = text.indexOf('{{');
  const literal = (cut < 0 ? text : text.slice(0, cut)).trim();
  // The authority is complete only if a path, query or fragment starts before any token.
  if (cut >= 0 && !/^https?:\/\/[^/?#]*[/?#]/i.test(literal)) return undefined;
  return originOfUrl(literal);
}

/** Every `secrets.<name>` a node's config reads (its templates are strings at any depth). */
function secretNames(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') for (const m of value.matchAll(/\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g)) out.add(m[1]!);
  else if (Array.isArray(value)) for (const v of value) secretNames(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) secretNames(v, out);
  return out;
}

/**
 * Validation that needs the tenant's connections, so that what can never work is refused before
 * it runs (test runs and publishing answer 422 with these; POST /flows/validate lists them as
 * errors, so the editor shows them at the field while editing):
 * - an http or soap node whose URL (http `url`, soap `endpoint`, else its `wsdlUrl`, which is
 *   loaded with the credentials) is on an origin its connection does not allow (issue 16 §5);
 * - a `secrets.<name>` the connection does not have (it could never resolve);
 * - a token the connection places in the body, on an http node that sends no JSON or form body.
 */
@Injectable()
export class ConnectionUseCheck {
  constructor(private readonly resolvers: ConnectionsResolverFactory) {}

  async issues(tenantId: string, definition: unknown): Promise<ConnectionUseIssue[]> {
    const nodes = (definition as { nodes?: unknown } | null)?.nodes;
    if (!Array.isArray(nodes)) return [];
    const out: ConnectionUseIssue[] = [];
    for (const node of nodes as { id?: unknown; type?: unknown; config?: Record<string, unknown> }[]) {
      if ((node?.type !== httpNode.type && node?.type !== soapNode.type) || typeof node.id !== 'string') continue;
      const config = node.config ?? {};
      const ref = config.connectionId;
      if (typeof ref !== 'string' || !ref || ref.startsWith('choose-connection:')) continue;
      const hit = await this.resolvers.load(tenantId, ref).catch(() => undefined);
      if (!hit) continue;
      const spec = hit.spec as ConnectionSpec;
      // Named as the admin knows it (no screen shows connection ids).
      const conn = `"${hit.name ?? ref}"`;
      const nodeId = node.id;
      const issue = (code: ConnectionUseCode, path: string, message: string) =>
        out.push({ nodeId, path, message, code, severity: 'error' });
      for (const name of secretNames(config)) {
        if (Object.hasOwn(spec.secrets, name)) continue;
        const known = TYPE_SECRETS[spec.type] === 'any' ? Object.keys(spec.secrets) : TYPE_SECRETS[spec.type];
        const has = known.length > 0 ? `it has ${(known as readonly string[]).join(', ')}` : 'it has none';
        issue(
          'connection_secret',
          'config',
          `{{secrets.${name}}}: connection ${conn} has no secret "${name}" (${has}), so it could never resolve`,
        );
      }
      if (spec.type === 'token_endpoint' && spec.config.apply.in === 'body' && node.type === httpNode.type) {
        const body = (config.body as { type?: unknown } | undefined)?.type;
        if (body !== 'json' && body !== 'form') {
          issue(
            'connection_token_placement',
            'config.body',
            `connection ${conn} puts its token in the body (field "${spec.config.apply.name}"): ` +
              'send a JSON or form body, or choose a connection that places its token elsewhere [TOKEN_PLACEMENT]',
          );
        }
      }
      if (!CREDENTIAL_TYPES.has(spec.type)) continue;
      const field = node.type === httpNode.type ? 'url' : config.endpoint ? 'endpoint' : 'wsdlUrl';
      // A WS-Security connection puts nothing on the WSDL request: only its endpoint matters.
      if (spec.type === 'soap_ws_security' && field === 'wsdlUrl') continue;
      const origin = staticOrigin(config[field], exposedFields(spec));
      if (!origin || spec.allowedOrigins.includes(origin)) continue;
      const allowed = spec.allowedOrigins.length > 0 ? spec.allowedOrigins.join(', ') : 'no origin';
      issue(
        'connection_origin',
        `config.${field}`,
        `connection ${conn} may send its credentials only to ${allowed}, not to ${origin} ` +
          `(add it to the connection's allowed origins if it belongs there) [CONNECTION_ORIGIN_NOT_ALLOWED]`,
      );
    }
    return out;
  }
}
