import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { WebhookAuth } from '@callflow/flow';
import type { Request } from 'express';
import crypto from 'node:crypto';
import querystring from 'node:querystring';
import { TooManyAttemptsException } from '../platform/throttle/too-many-attempts.exception';
import { PublishedFlowsService, type PublishedFlow, type PublishedVersionRef } from '../flows/published-flows.service';
import { sameDigest, secretDigest } from '../webhook-secrets/webhook-secret-crypto';
import { WebhookSecretThrottle } from '../webhook-secrets/webhook-secret-throttle.service';
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

const REFUSED = "a valid API key or this flow's webhook secret is required";

/**
 * Authenticates a webhook call that carries no API key by the flow's own secret: among the
 * published webhook flows with this key (in any tenant: no credential names one) whose trigger sets
 * `auth`, exactly one must hold the presented secret (constant-time compare of digests). The secret
 * opens that flow only; every failure is the same 401. Wrong values are throttled per key and
 * client address (WebhookSecretThrottle: 429 with Retry-After past the limit); a valid call adds
 * no database round trip (the candidates and the digests are cached, the throttle is in memory).
 */
@Injectable()
export class WebhookSecretAuth {
  constructor(
    private readonly published: PublishedFlowsService,
    private readonly secrets: WebhookSecretsService,
    private readonly throttle: WebhookSecretThrottle,
  ) {}

  async resolve(flowKey: string, req: Request, query: Record<string, string | string[]>): Promise<PublishedFlow> {
    const candidates = await this.published.webhooksByKeyAnyTenant(flowKey);
    const tries: { flow: PublishedVersionRef; presented: Buffer; secret: Buffer | null }[] = [];
    // Flows of several tenants with this key usually look in the same place: each value is hashed once.
    const values = new Map<string, Buffer>();
    for (const flow of candidates) {
      if (!flow.triggerConfig.auth) continue;
      const value = presentedSecret(flow.triggerConfig.auth as WebhookAuth, query, req);
      if (value === undefined) continue;
      let presented = values.get(value);
      if (!presented) values.set(value, (presented = secretDigest(value)));
      tries.push({ flow, presented, secret: await this.secrets.secretDigestOf(flow.tenantId, flow.flowId) });
    }
    // Nothing presented where any flow with this key looks: no guess to count.
    if (tries.length === 0) throw new UnauthorizedException(REFUSED);
    // From here on synchronous until the verdict: concurrent guesses in this process are counted one by one.
    const ip = req.ip ?? '';
    const shown = shownValues([...values.values()]);
    const wait = this.throttle.gate(flowKey, ip, shown);
    if (wait > 0) throw new TooManyAttemptsException(TOO_MANY, wait);
    const matched = tries.filter((t) => t.secret !== null && sameDigest(t.presented, t.secret));
    if (matched.length === 0) {
      const blocked = await this.throttle.failed(flowKey, ip);
      throw blocked > 0 ? new TooManyAttemptsException(TOO_MANY, blocked) : new UnauthorizedException(REFUSED);
    }
    // Two tenants holding one value cannot arise since values are refused when held elsewhere; if
    // it ever does (a rename racing a set), neither is chosen: no tenant gets another's calls.
    if (matched.length !== 1) throw new UnauthorizedException(REFUSED);
    this.throttle.passed(flowKey, ip, shown);
    const found = await this.published.byKey(matched[0]!.flow.tenantId, flowKey);
    if (found.state !== 'published' || found.flow.flowId !== matched[0]!.flow.flowId) {
      throw new UnauthorizedException(REFUSED);
    }
    return found.flow;
  }
}

const TOO_MANY = 'too many wrong webhook secrets from this address for this flow key; try again later';

/**
 * What the throttle remembers a call by: the digest of the value presented, or of all of them
 * (sorted) when flows with this key look in different places (a known value beside a guess is not
 * a known call).
 */
function shownValues(digests: Buffer[]): string {
  if (digests.length === 1) return digests[0]!.toString('base64');
  const all = digests
    .map((d) => d.toString('base64'))
    .sort()
    .join(' ');
  return crypto.createHash('sha256').update(all).digest('base64');
}
