/**
 * WSDL descriptions the SOAP panel loaded (POST /soap/describe), kept while the editor is open: a
 * reopened SOAP node does not load again, and completion and the token checks of later nodes read
 * the chosen operation's output shape from here. Listeners hear when one arrives.
 */
import {
  soapNode,
  soapValueShape,
  type KnownShape,
  type SoapClientOptionsInput,
  type ValueShape,
} from '@callflow/flow';
import { api } from '../api/client';
import type { SoapDescription, SoapOperationDescription } from '../api/types';
import type { EditorNode } from './convert';

const described = new Map<string, SoapDescription>();
/** Keys asked for in the background (a failure is not asked again while the editor is open). */
const asked = new Set<string>();
const listeners = new Set<() => void>();

/** The key a description is kept under: the WSDL URL, the node's connection and its client options. */
function keyOf(url: string, connectionId: string | undefined, options?: SoapClientOptionsInput): string {
  return `${connectionId ?? ''} ${url} ${options ? JSON.stringify(options) : ''}`;
}

/** What of a SOAP node's config picks its description and operation. */
export interface SoapPick {
  wsdlUrl?: string;
  connectionId?: string;
  clientOptions?: SoapClientOptionsInput;
  service?: string;
  port?: string;
  operation?: string;
}

/** The description loaded for this WSDL, connection and options, if any. */
export function describedFor(c: SoapPick): SoapDescription | undefined {
  return c.wsdlUrl ? described.get(keyOf(c.wsdlUrl, c.connectionId, c.clientOptions)) : undefined;
}

/** Keeps a description and tells the listeners. */
export function rememberDescription(c: SoapPick, description: SoapDescription): void {
  if (!c.wsdlUrl) return;
  described.set(keyOf(c.wsdlUrl, c.connectionId, c.clientOptions), description);
  for (const fn of listeners) fn();
}

/** Calls `fn` whenever a description arrives; returns the unsubscribe. */
export function onDescription(fn: () => void): () => void {
  listeners.add(fn);
  return () => void listeners.delete(fn);
}

/**
 * Completion is about to list `nodes`' outputs: asks for the descriptions of SOAP nodes whose
 * panel has not loaded theirs (a literal WSDL URL and an operation), once each; listeners hear
 * when they arrive.
 */
export function describeInBackground(nodes: readonly EditorNode[]): void {
  for (const n of nodes) {
    if (n.type !== soapNode.type) continue;
    const c = n.data.config as SoapPick;
    if (!c.wsdlUrl?.trim() || c.wsdlUrl.includes('{{') || !c.operation) continue;
    const key = keyOf(c.wsdlUrl, c.connectionId, c.clientOptions);
    if (described.has(key) || asked.has(key)) continue;
    asked.add(key);
    api.soap.describe(c.wsdlUrl.trim(), c.connectionId || undefined, undefined, c.clientOptions).then(
      (d) => rememberDescription(c, d),
      // Unreadable here: the SOAP panel says why when opened.
      () => undefined,
    );
  }
}

/** The operation a config names, in its service and port when it names them. */
export function findOperation(d: SoapDescription, c: SoapPick): SoapOperationDescription | undefined {
  for (const s of d.services) {
    if (c.service && s.name !== c.service) continue;
    for (const p of s.ports) {
      if (c.port && p.name !== c.port) continue;
      const op = p.operations.find((o) => o.name === c.operation);
      if (op) return op;
    }
  }
  return undefined;
}

/** A SOAP node's output shape from its operation's described output (`{result, headers}`), once loaded. */
export function soapOutputShape(config: SoapPick): KnownShape | undefined {
  const d = describedFor(config);
  const op = d && config.operation ? findOperation(d, config) : undefined;
  if (!op) return undefined;
  const shape: ValueShape = { kind: 'object', open: true, fields: new Map([['result', soapValueShape(op.output)]]) };
  return { shape, source: `the WSDL's ${op.name} output` };
}
