import { EngineError } from '../errors';
import type { SoapExchange } from './soap.types';

const EXCHANGE = Symbol('soapExchange');

/** A URL fit for messages, details and step records: `user:password@` removed. */
export function shownUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return raw.replace(/\/\/[^/@]*@/, '//').slice(0, 500);
  }
}

/** The request/response of a failed SOAP call, when the call got that far (for step records). */
export function soapExchangeOf(err: unknown): SoapExchange | undefined {
  return err && typeof err === 'object' ? (err as { [EXCHANGE]?: SoapExchange })[EXCHANGE] : undefined;
}

/**
 * Attaches the exchange without making it part of `details` (which must stay secret-free: the XML may carry
 * credentials).
 */
export function withExchange(err: EngineError, exchange: SoapExchange): EngineError {
  Object.defineProperty(err, EXCHANGE, { value: { ...exchange }, enumerable: false });
  return err;
}

/** The code, text and detail of a SOAP 1.1 or 1.2 Fault as node-soap parsed it. */
export function faultFields(fault: Record<string, unknown>): Record<string, unknown> {
  const code = fault.Code as Record<string, unknown> | undefined;
  const reason = fault.Reason as Record<string, unknown> | undefined;
  if (code || reason) {
    // SOAP 1.2: Code/Value (+ Subcode/Value), Reason/Text (maybe several, with xml:lang), Detail
    const subcode = textOf((code?.Subcode as Record<string, unknown> | undefined)?.Value);
    return {
      faultcode: textOf(code?.Value),
      faultstring: textOf(reason?.Text),
      detail: fault.Detail ?? fault.detail,
      ...(subcode !== undefined ? { subcode } : {}),
    };
  }
  return { faultcode: textOf(fault.faultcode), faultstring: textOf(fault.faultstring), detail: fault.detail };
}

function textOf(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return textOf(v[0]);
  if (typeof v === 'object') {
    const value = (v as Record<string, unknown>).$value;
    return value === undefined ? undefined : String(value);
  }
  return String(v);
}

/** Maps what node-soap's call callback reported into an EngineError. */
export function toSoapCallError(err: unknown, exchange: SoapExchange): EngineError {
  if (err instanceof EngineError) return err;
  const status = exchange.status;
  const root = (err as { root?: { Envelope?: { Body?: { Fault?: unknown } } } } | null)?.root;
  const fault = root?.Envelope?.Body?.Fault;
  if (fault && typeof fault === 'object') {
    const fields = faultFields(fault as Record<string, unknown>);
    const text = [fields.faultcode, fields.faultstring].filter((s) => s !== undefined).join(': ');
    return new EngineError('SOAP_FAULT', `SOAP fault${text ? ` ${text}` : ''}`, { ...fields, status });
  }
  if (status !== undefined && status >= 400) return httpStatusError(status);
  const message = describeError(err);
  return new EngineError('RESPONSE_PARSE', `the SOAP response could not be read: ${message}`, { status });
}

/** A non-fault HTTP error status of the SOAP endpoint. */
export function httpStatusError(status: number): EngineError {
  return new EngineError(
    'HTTP_STATUS',
    `the SOAP endpoint answered HTTP ${status}`,
    { status },
    {
      retryable: status === 429 || status >= 500,
    },
  );
}

/** node-soap threw while building the request envelope (args that do not fit the WSDL, ...). */
export function toRequestBuildError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  return new EngineError('INTERNAL', `the SOAP request could not be built: ${describeError(err)}`, undefined, {
    cause: err,
  });
}

function describeError(err: unknown): string {
  // node-soap throws `{Fault: {faultstring: 'Invalid XML', detail}}` objects for unparsable XML.
  const fault = (err as { Fault?: { faultstring?: unknown; detail?: unknown } } | null)?.Fault;
  if (fault) return [fault.faultstring, fault.detail].filter(Boolean).map(String).join(': ').slice(0, 300);
  if (err instanceof Error) return err.message.slice(0, 300);
  return 'unknown error';
}
