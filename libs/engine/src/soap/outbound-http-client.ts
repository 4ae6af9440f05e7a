import { Readable } from 'node:stream';
import { HttpClient } from 'soap';
import { EngineError } from '../errors';
import { shownUrl } from './soap-errors';
import type { OutboundRequester, SoapExchange } from './soap.types';
import type { CancelSignal } from '../runtime/run-cancel';
import { multipartBoundary, parseMultipart, type MimePart } from './mtom';
import type { AppliedCredentials } from '../types';
import { MAX_RESPONSE_DEPTH, xmlTooDeep } from '../runtime/depth-limits';

/** Per-call settings of an OutboundHttpClient. */
export interface OutboundHttpClientOptions {
  outbound: OutboundRequester;
  timeoutMs: number;
  signal?: CancelSignal;
  maxResponseBytes: number;
  /** Read a multipart/related (MTOM) answer: the envelope from its first part, the rest as attachments. */
  parseAttachments?: boolean;
  /** Called when node-soap's own response callback throws (so the call fails instead of hanging). */
  onInternalError?: (err: unknown) => void;
  /** What the connection added: removed on a redirect to another origin (see OutboundRequest.credentials). */
  credentials?: AppliedCredentials;
}

/** The axios-like response object node-soap's Client reads. */
interface SoapHttpResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  data: unknown;
  config: { url: string; method: string; headers: Record<string, string> };
  /** Read by node-soap's Client and handed to the call's callback. */
  mtomResponseAttachments?: { parts: MimePart[] };
}

// node-soap types these as axios promises; it only ever ignores or awaits them.
type RequestPromise = ReturnType<HttpClient['request']>;
type StreamPromise = ReturnType<HttpClient['requestStream']>;

// Set by node-soap, but derived from the URL and body by the outbound client itself.
const DROPPED_HEADERS = new Set(['host', 'content-length']);

/** Decodes a response body by the charset of its content type (UTF-8 when unknown). */
export function decodeBody(body: Buffer, contentType: string | undefined): string {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  if (charset && !/^utf-?8$/i.test(charset)) {
    try {
      return new TextDecoder(charset).decode(body);
    } catch {
      // unknown label: fall back to UTF-8 below
    }
  }
  return body.toString('utf8');
}

/**
 * node-soap's `httpClient` for one call: it keeps node-soap's request building (SOAP headers,
 * MTOM, gzip) but sends every request through the OutboundClient, never through axios.
 * It records the exchange for the step record.
 */
export class OutboundHttpClient extends HttpClient {
  /** What was sent and received (the last request of the call). */
  readonly exchange: SoapExchange = { endpoint: '' };

  constructor(private readonly opts: OutboundHttpClientOptions) {
    // `request` is the axios instance node-soap would fall back to; make any such path fail loudly.
    super({ request: refuseDirectHttp as never });
  }

  override request(
    rurl: string,
    data: unknown,
    callback: (error: unknown, res?: unknown, body?: unknown) => unknown,
    exheaders?: Record<string, unknown>,
    exoptions?: Record<string, unknown>,
  ): RequestPromise {
    const sent = this.send(rurl, data, exheaders, exoptions);
    sent
      .then(
        (res) => {
          res.data = this.handleResponse(undefined as never, res as never, res.data);
          callback(null, res, res.data);
        },
        (err: unknown) => callback(err),
      )
      .catch((err: unknown) => this.opts.onInternalError?.(err));
    // node-soap ignores the returned promise; it must never reject unhandled.
    return sent.catch(() => undefined) as unknown as RequestPromise;
  }

  override requestStream(
    rurl: string,
    data: unknown,
    exheaders?: Record<string, unknown>,
    exoptions?: Record<string, unknown>,
  ): StreamPromise {
    // Only used with the `stream` client option (not set by the engine); the body is buffered anyway.
    return this.send(rurl, data, exheaders, exoptions).then((res) => {
      const text = res.data as string;
      return { ...res, data: Readable.from([Buffer.from(text, 'utf8')]) };
    }) as unknown as StreamPromise;
  }

  private async send(
    rurl: string,
    data: unknown,
    exheaders?: Record<string, unknown>,
    exoptions?: Record<string, unknown>,
  ): Promise<SoapHttpResponse> {
    if (exoptions?.ntlm) {
      // axios-ntlm would open its own connection around the outbound guard.
      throw new EngineError('FLOW_INVALID', 'NTLM authentication is not supported for SOAP calls');
    }
    if (exoptions?.httpsAgent || exoptions?.httpAgent || exoptions?.cert || exoptions?.pfx) {
      // Client-certificate security would be silently dropped: the outbound client owns the sockets.
      throw new EngineError('FLOW_INVALID', 'client TLS certificates are not supported for SOAP calls');
    }
    const built = this.buildRequest(rurl, data, exheaders as never, (exoptions ?? {}) as never) as {
      url: string;
      method: string;
      headers: Record<string, unknown>;
      data?: string | Buffer;
    };
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(built.headers)) {
      if (value === undefined || value === null || DROPPED_HEADERS.has(name.toLowerCase())) continue;
      const text = String(value);
      if (/[\r\n]/.test(text)) throw new EngineError('HEADER_INVALID', `HTTP header ${name} contains a line break`);
      headers[name] = text;
    }
    const body = built.data;
    this.exchange.endpoint = shownUrl(rurl);
    this.exchange.requestXml = typeof body === 'string' ? body : typeof data === 'string' ? data : undefined;
    const res = await this.opts.outbound.request({
      method: built.method,
      url: built.url,
      headers,
      body: body === undefined || body === null ? undefined : body,
      timeoutMs: this.opts.timeoutMs,
      signal: this.opts.signal,
      maxResponseBytes: this.opts.maxResponseBytes,
      credentials: this.opts.credentials,
    });
    const boundary = this.opts.parseAttachments ? multipartBoundary(res.headers['content-type']) : undefined;
    let text: string;
    let attachments: MimePart[] | undefined;
    if (boundary) {
      let parts: MimePart[];
      try {
        parts = parseMultipart(res.body, boundary);
      } catch (err) {
        throw new EngineError('RESPONSE_PARSE', `the SOAP answer could not be read: ${(err as Error).message}`, {
          status: res.status,
        });
      }
      text = decodeBody(parts[0]!.body, parts[0]!.headers['content-type']);
      attachments = parts.slice(1);
    } else {
      text = decodeBody(res.body, res.headers['content-type']);
    }
    this.exchange.status = res.status;
    this.exchange.responseXml = text;
    // node-soap would build an object as deep as the XML (its result then overflows what walks it).
    if (xmlTooDeep(text)) {
      const message = `the SOAP answer nests XML elements deeper than ${MAX_RESPONSE_DEPTH} levels`;
      throw new EngineError('RESPONSE_PARSE', message, { status: res.status });
    }
    return {
      status: res.status,
      statusText: '',
      headers: res.headers,
      data: text,
      config: { url: res.url, method: built.method, headers },
      ...(attachments ? { mtomResponseAttachments: { parts: attachments } } : {}),
    };
  }
}

function refuseDirectHttp(): Promise<never> {
  return Promise.reject(new EngineError('INTERNAL', 'SOAP HTTP must go through the outbound client'));
}
