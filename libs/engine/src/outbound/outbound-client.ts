import { Agent, buildConnector, type Dispatcher } from 'undici';
import { EngineError } from '../errors';
import { OutboundGuard, blockedError, type Resolver } from './outbound-guard';
import type { OutboundPolicy, OutboundRequest, OutboundResponse } from './outbound.types';
import type { CancelSignal } from '../runtime/run-cancel';
import { SecretMatcher, urlHoldsSecret } from '../runtime/secret-matcher';

/** Options of an OutboundClient (one per engine process: its keep-alive pools are shared). */
export interface OutboundClientOptions {
  policy: OutboundPolicy;
  /** Injectable DNS (tests); default `dns.promises.lookup(host, {all: true})`. */
  resolve?: Resolver;
  /** Redirects followed per request before HTTP_REDIRECTS (default 5). */
  maxRedirects?: number;
  /** Keep-alive connections per origin (default 128). */
  connectionsPerOrigin?: number;
  /** How long an idle keep-alive connection is kept (default undici's 4 s, or the server's hint). */
  keepAliveTimeoutMs?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Headers that describe the request body: dropped with the body when a redirect turns into GET.
const BODY_HEADERS = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
]);
// Headers that must not follow a redirect to another origin.
const ORIGIN_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'host']);

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function networkError(err: Error, origin: string): EngineError {
  const code = String((err as NodeJS.ErrnoException).code ?? err.name);
  if (code === 'UND_ERR_INVALID_ARG') {
    // undici names the offending header or part, never its value.
    const header = /header/i.test(err.message);
    return new EngineError(header ? 'HEADER_INVALID' : 'URL_INVALID', `invalid request to ${origin}: ${err.message}`, {
      origin,
    });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new EngineError('HTTP_TIMEOUT', `could not connect to ${origin} in time`, { origin, code }, { cause: err });
  }
  const what: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'DNS lookup failed',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'connection timed out',
    EPIPE: 'connection closed while sending',
    UND_ERR_SOCKET: 'connection closed by the server',
    UND_ERR_CLOSED: 'client closed',
    UND_ERR_DESTROYED: 'client closed',
  };
  const tls = /CERT|TLS|SSL|ERR_SSL/.test(code);
  const text = what[code] ?? (tls ? 'TLS handshake failed' : 'network error');
  return new EngineError('HTTP_NETWORK', `${text} (${code}) calling ${origin}`, { origin, code }, { cause: err });
}

function tooLarge(origin: string, max: number): EngineError {
  return new EngineError('RESPONSE_TOO_LARGE', `response from ${origin} is larger than ${max} bytes`, {
    origin,
    maxResponseBytes: max,
  });
}

/** One request/response on the wire, as an undici dispatch handler (no stream objects per request). */
class Exchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private settled = false;
  private failure: Error | null = null;
  private status = 0;
  private headers: Record<string, string> = {};
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(
    readonly origin: string,
    private readonly head: boolean,
    private readonly max: number,
    private readonly done: (res: RawResponse) => void,
    private readonly failed: (err: Error) => void,
  ) {}

  /** Settles with `err` and aborts the request, closing its connection if one is in use. */
  fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.failure = err;
    this.chunks = [];
    this.failed(err);
    // Not started yet (queued or connecting): onRequestStart aborts it.
    this.controller?.abort(err);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.failure) controller.abort(this.failure);
    else this.controller = controller;
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (status < 200) return; // 1xx informational: the real answer follows
    this.controller = controller;
    this.status = status;
    const out: Record<string, string> = {};
    for (const name in headers) {
      const v = headers[name];
      if (v !== undefined) out[name] = Array.isArray(v) ? v.join(name === 'set-cookie' ? '\n' : ', ') : v;
    }
    this.headers = out;
    // HEAD, 204 and 304 carry no body whatever their content-length says.
    const length = out['content-length'];
    if (length !== undefined && Number(length) > this.max && !this.head && status !== 204 && status !== 304) {
      this.fail(tooLarge(this.origin, this.max));
    }
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    this.size += chunk.length;
    if (this.size > this.max) this.fail(tooLarge(this.origin, this.max));
    else this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    const res = { status: this.status, headers: this.headers, body };
    // undici frees a pipelining-1 socket in a setImmediate queued right after this callback; answering
    // after it lets a caller's next request reuse this socket instead of opening a second one.
    queueMicrotask(() => setImmediate(this.done, res));
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.settled) return;
    this.fail(err instanceof EngineError ? err : networkError(err, this.origin));
  }
}

/** Abort bookkeeping of one request() call across its redirect hops (timeout + external signal). */
class Call {
  reason: Error | null = null;
  current: Exchange | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort: (() => void) | null = null;

  constructor(
    private readonly timeoutMs: number,
    private readonly signal: CancelSignal | undefined,
  ) {
    // Node turns delays above 2^31-1 ms into 1 ms: clamp instead.
    this.timer = setTimeout(() => this.abort(this.timeoutError()), Math.min(timeoutMs, 2 ** 31 - 1));
    if (signal) {
      this.onAbort = () => this.abort(Call.abortError(signal));
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** The caller's reason if it is an EngineError (e.g. RUN_DEADLINE), else RUN_ABORTED. */
  static abortError(signal: CancelSignal): EngineError {
    return signal.reason instanceof EngineError
      ? signal.reason
      : new EngineError('RUN_ABORTED', 'outbound request aborted: the run was cancelled');
  }

  private timeoutError(): EngineError {
    const origin = this.current?.origin ?? 'the server';
    return new EngineError('HTTP_TIMEOUT', `no answer from ${origin} within ${this.timeoutMs} ms`, {
      origin,
      timeoutMs: this.timeoutMs,
    });
  }

  private abort(err: Error): void {
    if (this.reason) return;
    this.reason = err;
    this.current?.fail(err);
  }

  dispose(): void {
    clearTimeout(this.timer);
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
  }
}

/** OUTBOUND_BLOCKED for a redirect not followed (origins only: the paths may hold the credential). */
function redirectRefused(from: URL, to: URL, why: string): EngineError {
  return new EngineError('OUTBOUND_BLOCKED', `${from.origin} redirected to ${to.origin} ${why}: not followed`, {
    origin: from.origin,
    location: to.origin,
  });
}

function bodyText(body: string | Buffer): string {
  return typeof body === 'string' ? body : body.toString('utf8');
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  for (const key in headers) if (key.toLowerCase() === name) return true;
  return false;
}

/** Basic auth from `user:pass@` in the URL (unless an Authorization header is given). */
function withUrlCredentials(url: URL, headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (url.username === '' && url.password === '') return headers;
  if (headers && hasHeader(headers, 'authorization')) return headers;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const token = Buffer.from(`${decode(url.username)}:${decode(url.password)}`).toString('base64');
  return { ...headers, authorization: `Basic ${token}` };
}

/** The URL without credentials (it is returned to flows and may be recorded). */
function publicHref(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/**
 * The engine's only way out: HTTP(S) requests over keep-alive pools whose sockets connect only to
 * addresses the guard permitted, with manual, re-checked redirects, a timeout and a size cap.
 */
export class OutboundClient {
  /** The guard deciding which hosts and addresses may be reached. */
  readonly guard: OutboundGuard;
  private readonly agent: Agent;
  private readonly maxRedirects: number;

  constructor(opts: OutboundClientOptions) {
    this.guard = new OutboundGuard(opts.policy, { resolve: opts.resolve });
    this.maxRedirects = opts.maxRedirects ?? 5;
    const guard = this.guard;
    // The lookup hands the socket only checked addresses (a hostname is resolved once, by us).
    const base = buildConnector({ lookup: guard.lookup });
    // Belt and braces: whatever path the socket took, verify the peer it actually reached.
    const connect: buildConnector.connector = (options, callback) => {
      base(options, (err, socket) => {
        if (err) return callback(err, null);
        const refusal = socket.remoteAddress
          ? guard.refusal(socket.remoteAddress, options.hostname)
          : { address: 'unknown', range: 'unknown' };
        if (refusal === null) return callback(null, socket);
        socket.destroy();
        callback(blockedError(options.hostname, refusal), null);
      });
    };
    this.agent = new Agent({
      connect,
      connections: opts.connectionsPerOrigin ?? 128,
      pipelining: 1,
      ...(opts.keepAliveTimeoutMs !== undefined ? { keepAliveTimeout: opts.keepAliveTimeoutMs } : {}),
      // Our own timer covers connect, headers and body for the whole call.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  /** Sends the request (following redirects unless disabled); non-2xx statuses are answers, not errors. */
  async request(req: OutboundRequest): Promise<OutboundResponse> {
    let url: URL;
    try {
      url = typeof req.url === 'string' ? new URL(req.url) : req.url;
    } catch {
      throw new EngineError('URL_INVALID', 'the URL is not valid');
    }
    if (req.signal?.aborted) throw Call.abortError(req.signal);
    let method = req.method.toUpperCase();
    let headers = withUrlCredentials(url, req.headers);
    let body: string | Buffer | undefined = req.body;
    const call = new Call(req.timeoutMs, req.signal);
    try {
      for (let redirects = 0; ; redirects++) {
        // DNS-free checks here; host names are resolved and checked by the connector's lookup.
        this.guard.precheck(url);
        const res = await this.exchange(call, url, method, headers, body, req.maxResponseBytes);
        const location = res.headers.location;
        if (req.followRedirects === false || !REDIRECT_STATUSES.has(res.status) || !location) {
          return { status: res.status, headers: res.headers, body: res.body, url: publicHref(url), redirects };
        }
        if (redirects >= this.maxRedirects) {
          throw new EngineError('HTTP_REDIRECTS', `more than ${this.maxRedirects} redirects from ${url.origin}`, {
            origin: url.origin,
            maxRedirects: this.maxRedirects,
          });
        }
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new EngineError('URL_INVALID', `redirect from ${url.origin} to an invalid location`, {
            origin: url.origin,
          });
        }
        // Fetch semantics: 303 (and 301/302 after POST) become GET without a body; 307/308 keep both.
        const toGet =
          (res.status === 303 && method !== 'HEAD') ||
          ((res.status === 301 || res.status === 302) && method === 'POST');
        const crossOrigin = next.origin !== url.origin;
        const added = crossOrigin ? req.credentials : undefined;
        const found = added?.values && added.values.length > 0 ? SecretMatcher.of(added.values) : undefined;
        // A token placed in the body would go along (307/308 keep the body): never to another origin.
        // So would a WS-Security password or a hash of a secret in a SOAP envelope or a body.
        if (added && !toGet && body !== undefined && (added.body || found?.finds(bodyText(body)))) {
          throw redirectRefused(url, next, "keeping the body, which holds the connection's credentials");
        }
        if ((toGet || crossOrigin) && headers) {
          const kept: Record<string, string> = {};
          for (const name in headers) {
            const lower = name.toLowerCase();
            if ((toGet && BODY_HEADERS.has(lower)) || (crossOrigin && ORIGIN_HEADERS.has(lower))) continue;
            // Whatever the connection added (an api_key header, a token's header) stays with its origin.
            if (added && (added.headers.includes(lower) || found?.finds(headers[name]!))) continue;
            kept[name] = headers[name];
          }
          headers = kept;
        }
        if (added) {
          // Its query credentials too, should the other origin's Location carry them back (an open redirect).
          for (const name of added.query) if (next.searchParams.has(name)) next.searchParams.delete(name);
          // A credential anywhere else in the next URL (a path-placed token, the original URL reflected
          // in a parameter, percent-encoded or in base64): not followed.
          if (found && urlHoldsSecret(next.href, found)) {
            throw redirectRefused(url, next, "to a URL that holds the connection's credentials");
          }
        }
        if (toGet) {
          method = 'GET';
          body = undefined;
        }
        headers = withUrlCredentials(next, headers);
        url = next;
      }
    } finally {
      call.dispose();
    }
  }

  /** Closes the keep-alive pools (waits for requests in flight). */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private exchange(
    call: Call,
    url: URL,
    method: string,
    headers: Record<string, string> | undefined,
    body: string | Buffer | undefined,
    max: number,
  ): Promise<RawResponse> {
    if (call.reason) return Promise.reject(call.reason);
    return new Promise<RawResponse>((resolve, reject) => {
      const origin = url.origin; // a getter that builds a new string each read
      const ex = new Exchange(origin, method === 'HEAD', max, resolve, reject);
      call.current = ex;
      this.agent.dispatch({ origin, path: url.pathname + url.search, method, headers, body: body ?? null }, ex);
    });
  }
}
