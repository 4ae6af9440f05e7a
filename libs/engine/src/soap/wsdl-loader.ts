import { WSDL } from 'soap';
import { EngineError } from '../errors';
import { decodeBody } from './outbound-http-client';
import { shownUrl } from './soap-errors';
import { RunCancel } from '../runtime/run-cancel';
import type { OutboundRequester, WsdlAuthorize } from './soap.types';
import { wsdlParseOptions, type SoapClientOptions } from './client-options';

/** Limits and transport of one WSDL load. */
export interface WsdlLoadOptions {
  outbound: OutboundRequester;
  /** For the whole load: the WSDL and all its imports. */
  timeoutMs: number;
  maxDocumentBytes: number;
  maxDocuments: number;
  /** Credentials for documents on the WSDL's own origin (the WSDL and same-origin imports). */
  authorize?: WsdlAuthorize;
  /** The soap node's client options: several shape the parsed model. */
  clientOptions?: SoapClientOptions;
}

/** A parsed WSDL plus the text of every document it was built from (keyed by URL). */
export interface LoadedWsdl {
  url: string;
  wsdl: WSDL;
  documents: Map<string, string>;
}

/** The URL as an absolute http(s) URL string (without fragment), or null. */
export function httpUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  return url.href;
}

/**
 * Loads a WSDL and its imports through the outbound client and parses it with node-soap.
 *
 * How node-soap is kept off the file system: node-soap reads any location that is not http(s)
 * with fs.readFile (open_wsdl). So (1) the root document is fetched here and handed to the WSDL
 * constructor as text — node-soap never opens the root URL; (2) every import/include location
 * node-soap resolves passes through `wsdl_options.overrideImportLocation` (called by
 * _processNextInclude before open_wsdl for each import, at any depth), which refuses anything but
 * http(s) with WSDL_LOAD; (3) node-soap fetches the (http) imports through `options.httpClient`,
 * which is ours and goes through the outbound client (re-checking the scheme).
 */
export async function loadWsdl(rawUrl: string, opts: WsdlLoadOptions): Promise<LoadedWsdl> {
  const url = httpUrl(rawUrl);
  if (!url)
    throw new EngineError('URL_INVALID', 'the WSDL URL must be an absolute http(s) URL', { wsdlUrl: shownUrl(rawUrl) });
  const shown = shownUrl(url);
  const origin = new URL(url).origin;
  // A load may serve several callers: fetching credentials is not tied to one's signal (the load has its own deadline).
  const loadSignal = new RunCancel();
  const deadline = Date.now() + opts.timeoutMs;
  const documents = new Map<string, string>();

  const fetchDocument = async (docUrl: string): Promise<string> => {
    if (documents.size >= opts.maxDocuments) {
      throw new EngineError(
        'WSDL_LOAD',
        `the WSDL pulls in more than ${opts.maxDocuments} documents`,
        { wsdlUrl: shown },
        {
          retryable: false,
        },
      );
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0)
      throw new EngineError('HTTP_TIMEOUT', `loading the WSDL took longer than ${opts.timeoutMs} ms`, {
        wsdlUrl: shown,
      });
    documents.set(docUrl, ''); // counts towards the limit while in flight
    let res;
    try {
      // Credentials go to the WSDL's own origin only; messages keep naming the URL without them.
      const target = new URL(docUrl);
      const headers: Record<string, string> = { accept: 'text/xml, application/xml, application/wsdl+xml, */*;q=0.8' };
      // authorize checks the origin against the connection's list first; what it adds is dropped on a redirect
      // elsewhere.
      const own = opts.authorize && target.origin === origin;
      const credentials = own
        ? ((await opts.authorize!({ url: target, headers }, loadSignal)) ?? undefined)
        : undefined;
      res = await opts.outbound.request({
        method: 'GET',
        url: target,
        headers,
        timeoutMs: remaining,
        maxResponseBytes: opts.maxDocumentBytes,
        credentials,
      });
    } catch (err) {
      throw inContext(err, docUrl);
    }
    if (res.status < 200 || res.status > 299) {
      const where = shownUrl(docUrl);
      throw new EngineError('WSDL_LOAD', `WSDL document ${where} answered HTTP ${res.status}`, {
        url: where,
        status: res.status,
      });
    }
    const text = decodeBody(res.body, res.headers['content-type']);
    documents.set(docUrl, text);
    return text;
  };

  const rootXml = await fetchDocument(url);
  const wsdl = await parseWsdl(url, rootXml, fetchDocument, opts.clientOptions);
  return { url, wsdl, documents };
}

/** Only http(s) import locations are followed; anything else (file:, a path, ...) is refused. */
function guardImport(location: string): string {
  const url = httpUrl(location);
  if (!url) {
    const shown = shownUrl(location);
    throw new EngineError(
      'WSDL_LOAD',
      `WSDL import "${shown}" refused: only http(s) locations are loaded`,
      { location: shown },
      {
        retryable: false,
      },
    );
  }
  return url;
}

function parseWsdl(
  url: string,
  xml: string,
  fetchDocument: (url: string) => Promise<string>,
  clientOptions?: SoapClientOptions,
): Promise<WSDL> {
  return new Promise<WSDL>((resolve, reject) => {
    // node-soap's IHttpClient for import fetches (open_wsdl calls request(uri, null, cb)).
    const importClient = {
      request(rurl: string, _data: unknown, callback: (err: unknown, res?: unknown, body?: unknown) => void) {
        const done = Promise.resolve()
          .then(() => fetchDocument(guardImport(rurl)))
          .then(
            (text) => callback(null, { status: 200, data: text, headers: {} }, text),
            (err: unknown) => callback(err),
          );
        done.catch(reject);
        return done;
      },
    };
    const dates = clientOptions?.dates === 'text' ? asWritten : isoOrText;
    const options = {
      ...wsdlParseOptions(clientOptions),
      httpClient: importClient,
      WSDL_CACHE: {} as Record<string, WSDL>,
      wsdl_options: { overrideImportLocation: (resolved: string) => guardImport(resolved) },
      customDeserializer: { date: dates, dateTime: dates },
    };
    let wsdl: WSDL;
    try {
      wsdl = new WSDL(xml, url, options as never);
    } catch (err) {
      reject(asLoadError(err, url));
      return;
    }
    // As open_wsdl does: an import cycle back to the root finds it here instead of refetching.
    options.WSDL_CACHE[url] = wsdl;
    wsdl.onReady((err) => (err ? reject(asLoadError(err, url)) : resolve(wsdl)));
  });
}

/** Outbound errors keep their code (OUTBOUND_BLOCKED, HTTP_TIMEOUT, ...) with the document named. */
function inContext(err: unknown, docUrl: string): EngineError {
  if (!(err instanceof EngineError)) return asLoadError(err, docUrl);
  const where = shownUrl(docUrl);
  return new EngineError(
    err.code,
    `WSDL document ${where}: ${err.message}`,
    { ...err.details, url: where },
    {
      cause: err,
      retryable: err.retryable,
    },
  );
}

function asLoadError(err: unknown, rawUrl: string): EngineError {
  if (err instanceof EngineError) return err;
  const url = shownUrl(rawUrl);
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : 'unreadable WSDL';
  return new EngineError(
    'WSDL_LOAD',
    `WSDL ${url} could not be parsed: ${message.slice(0, 300)}`,
    { url },
    { cause: err, retryable: false },
  );
}

/**
 * xs:date and xs:dateTime values as ISO text, read that way when the response is parsed (flows and
 * templates get a predictable string, not a Date); one JavaScript cannot parse stays as the service
 * wrote it: node-soap made `2017-12-01-05:00` (a date with its zone, valid XML Schema) an invalid
 * Date, which came out as null.
 */
function asWritten(text: string): string {
  return text;
}

function isoOrText(text: string): string {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}
