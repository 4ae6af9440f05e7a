import { LRUCache } from 'lru-cache';
import { Client, type ISecurity } from 'soap';
import { EngineError } from '../errors';
import { OutboundHttpClient } from './outbound-http-client';
import { httpStatusError, shownUrl, toRequestBuildError, toSoapCallError, withExchange } from './soap-errors';
import { orderArgs } from './arg-order';
import { argKeysOf, clientCallOptions, optionsKey, type SoapClientOptions } from './client-options';
import type { OutboundRequester, SoapCallRequest, SoapCallResult, SoapDescription, WsdlAuthorize } from './soap.types';
import { httpUrl, loadWsdl } from './wsdl-loader';
import { readWsdlMeta } from './wsdl-meta';
import { RunCancel, type CancelSignal } from '../runtime/run-cancel';
import type { AppliedCredentials } from '../types';
import { mergeCredentials } from '../outbound/applied-credentials';
import { anySignal, timeoutSignal, untilAborted } from './abort-signals';
import {
  attachmentsOf,
  credentialsKey,
  describeWsdl,
  inputPlan,
  orderHeaders,
  resolveAgainst,
  resolveOperation,
  type CachedWsdl,
  type Target,
} from './wsdl-model';

const ENVELOPE_SECURITY: AppliedCredentials = { headers: [], query: [], body: true };

export * from './soap.types';
export { soapExchangeOf } from './soap-errors';

/** Options of a SoapService. */
export interface SoapServiceOptions {
  /** The engine's OutboundClient: every WSDL fetch and every call goes through it. */
  outbound: OutboundRequester;
  /** Parsed WSDLs kept (LRU); default 100. */
  cacheSize?: number;
  /** How long a parsed WSDL is reused; default 10 minutes. */
  ttlMs?: number;
  /** Budget for loading a WSDL with all its imports; default 10 s. */
  wsdlTimeoutMs?: number;
  /** Per document; default 5 MB. */
  maxWsdlBytes?: number;
  /** WSDL plus imports; default 50. */
  maxWsdlDocuments?: number;
}

type Purpose = 'call' | 'describe';
type MethodCallback = (
  err: unknown,
  result: unknown,
  raw: unknown,
  soapHeader: unknown,
  rawRequest?: unknown,
  attachments?: unknown,
) => void;
type PortMethod = (args: unknown, cb: MethodCallback, options: object, extraHeaders?: Record<string, string>) => void;

/** Calls SOAP operations and describes WSDLs; parsed WSDLs are cached per URL. */
export class SoapService {
  private readonly outbound: OutboundRequester;
  private readonly cache: LRUCache<string, CachedWsdl>;
  private readonly loading = new Map<string, Promise<CachedWsdl>>();
  private readonly wsdlTimeoutMs: number;
  private readonly maxWsdlBytes: number;
  private readonly maxWsdlDocuments: number;

  constructor(opts: SoapServiceOptions) {
    this.outbound = opts.outbound;
    this.cache = new LRUCache({ max: opts.cacheSize ?? 100, ttl: opts.ttlMs ?? 10 * 60_000 });
    this.wsdlTimeoutMs = opts.wsdlTimeoutMs ?? 10_000;
    this.maxWsdlBytes = opts.maxWsdlBytes ?? 5 * 1024 * 1024;
    this.maxWsdlDocuments = opts.maxWsdlDocuments ?? 50;
  }

  /**
   * Calls one operation; throws EngineError (WSDL_LOAD, SOAP_OPERATION_NOT_FOUND, SOAP_FAULT, HTTP_*, OUTBOUND_BLOCKED,
   * ...).
   */
  async call(req: SoapCallRequest): Promise<SoapCallResult> {
    const entry = await this.wsdl(req.wsdlUrl, 'call', req.signal, req.wsdlAuthorize, req.clientOptions);
    const target = resolveOperation(entry, req);
    const rawEndpoint = req.endpoint ?? (target.location ? resolveAgainst(target.location, entry.url) : undefined);
    if (!rawEndpoint) {
      throw new EngineError('URL_INVALID', `port ${target.service}/${target.port} has no address; set the endpoint`);
    }
    // Security in the envelope (WS-Security, a digest too) must not follow a 307/308 to another origin.
    const inEnvelope = req.security ? mergeCredentials(ENVELOPE_SECURITY, req.credentials) : req.credentials;
    if (!req.authorize && !(req.security && req.checkOrigin)) {
      return this.invoke(entry, target, req, rawEndpoint, inEnvelope);
    }
    // Credentials go to the address the envelope is really posted to, once its origin is checked.
    let url: URL;
    try {
      url = new URL(rawEndpoint);
    } catch {
      throw new EngineError('URL_INVALID', `the SOAP endpoint ${shownUrl(rawEndpoint)} is not a valid absolute URL`);
    }
    if (req.security) req.checkOrigin?.(url);
    const headers = (req.httpHeaders ??= {});
    const signal = req.signal ?? new RunCancel();
    const credentials = req.authorize ? ((await req.authorize({ url, headers }, signal)) ?? undefined) : undefined;
    return this.invoke(entry, target, req, url.href, mergeCredentials(credentials, inEnvelope));
  }

  /**
   * Services, ports and operations of a WSDL with their input and output shapes (`authorize`: a WSDL behind
   * authentication).
   */
  async describe(
    wsdlUrl: string,
    opts: {
      timeoutMs?: number;
      signal?: AbortSignal;
      authorize?: WsdlAuthorize;
      clientOptions?: SoapClientOptions;
    } = {},
  ): Promise<SoapDescription> {
    const signal = opts.timeoutMs ? anySignal(opts.signal, timeoutSignal(opts.timeoutMs)) : opts.signal;
    const entry = await this.wsdl(wsdlUrl, 'describe', signal, opts.authorize, opts.clientOptions);
    entry.description ??= describeWsdl(entry);
    return entry.description;
  }

  /**
   * The parsed WSDL for a URL: from the cache, from a load already under way, or loaded now.
   * Calls and describe() use separate entries: node-soap's describe() writes into the parsed
   * model (namespaces of elements), which must not change the XML later calls produce.
   */
  private async wsdl(
    rawUrl: string,
    purpose: Purpose,
    signal?: CancelSignal,
    authorize?: WsdlAuthorize,
    options?: SoapClientOptions,
  ): Promise<CachedWsdl> {
    const url = httpUrl(rawUrl);
    if (!url)
      throw new EngineError('URL_INVALID', 'the WSDL URL must be an absolute http(s) URL', {
        wsdlUrl: shownUrl(rawUrl),
      });
    // A WSDL loaded with credentials is cached under them: a caller without them (another tenant,
    // another connection) loads it itself and gets the server's answer to it, not this copy.
    // Client options change the parsed model (namespaces, keys, overrides): one entry per set of them.
    const opts = optionsKey(options);
    const creds = authorize ? ` ${await credentialsKey(url, authorize, signal)}` : '';
    const key = `${purpose} ${url}${creds}${opts ? ` ${opts}` : ''}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    let pending = this.loading.get(key);
    if (!pending) {
      // Not tied to the first caller's signal: other runs may be waiting on the same load.
      pending = this.load(url, authorize, options).then((entry) => {
        this.cache.set(key, entry);
        return entry;
      });
      const forget = () => this.loading.delete(key);
      pending.then(forget, forget);
      this.loading.set(key, pending);
    }
    return signal ? untilAborted(pending, signal) : pending;
  }

  private async load(url: string, authorize?: WsdlAuthorize, options?: SoapClientOptions): Promise<CachedWsdl> {
    const loaded = await loadWsdl(url, {
      outbound: this.outbound,
      authorize,
      clientOptions: options,
      timeoutMs: this.wsdlTimeoutMs,
      maxDocumentBytes: this.maxWsdlBytes,
      maxDocuments: this.maxWsdlDocuments,
    });
    const meta = readWsdlMeta(loaded.documents.values());
    return { url: loaded.url, wsdl: loaded.wsdl, meta, ...(options ? { options } : {}) };
  }

  private invoke(
    entry: CachedWsdl,
    target: Target,
    req: SoapCallRequest,
    endpoint: string,
    credentials: AppliedCredentials | undefined,
  ): Promise<SoapCallResult> {
    return new Promise<SoapCallResult>((resolve, reject) => {
      const http = new OutboundHttpClient({
        outbound: this.outbound,
        credentials,
        timeoutMs: req.timeoutMs,
        signal: req.signal,
        maxResponseBytes: req.maxResponseBytes,
        parseAttachments: entry.options?.parseResponseAttachments === true,
        onInternalError: (err) => reject(toRequestBuildError(err)),
      });
      http.exchange.endpoint = shownUrl(endpoint);
      try {
        // A Client per call over the shared parsed WSDL: headers, security and endpoint are
        // per-call state in node-soap's Client, so a shared Client would mix concurrent calls.
        // The options are the entry's own (they are part of its cache key), so what a Client writes
        // into the shared WSDL from them is the same for every call on it.
        const client = new Client(entry.wsdl, endpoint, {
          ...clientCallOptions(entry.options),
          httpClient: http,
          forceSoap12Headers: target.soapVersion === '1.2' || entry.options?.forceSoap12Headers === true,
        });
        if (req.soapHeaders && Object.keys(req.soapHeaders).length > 0) {
          client.addSoapHeader(orderHeaders(entry, req.soapHeaders));
        }
        if (req.security) client.setSecurity(req.security as ISecurity);
        const services = client as unknown as Record<string, Record<string, Record<string, PortMethod>>>;
        const method = services[target.service]?.[target.port]?.[req.operation];
        if (typeof method !== 'function') throw new Error(`operation ${req.operation} is not callable`);
        method(
          orderArgs(req.args ?? {}, inputPlan(entry, target, req.operation), argKeysOf(entry.options)),
          (err, result, _raw, soapHeader, _rawRequest, attachments) => {
            const exchange = http.exchange;
            if (err) return reject(withExchange(toSoapCallError(err, exchange), exchange));
            const status = exchange.status ?? 0;
            if (status >= 400) return reject(withExchange(httpStatusError(status), exchange));
            resolve({
              result: result ?? null,
              headers: soapHeader ?? undefined,
              requestXml: exchange.requestXml ?? '',
              responseXml: exchange.responseXml ?? '',
              status,
              endpoint: exchange.endpoint,
              ...(attachments ? { attachments: attachmentsOf(attachments) } : {}),
            });
          },
          {},
          req.httpHeaders,
        );
      } catch (err) {
        reject(toRequestBuildError(err));
      }
    });
  }
}
