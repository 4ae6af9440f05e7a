import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { WebhookAuth } from '@callflow/flow';
import type { Request } from 'express';
import querystring from 'node:querystring';
import { PublishedFlowsService, type PublishedFlow } from '../runs/published-flows.service';
import { WebhookSecretsService } from '../webhook-secrets/webhook-secrets.service';

/** Query parameters a webhook reads at most (as Express's parser). */
const MAX_PARAMS = 1000;

/**
 * A webhook's query as its caller wrote it: percent-decoded, but `+` stays a plus. RetailCRM sends
 * `phone=+79121234567` unencoded; a form-style parser (Express's, qs, URLSearchParams) would turn
 * the `+` into a space. `%2B` is a plus and `%20` a space, as always; malformed escapes are decoded
 * leniently as Express's parser does (a broken UTF-8 sequence gives U+FFFD, a lone `%` stays). A
 * repeated name gives a list. Null-prototype: `__proto__` is a name like others.
 */
export function webhookQuery(originalUrl: string): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>;
  const at = originalUrl.indexOf('?');
  if (at < 0) return out;
  const raw = originalUrl.slice(at + 1);
  let count = 0;
  for (const part of raw.split('&')) {
    if (!part) continue;
    if (++count > MAX_PARAMS) break;
    const eq = part.indexOf('=');
    const name = querystring.unescape(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : querystring.unescape(part.slice(eq + 1));
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** The value a caller presented where the trigger's `auth` says (a single string, or undefined). */
export function presentedSecret(
  auth: WebhookAuth,
  query: Record<string, string | string[]>,
  req: Request,
): string | undefined {
  const v = auth.in === 'query' ? query[auth.name] : req.headers[auth.name.toLowerCase()];
  return typeof v === 'string' && v.length > 0 && v.length <= 512 ? v : undefined;
}

const REFUSED = 'a valid API key or this flow\'s webhook secret is required';

/**
 * Authenticates a webhook call that carries no API key by the flow's own secret: among the
 * published webhook flows with this key (in any tenant: no credential names one) whose trigger sets
 * `auth`, exactly one must hold the presented secret (constant-time compare). The secret opens that
 * flow only; every failure is the same 401.
 */
@Injectable()
export class WebhookSecretAuth {
  constructor(
    private readonly published: PublishedFlowsService,
    private readonly secrets: WebhookSecretsService,
  ) {}

  async resolve(flowKey: string, req: Request, query: Record<string, string | string[]>): Promise<PublishedFlow> {
    const candidates = (await this.published.webhooksByKeyAnyTenant(flowKey)).filter((f) => f.triggerConfig.auth);
    const matched: typeof candidates = [];
    for (const flow of candidates) {
      const presented = presentedSecret(flow.triggerConfig.auth as WebhookAuth, query, req);
      if (presented === undefined) continue;
      if (await this.secrets.matches(flow.tenantId, flow.flowId, presented)) matched.push(flow);
    }
    if (matched.length !== 1) throw new UnauthorizedException(REFUSED);
    const found = await this.published.byKey(matched[0]!.tenantId, flowKey);
    if (found.state !== 'published' || found.flow.flowId !== matched[0]!.flowId) {
      throw new UnauthorizedException(REFUSED);
    }
    return found.flow;
  }
}
