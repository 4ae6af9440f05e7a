import { Injectable } from '@nestjs/common';
import { exposedFields, originOfUrl, type ConnectionSpec } from '@callflow/engine';
import { ConnectionsResolverFactory } from './connections-resolver.factory';
import { CREDENTIAL_TYPES } from './connection-origins';

/** A node whose connection's credentials would go to an origin the connection does not list. */
export interface OriginIssue {
  nodeId: string;
  path: string;
  message: string;
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

/**
 * Validation that needs the tenant's connections (issue 16 §5): an http or soap node whose URL
 * (http `url`, soap `endpoint`, else its `wsdlUrl`, which is loaded with the credentials) is on an
 * origin its connection does not allow. Test runs and publishing answer 422 with these.
 */
@Injectable()
export class ConnectionOriginCheck {
  constructor(private readonly resolvers: ConnectionsResolverFactory) {}

  async issues(tenantId: string, definition: unknown): Promise<OriginIssue[]> {
    const nodes = (definition as { nodes?: unknown } | null)?.nodes;
    if (!Array.isArray(nodes)) return [];
    const out: OriginIssue[] = [];
    for (const node of nodes as { id?: unknown; type?: unknown; config?: Record<string, unknown> }[]) {
      if ((node?.type !== 'http' && node?.type !== 'soap') || typeof node.id !== 'string') continue;
      const config = node.config ?? {};
      const ref = config.connectionId;
      if (typeof ref !== 'string' || !ref || ref.startsWith('choose-connection:')) continue;
      const hit = await this.resolvers.load(tenantId, ref).catch(() => undefined);
      if (!hit || !CREDENTIAL_TYPES.has(hit.spec.type)) continue;
      const field = node.type === 'http' ? 'url' : config.endpoint ? 'endpoint' : 'wsdlUrl';
      // A WS-Security connection puts nothing on the WSDL request: only its endpoint matters.
      if (hit.spec.type === 'soap_ws_security' && field === 'wsdlUrl') continue;
      const origin = staticOrigin(config[field], exposedFields(hit.spec as ConnectionSpec));
      if (!origin || hit.spec.allowedOrigins.includes(origin)) continue;
      const allowed = hit.spec.allowedOrigins.length > 0 ? hit.spec.allowedOrigins.join(', ') : 'no origin';
      out.push({
        nodeId: node.id,
        path: `config.${field}`,
        message:
          `connection "${ref}" may send its credentials only to ${allowed}, not to ${origin} ` +
          `(add it to the connection's allowed origins if it belongs there) [CONNECTION_ORIGIN_NOT_ALLOWED]`,
      });
    }
    return out;
  }
}
