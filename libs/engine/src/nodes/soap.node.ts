import { SOAP_XML_KEY, soapNode, type SoapArg, type SoapConfig } from '@callflow/flow';
import { EngineError, toEngineError } from '../errors';
import { defineExecutor, type NodeResult, type NodeRunContext } from '../runtime/executor';
import { soapExchangeOf } from '../soap/soap.service';
import { compileTemplate, type CompiledTemplate } from '../template';
import { xmlLegal } from '../template/escape';
import type { TemplateScope } from '../types';
import { renderWithConnection, retryDelayMs, sleepWithin } from './request-support';
import { derivedCredentials, mergeCredentials } from '../outbound/applied-credentials';

/** Args with every string leaf compiled; rendered into plain values (node-soap XML-escapes them). */
type ArgTree = CompiledTemplate | number | boolean | null | ArgTree[] | { [k: string]: ArgTree };

/**
 * Compiles every string leaf. A leaf under the raw-XML key (`$xml`, or the node's `xmlKey`) goes
 * into the envelope as written, so it is an XML template: its tokens are XML-escaped (a caller's
 * `</a><b>` stays text), as in an XML body; every other leaf is text node-soap escapes.
 */
function compileArgs(v: SoapArg, xmlKey: string, context: 'text' | 'xml' = 'text'): ArgTree {
  if (typeof v === 'string') return compileTemplate(v, context);
  if (Array.isArray(v)) return v.map((x) => compileArgs(x, xmlKey, context));
  if (v && typeof v === 'object') {
    const out: Record<string, ArgTree> = {};
    for (const [k, x] of Object.entries(v)) out[k] = compileArgs(x, xmlKey, k === xmlKey ? 'xml' : 'text');
    return out;
  }
  return v;
}

/** `omitEmpty`: an object member whose value renders empty is left out (array items stay). */
function renderArgs(t: ArgTree, scope: TemplateScope, omitEmpty = false): unknown {
  if (t === null || typeof t !== 'object') return t;
  if (Array.isArray(t)) return t.map((x) => renderArgs(x, scope, omitEmpty));
  // node-soap escapes markup but would send characters XML 1.0 forbids: they are removed, as in XML bodies.
  if ('render' in t && typeof t.render === 'function') return xmlLegal((t as CompiledTemplate).render(scope));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(t as Record<string, ArgTree>)) {
    const v = renderArgs(x, scope, omitEmpty);
    if (!omitEmpty || v !== '') out[k] = v;
  }
  return out;
}

async function execute(
  config: SoapConfig,
  t: { wsdl: CompiledTemplate; endpoint?: CompiledTemplate; args: ArgTree; headers: ArgTree },
  ctx: NodeRunContext,
): Promise<NodeResult> {
  const { connection, rendered } = await renderWithConnection(config.connectionId, ctx, () => ({
    wsdlUrl: t.wsdl.render(ctx.scope).trim(),
    endpoint: t.endpoint?.render(ctx.scope).trim() || undefined,
    args: renderArgs(t.args, ctx.scope, config.omitEmpty === true),
    soapHeaders: renderArgs(t.headers, ctx.scope),
  }));
  const { wsdlUrl, endpoint, args, soapHeaders } = rendered;
  // The SOAP service applies the connection's credentials to the endpoint the call really goes to (origin checked
  // first).
  const httpHeaders: Record<string, string> = {};
  const request = {
    method: 'POST',
    url: endpoint ?? wsdlUrl,
    headers: httpHeaders,
    operation: config.operation,
    args,
  } as NodeResult['request'] & object;
  // The connection also opens a WSDL behind authentication (on an allowed origin, the WSDL's own).
  const authorize = connection?.authorize?.bind(connection);
  const checkOrigin = connection?.checkOrigin?.bind(connection);
  // WS-Security's password, and hashes the templates made of secrets, are in the envelope.
  const derived = derivedCredentials(connection?.secretBag?.derived);
  const credentials = connection ? mergeCredentials(connection.envelope, derived) : undefined;

  let attempts = 0;
  for (;;) {
    attempts++;
    ctx.countOutbound();
    const remaining = ctx.deadlineAt - Date.now();
    if (remaining <= 0) throw new EngineError('RUN_DEADLINE', 'the run passed its deadline');
    try {
      const res = await ctx.services.soap.call({
        wsdlUrl,
        service: config.service,
        port: config.port,
        operation: config.operation,
        args,
        soapHeaders: soapHeaders as Record<string, unknown>,
        endpoint,
        httpHeaders,
        wsdlAuthorize: authorize,
        authorize,
        checkOrigin,
        credentials,
        timeoutMs: Math.min(config.timeoutMs, remaining),
        signal: ctx.signal,
        maxResponseBytes: ctx.limits.maxResponseBytes,
        security: connection?.soapSecurity,
        clientOptions: config.clientOptions,
      });
      request.url = res.endpoint;
      request.body = res.requestXml;
      const output: Record<string, unknown> = { result: res.result };
      if (res.headers !== undefined) output.headers = res.headers;
      if (res.attachments) output.attachments = res.attachments;
      return { handle: 'success', attempts, request, response: { status: res.status, body: res.responseXml }, output };
    } catch (err) {
      const e = toEngineError(err);
      if (e.category === 'limit' || e.code === 'RUN_ABORTED') throw e;
      const last =
        !e.retryable ||
        attempts >= config.retry.attempts ||
        !(await sleepWithin(retryDelayMs(config.retry.backoffMs, attempts), ctx.deadlineAt, ctx.signal));
      if (last) {
        const error = { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) };
        // What went over the wire, when the call got that far (the runtime's Redactor scrubs secrets).
        const exchange = soapExchangeOf(err);
        let response: NodeResult['response'];
        if (exchange) {
          if (exchange.endpoint) request.url = exchange.endpoint;
          if (exchange.requestXml !== undefined) request.body = exchange.requestXml;
          if (exchange.status !== undefined || exchange.responseXml !== undefined)
            response = { status: exchange.status, body: exchange.responseXml };
        }
        // A fault's code and text are reachable from the error branch as nodes.<name>.error.details.
        return { handle: 'error', attempts, request, ...(response ? { response } : {}), error, output: { error } };
      }
    }
  }
}

/** `soap`: calls a WSDL operation with templated args; faults and failures → `error`. */
export const soapExecutor = defineExecutor(soapNode, {
  prepare(node) {
    const c = node.config;
    const xmlKey = c.clientOptions?.xmlKey ?? SOAP_XML_KEY;
    const t = {
      wsdl: compileTemplate(c.wsdlUrl, 'url'),
      endpoint: c.endpoint ? compileTemplate(c.endpoint, 'url') : undefined,
      args: compileArgs(c.args as SoapArg, xmlKey),
      headers: compileArgs(c.soapHeaders as SoapArg, xmlKey),
    };
    return { run: (ctx) => execute(c, t, ctx) };
  },
});
