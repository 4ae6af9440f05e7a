import { EngineError } from '../errors';

/**
 * Where a connection's credentials may go (issue 16 §5): each connection lists the origins
 * (scheme, host, port) its credentials are sent to, and they are sent nowhere else. Origins are
 * compared exactly as the WHATWG URL parser writes them (the form the outbound client connects
 * to): lower-case scheme and host, IDN as punycode, IPv4 in dotted decimal (`0x7f.1` is
 * `127.0.0.1`), IPv6 compressed, default ports dropped. No wildcards and no suffix matching:
 * `https://crm.example.com` does not allow `https://evil.crm.example.com` or `http://crm.example.com`.
 */

/** Why `normalizeOrigin` refused an entry (the API's 400 says this). */
export class OriginSyntaxError extends Error {}

/** An allowed-origins entry in its canonical form (`https://crm.example.com:8443`); throws OriginSyntaxError. */
export function normalizeOrigin(entry: string): string {
  const raw = entry.trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OriginSyntaxError(`"${shorten(raw)}" is not an origin like https://crm.example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OriginSyntaxError(`"${shorten(raw)}": only http and https origins`);
  }
  if (url.username || url.password) throw new OriginSyntaxError(`"${shorten(raw)}": an origin has no user or password`);
  // A path, query or fragment would suggest a narrower rule than the one applied (the whole origin).
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || /[?#]/.test(raw)) {
    throw new OriginSyntaxError(`"${shorten(raw)}": give only scheme, host and port (e.g. ${url.origin}), no path`);
  }
  if (url.hostname.includes('*')) {
    throw new OriginSyntaxError(`"${shorten(raw)}": wildcards are not allowed; list each origin`);
  }
  return url.origin;
}

/** The origin of an absolute http(s) URL text, or undefined (relative, templated, other schemes). */
export function originOfUrl(text: unknown): string | undefined {
  if (typeof text !== 'string' || !/^https?:\/\//i.test(text.trim())) return undefined;
  try {
    const url = new URL(text.trim());
    return url.hostname ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

function shorten(s: string): string {
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
}

/** The check every credential path makes before it adds a connection's credentials to a request. */
export class OriginGate {
  private readonly allowed: ReadonlySet<string>;

  constructor(
    private readonly connectionId: string,
    origins: readonly string[] | undefined,
  ) {
    // Entries are canonical when the API stored them; normalising again costs nothing per request.
    const set = new Set<string>();
    for (const o of origins ?? []) {
      try {
        set.add(normalizeOrigin(o));
      } catch {
        // An unreadable entry allows nothing.
      }
    }
    this.allowed = set;
  }

  /** Throws CONNECTION_ORIGIN_NOT_ALLOWED unless `url`'s origin is one of the connection's. */
  check(url: URL, what = 'its credentials'): void {
    const origin = url.origin;
    if (this.allowed.has(origin)) return;
    const list = [...this.allowed];
    const message =
      list.length === 0
        ? `connection "${this.connectionId}" lists no allowed origins, so ${what} are sent nowhere: ` +
          `add ${origin} to its allowed origins if it belongs there`
        : `connection "${this.connectionId}" may send ${what} only to ${list.join(', ')}, not to ${origin}`;
    const details = { connectionId: this.connectionId, origin, allowedOrigins: list };
    throw new EngineError('CONNECTION_ORIGIN_NOT_ALLOWED', message, details);
  }
}
