import type { OutboundRequest, OutboundResponse } from '../outbound/outbound.types';
import type { CancelSignal } from '../runtime/run-cancel';
import type { AppliedCredentials, ResolvedConnection } from '../types';
import type { SoapClientOptions } from './client-options';

/**
 * The part of `OutboundClient` the SOAP code uses. Structural, so the SOAP code depends on the
 * contract of outbound.types.ts only; in production this is always the engine's OutboundClient.
 */
export interface OutboundRequester {
  request(req: OutboundRequest): Promise<OutboundResponse>;
}

/** One SOAP operation call, with args already rendered. */
/**
 * A connection's `authorize`, used to load a WSDL behind authentication: applied to the WSDL and to
 * the documents it imports from the same origin, never to other hosts.
 */
export type WsdlAuthorize = NonNullable<ResolvedConnection['authorize']>;

export interface SoapCallRequest {
  wsdlUrl: string;
  /** For a WSDL behind authentication (see WsdlAuthorize). */
  wsdlAuthorize?: WsdlAuthorize;
  /** Service to use; default: the first service that has the operation. */
  service?: string;
  /** Port to use; default: the first port (of the service) that has the operation. */
  port?: string;
  operation: string;
  /** Operation arguments as node-soap takes them (nested objects, arrays, `attributes`, `$value`, `$xml`). */
  args: unknown;
  /** SOAP header entries: each key becomes one header element, its value the content (XML-escaped). */
  soapHeaders?: Record<string, unknown>;
  /** Overrides the address the WSDL gives for the port. */
  endpoint?: string;
  /** Extra HTTP headers; `authorize` adds the connection's to this object (so the caller can record them). */
  httpHeaders?: Record<string, string>;
  /**
   * The connection's credentials, applied to the endpoint the envelope is really posted to (the
   * WSDL may name any address): its origin is checked first (CONNECTION_ORIGIN_NOT_ALLOWED).
   */
  authorize?: WsdlAuthorize;
  /** Checks the endpoint's origin before `security` (WS-Security credentials) goes into the envelope. */
  checkOrigin?: (url: URL) => void;
  /**
   * Credentials already in the envelope (WS-Security's password: ResolvedConnection.envelope; hashes
   * of secrets the node's templates made): like `authorize`'s, never carried to another origin by a
   * redirect (a 307/308 keeping the envelope is refused when `security` is set or one is in it).
   */
  credentials?: AppliedCredentials;
  timeoutMs: number;
  signal?: CancelSignal;
  maxResponseBytes: number;
  /** A node-soap security object (`new soap.WSSecurity(...)`, BasicAuthSecurity, ...). */
  security?: unknown;
  /** The node's client options (whitelisted node-soap options); the WSDL is parsed once per set. */
  clientOptions?: SoapClientOptions;
}

/** An MTOM part of an answer read with `parseResponseAttachments`. */
export interface SoapAttachment {
  headers: Record<string, string>;
  /** The part's bytes, base64. */
  body: string;
  bytes: number;
}

/** What a successful call returns. */
export interface SoapCallResult {
  /** The parsed response body element, as node-soap returns it (null for one-way operations). */
  result: unknown;
  /** The response's SOAP headers, parsed. */
  headers?: unknown;
  requestXml: string;
  responseXml: string;
  status: number;
  /** The URL the envelope was posted to. */
  endpoint: string;
  /** MTOM parts after the envelope (with the parseResponseAttachments option). */
  attachments?: SoapAttachment[];
}

/** What was sent and received in one exchange; attached to call errors (see `soapExchangeOf`). */
export interface SoapExchange {
  endpoint: string;
  requestXml?: string;
  responseXml?: string;
  status?: number;
}

export type { SoapAttributeShape, SoapDescription, SoapField, SoapShape } from '@callflow/flow';
