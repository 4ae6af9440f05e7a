import type { CancelSignal } from '../runtime/run-cancel';
import type { AppliedCredentials } from '../types';

/** Which private targets may be reached; everything public is allowed, metadata never. */
export interface OutboundPolicy {
  /** Host names (exact, or `*.example.com`) and IPs/CIDRs that may be reached even if private or loopback. */
  allow: string[];
}

export interface OutboundRequest {
  method: string;
  /** A URL object is used as given (not copied: the caller must not change it while the request runs). */
  url: string | URL;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Aborts the request (and the body read) after this many ms: HTTP_TIMEOUT. */
  timeoutMs: number;
  /** External abort (run deadline): RUN_DEADLINE / RUN_ABORTED are raised by the caller. */
  signal?: CancelSignal;
  /** Past this many body bytes the read stops: RESPONSE_TOO_LARGE. */
  maxResponseBytes: number;
  /** Follow up to 5 redirects, each re-checked by the guard (default true). */
  followRedirects?: boolean;
  /**
   * What a connection added (see ResolvedConnection.authorize): those headers and query
   * parameters are removed when a redirect leads to another origin (as Authorization and Cookie always are);
   * a redirect to another origin that would carry a credential in its URL or kept body is refused (OUTBOUND_BLOCKED).
   */
  credentials?: AppliedCredentials;
}

export interface OutboundResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", " (set-cookie with "\n"). */
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
  redirects: number;
}
