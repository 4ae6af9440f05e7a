import { addSchema, emptyModel, qnameKey, type DocumentReader, type XsdModel } from './xsd-model';
import { attr, clark, parseXml, type XNode } from './xml-tree';

const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const SOAP11_BINDING = 'http://schemas.xmlsoap.org/wsdl/soap/';
const SOAP12_BINDING = 'http://schemas.xmlsoap.org/wsdl/soap12/';

export interface MessagePart {
  name: string;
  /** The part's global element (document style), clark key. */
  element?: string;
  /** The part's type (RPC style), clark key. */
  type?: string;
}

/** One operation of one port, as the strict server checks and answers it. */
export interface StrictOperation {
  service: string;
  port: string;
  name: string;
  version: '1.1' | '1.2';
  style: 'document' | 'rpc';
  /** `use` of the input's soap:body. */
  use: 'literal' | 'encoded';
  soapAction: string;
  /** The namespace of an RPC wrapper (soap:body namespace), else the WSDL's target namespace. */
  rpcNamespace: string;
  input: MessagePart[];
  output: MessagePart[];
  /** The port's soap:address. */
  address?: string;
}

export interface WsdlModel {
  targetNamespace: string;
  schema: XsdModel;
  operations: StrictOperation[];
}

interface Raw {
  messages: Map<string, MessagePart[]>;
  portTypes: Map<string, Map<string, { input?: string; output?: string }>>;
  bindings: Map<
    string,
    {
      portType: string;
      version: '1.1' | '1.2';
      style: string;
      ops: Map<string, { action: string; style?: string; use: string; ns?: string }>;
    }
  >;
  services: { name: string; ports: { name: string; binding: string; address?: string }[] }[];
}

/** Reads a WSDL (and the WSDLs and schemas it imports, through `read`) into what the strict server needs. */
export function readWsdl(url: string, read: DocumentReader): WsdlModel {
  const raw: Raw = { messages: new Map(), portTypes: new Map(), bindings: new Map(), services: [] };
  const schema = emptyModel();
  const text = read(url);
  if (text === undefined) throw new Error(`WSDL ${url} not found`);
  const root = parseXml(text);
  const targetNamespace = attr(root, 'targetNamespace') ?? '';
  readDefinitions(root, url, read, raw, schema, new Set([url]));
  const operations: StrictOperation[] = [];
  for (const service of raw.services) {
    for (const port of service.ports) {
      const binding = raw.bindings.get(port.binding);
      const portType = binding && raw.portTypes.get(binding.portType);
      if (!binding || !portType) continue;
      for (const [name, op] of binding.ops) {
        const abstract = portType.get(name);
        if (!abstract) continue;
        operations.push({
          service: service.name,
          port: port.name,
          name,
          version: binding.version,
          style: (op.style ?? binding.style) === 'rpc' ? 'rpc' : 'document',
          use: op.use === 'encoded' ? 'encoded' : 'literal',
          soapAction: op.action,
          rpcNamespace: op.ns ?? targetNamespace,
          input: (abstract.input && raw.messages.get(abstract.input)) || [],
          output: (abstract.output && raw.messages.get(abstract.output)) || [],
          address: port.address,
        });
      }
    }
  }
  return { targetNamespace, schema, operations };
}

function readDefinitions(
  defs: XNode,
  url: string,
  read: DocumentReader,
  raw: Raw,
  schema: XsdModel,
  seen: Set<string>,
): void {
  const tns = attr(defs, 'targetNamespace') ?? '';
  for (const el of defs.children) {
    if (el.ns !== WSDL) continue;
    const name = attr(el, 'name') ?? '';
    switch (el.local) {
      case 'import': {
        const location = attr(el, 'location');
        if (!location) break;
        const target = new URL(location, url).href;
        if (seen.has(target)) break;
        seen.add(target);
        const text = read(target);
        if (text === undefined) throw new Error(`WSDL import ${location} not found`);
        const doc = parseXml(text);
        if (doc.ns === WSDL) readDefinitions(doc, target, read, raw, schema, seen);
        else addSchema(schema, doc, target, read, seen);
        break;
      }
      case 'types':
        for (const s of el.children) if (s.local === 'schema') addSchema(schema, s, url, read, seen);
        break;
      case 'message':
        raw.messages.set(
          clark(tns, name),
          el.children.filter((p) => p.local === 'part').map((p) => part(p)),
        );
        break;
      case 'portType': {
        const ops = new Map<string, { input?: string; output?: string }>();
        for (const op of el.children.filter((c) => c.ns === WSDL && c.local === 'operation')) {
          const io = (which: string) => {
            const node = op.children.find((c) => c.ns === WSDL && c.local === which);
            const message = node && attr(node, 'message');
            return message ? qnameKey(node, message) : undefined;
          };
          ops.set(attr(op, 'name') ?? '', { input: io('input'), output: io('output') });
        }
        raw.portTypes.set(clark(tns, name), ops);
        break;
      }
      case 'binding':
        readBinding(el, tns, raw);
        break;
      case 'service':
        raw.services.push({
          name,
          ports: el.children
            .filter((p) => p.ns === WSDL && p.local === 'port')
            .map((p) => {
              const address = p.children.find((a) => a.local === 'address');
              return {
                name: attr(p, 'name') ?? '',
                binding: qnameKey(p, attr(p, 'binding') ?? ''),
                address: address && attr(address, 'location'),
              };
            }),
        });
        break;
    }
  }
}

function part(p: XNode): MessagePart {
  const element = attr(p, 'element');
  const type = attr(p, 'type');
  return {
    name: attr(p, 'name') ?? '',
    ...(element ? { element: qnameKey(p, element) } : {}),
    ...(type ? { type: qnameKey(p, type) } : {}),
  };
}

function readBinding(el: XNode, tns: string, raw: Raw): void {
  const soapBinding = el.children.find(
    (c) => c.local === 'binding' && (c.ns === SOAP11_BINDING || c.ns === SOAP12_BINDING),
  );
  if (!soapBinding) return; // an HTTP or other binding: not SOAP
  const ops = new Map<string, { action: string; style?: string; use: string; ns?: string }>();
  for (const op of el.children.filter((c) => c.ns === WSDL && c.local === 'operation')) {
    const soapOp = op.children.find((c) => c.local === 'operation' && c.ns === soapBinding.ns);
    const input = op.children.find((c) => c.ns === WSDL && c.local === 'input');
    const body = input?.children.find((c) => c.local === 'body' && c.ns === soapBinding.ns);
    ops.set(attr(op, 'name') ?? '', {
      action: (soapOp && attr(soapOp, 'soapAction')) ?? '',
      style: soapOp && attr(soapOp, 'style'),
      use: (body && attr(body, 'use')) ?? 'literal',
      ns: body && attr(body, 'namespace'),
    });
  }
  raw.bindings.set(clark(tns, attr(el, 'name') ?? ''), {
    portType: qnameKey(el, attr(el, 'type') ?? ''),
    version: soapBinding.ns === SOAP12_BINDING ? '1.2' : '1.1',
    style: attr(soapBinding, 'style') ?? 'document',
    ops,
  });
}
