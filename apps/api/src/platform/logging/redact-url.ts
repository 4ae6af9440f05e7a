/**
 * What of a request URL reaches the log (docs/security.md, "Keys in logs"). Trigger routes carry
 * credentials in the query under names nobody can list in advance (`?token=`, a webhook flow's own
 * `auth: {in: query, name}` such as `crmId`, a name encoded any number of times), so there every
 * value is masked and only the names stay. Elsewhere values are masked when the name, decoded
 * until it no longer changes and in any case, looks like a secret.
 */

const MASK = '[redacted]';

/** Query parameters whose values never reach a log line outside the trigger routes. */
const SECRET_PARAM = /token|key|secret|passw|auth|sig|session|cookie/i;

/**
 * The routes where callers present credentials in the query: webhooks, IVR calls, events. Express
 * routes case-insensitively and tolerates a trailing slash; the path is matched loosely (decoded,
 * repeated slashes collapsed) so that no spelling that reaches a trigger escapes the rule.
 */
const TRIGGER_ROUTE = /^\/+api\/+v1\/+(?:ivr|hooks|events)(?:\/|$)/i;

/** Percent-decodes byte by byte, never throwing (a name may be malformed on purpose); `+` is a space. */
const decodeOnce = (s: string): string =>
  s.replace(/\+/g, ' ').replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));

/** Decodes until nothing changes (`%252574oken` → `%2574oken` → `%74oken` → `token`); each pass shortens it. */
export function decodeFully(s: string): string {
  let prev = s;
  for (;;) {
    const next = decodeOnce(prev);
    if (next === prev) return next;
    prev = next;
  }
}

/** True when `url` (a request's path and query) goes to a trigger route, however it is spelled. */
export function isTriggerUrl(url: string): boolean {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return TRIGGER_ROUTE.test(path) || (path.includes('%') && TRIGGER_ROUTE.test(decodeFully(path)));
}

/**
 * A URL for the logs. On trigger routes every query value is masked (`?crmId=[redacted]&phone=[redacted]`);
 * elsewhere the value of every parameter whose fully decoded name looks like a secret. Names are kept as sent.
 */
export function urlForLog(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const all = isTriggerUrl(url);
  const parts = url.slice(q + 1).split('&');
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    // A bare name on a trigger route (`?cfk_…`) may itself be the secret: it is masked whole.
    if (all ? part !== '' : SECRET_PARAM.test(decodeFully(name))) {
      parts[i] = eq < 0 && all ? MASK : `${name}=${MASK}`;
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q + 1)}${parts.join('&')}` : url;
}
