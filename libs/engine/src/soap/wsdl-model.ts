import { createHash } from 'node:crypto';
import { EngineError } from '../errors';
import { RunCancel, type CancelSignal } from '../runtime/run-cancel';
import { orderArgs, OrderPlanner, type OrderPlan } from './arg-order';
import type { SoapClientOptions } from './client-options';
import { toSoapShape } from './soap-shape';
import type { SoapAttachment, SoapCallRequest, SoapDescription, WsdlAuthorize } from './soap.types';
import type { LoadedWsdl } from './wsdl-loader';
import type { WsdlMeta } from './wsdl-meta';

// The parsed WSDL as the SOAP service keeps it: which port an operation goes to, its argument order,
// its description for the editor.

export interface CachedWsdl extends Omit<LoadedWsdl, 'documents'> {
  meta: WsdlMeta;
  /** The client options the WSDL was parsed with (part of its cache key). */
  options?: SoapClientOptions;
  description?: SoapDescription;
  /** Argument order per `service/port/operation`, built on first use (see arg-order.ts). */
  plans?: Map<string, OrderPlan | null>;
  planner?: OrderPlanner;
}

/** The model node-soap builds (only what is read here). */
interface PortModel {
  location?: string;
  binding: { methods: Record<string, { input?: unknown }> };
}
type ServiceModel = { ports: Record<string, PortModel> };

export interface Target {
  service: string;
  port: string;
  location?: string;
  soapVersion?: '1.1' | '1.2';
}

/** By `service`/`port` when given, else the first service/port that has the operation. */
export function resolveOperation(entry: CachedWsdl, req: SoapCallRequest): Target {
  const services = servicesOf(entry);
  const available: string[] = [];
  for (const [service, svc] of Object.entries(services)) {
    if (req.service && service !== req.service) continue;
    for (const [port, p] of Object.entries(svc.ports ?? {})) {
      if (req.port && port !== req.port) continue;
      const methods = p.binding?.methods ?? {};
      if (Object.hasOwn(methods, req.operation)) {
        return {
          service,
          port,
          location: p.location ?? undefined,
          soapVersion: entry.meta.portVersions.get(`${service}/${port}`),
        };
      }
      for (const name of Object.keys(methods)) if (!available.includes(name)) available.push(name);
    }
  }
  const scope = [req.service && `service ${req.service}`, req.port && `port ${req.port}`].filter(Boolean).join(', ');
  const list = available.length > 0 ? available.slice(0, 50).join(', ') : 'none';
  throw new EngineError(
    'SOAP_OPERATION_NOT_FOUND',
    `operation ${req.operation} not found${scope ? ` in ${scope}` : ''}; available operations: ${list}`,
    {
      operation: req.operation,
      service: req.service,
      port: req.port,
      available: available.slice(0, 200),
      services: Object.keys(services),
    },
  );
}

/** The input's order plan, built once per cached WSDL and operation. */
export function inputPlan(entry: CachedWsdl, target: Target, operation: string): OrderPlan | null {
  const key = `${target.service}/${target.port}/${operation}`;
  const plans = (entry.plans ??= new Map());
  let plan = plans.get(key);
  if (plan === undefined) {
    const input = servicesOf(entry)[target.service]?.ports?.[target.port]?.binding?.methods?.[operation]?.input;
    plan = planner(entry).forInput(input);
    plans.set(key, plan);
  }
  return plan;
}

/** Each SOAP header entry's content in the order of the schema element of that name, when there is one. */
export function orderHeaders(entry: CachedWsdl, headers: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (value === null || typeof value !== 'object') continue;
    const key = `header ${name}`;
    const plans = (entry.plans ??= new Map());
    let plan = plans.get(key);
    if (plan === undefined) {
      plan = planner(entry).forGlobalElement(name.slice(name.indexOf(':') + 1));
      plans.set(key, plan);
    }
    const ordered = orderArgs(value, plan);
    if (ordered !== value) (out ??= { ...headers })[name] = ordered;
  }
  return out ?? headers;
}

/** MTOM parts after the envelope, as the node's output carries them (bodies in base64). */
export function attachmentsOf(multipart: unknown): SoapAttachment[] {
  const parts = (multipart as { parts?: { headers?: Record<string, string>; body?: Buffer }[] } | null)?.parts ?? [];
  return parts.map((p) => ({
    headers: { ...(p.headers ?? {}) },
    body: (p.body ?? Buffer.alloc(0)).toString('base64'),
    bytes: p.body?.length ?? 0,
  }));
}

function planner(entry: CachedWsdl): OrderPlanner {
  return (entry.planner ??= new OrderPlanner(entry.wsdl.definitions as never));
}

function servicesOf(entry: CachedWsdl): Record<string, ServiceModel> {
  return (entry.wsdl.definitions as unknown as { services?: Record<string, ServiceModel> }).services ?? {};
}

export function describeWsdl(entry: CachedWsdl): SoapDescription {
  const definitions = entry.wsdl.definitions;
  return {
    services: Object.entries(servicesOf(entry)).map(([service, svc]) => ({
      name: service,
      ports: Object.entries(svc.ports ?? {}).map(([port, p]) => {
        const soapVersion = entry.meta.portVersions.get(`${service}/${port}`);
        return {
          name: port,
          ...(p.location ? { address: p.location } : {}),
          ...(soapVersion ? { soapVersion } : {}),
          operations: Object.entries(p.binding?.methods ?? {}).map(([name, method]) => {
            let desc: { input?: unknown; output?: unknown } = {};
            try {
              desc = (method as { description(defs: unknown): typeof desc }).description(definitions) ?? {};
            } catch {
              // one odd operation must not hide the others
            }
            const documentation = entry.meta.documentation.get(name);
            return {
              name,
              input: toSoapShape(desc.input, definitions),
              output: toSoapShape(desc.output, definitions),
              ...(documentation ? { documentation } : {}),
            };
          }),
        };
      }),
    })),
  };
}

/** What the credentials make of a request for the WSDL, hashed (the cache key part; no secret kept in it). */
export async function credentialsKey(
  url: string,
  authorize: WsdlAuthorize,
  signal: CancelSignal = new RunCancel(),
): Promise<string> {
  const probe = { url: new URL(url), headers: {} as Record<string, string> };
  await authorize(probe, signal);
  const headers = Object.entries(probe.headers)
    .map(([k, v]) => [k.toLowerCase(), v])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([probe.url.href, headers]))
    .digest('base64url');
}

/** A port address relative to the WSDL URL made absolute (most are absolute already). */
export function resolveAgainst(location: string, base: string): string {
  try {
    return new URL(location, base).href;
  } catch {
    return location;
  }
}
