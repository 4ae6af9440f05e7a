import { batchPathsOf } from './batch-paths';
import { collect } from './graph';
import { BATCH_EACH_HANDLE, batchNode } from './nodes/batch';
import { ivrTrigger } from './nodes/triggers';
import { getNodeSpec } from './registry';
import { TRIGGER_INPUT_ROOTS } from './token-rules';
import type { ParsedFlow } from './validation-types';

/** The top-level names a template may read (README.md, "The libraries"). */
export const TOKEN_ROOTS = [
  'call',
  'contact',
  'campaign',
  'ivr',
  'event',
  'request',
  'nodes',
  'vars',
  'connection',
  'now',
  'batch',
] as const;

/** The documented fields of the run input, per root (`custom` holds whatever the phone system adds). */
export const STANDARD_TOKENS = {
  call: [
    'call.id',
    'call.callerId',
    'call.calledNumber',
    'call.direction',
    'call.status',
    'call.disposition',
    'call.startedAt',
    'call.answeredAt',
    'call.endedAt',
    'call.durationSec',
    'call.recordingUrl',
    'call.queue',
    'call.agent.id',
    'call.agent.name',
    'call.agent.extension',
    'call.custom',
  ],
  contact: ['contact.id', 'contact.phone', 'contact.firstName', 'contact.lastName', 'contact.email', 'contact.custom'],
  campaign: ['campaign.id', 'campaign.name'],
  ivr: ['ivr.digits', 'ivr.node'],
  event: ['event.type', 'event.id', 'event.at'],
  request: ['request.method', 'request.query', 'request.body', 'request.headers'],
  /** On a batch node's each path: this chunk's items, its index from 0, the chunks, the size, the items in all. */
  batch: ['batch.items', 'batch.index', 'batch.count', 'batch.size', 'batch.total'],
} as const satisfies Record<string, readonly string[]>;

/** Whether a node config names a connection (so `connection.*` has something to show). */
export function hasConnection(config: unknown): boolean {
  const id = (config as { connectionId?: unknown } | undefined)?.connectionId;
  return typeof id === 'string' && id.length > 0;
}

/** A node as token listing sees it: of a parsed flow, or of a graph still being drawn. */
export interface TokenGraphNode {
  id: string;
  name: string;
  type?: string;
  config: unknown;
}

/** Nodes in definition order; edges with the handle they leave by (a batch's path starts at its `each` edge). */
export interface TokenGraph {
  nodes: readonly TokenGraphNode[];
  edges: readonly { source: string; target: string; sourceHandle?: string | null }[];
}

/**
 * Token paths a node's templates can use, for editor completion: the run input fields the
 * flow's trigger provides, `nodes.<name>` of upstream nodes, `vars.<name>` set upstream,
 * `connection` when the node has one, and `now`. Unknown node ids give [].
 */
export function listTokens(flow: ParsedFlow, nodeId: string): string[] {
  const nodes = [...flow.nodes.values()].map((n) => ({ ...n.node, config: n.config }));
  const edges = [...flow.nodes].flatMap(([source, n]) =>
    [...n.next].map(([sourceHandle, target]) => ({ source, target, sourceHandle })),
  );
  return listGraphTokens({ nodes, edges }, nodeId);
}

/**
 * listTokens' rules over any graph, also one that does not validate yet (the usual state
 * mid-edit): without a trigger, an IVR trigger's input is assumed; unknown node types expose nothing.
 */
export function listGraphTokens(graph: TokenGraph, nodeId: string): string[] {
  const { nodes, edges } = graph;
  const self = nodes.find((n) => n.id === nodeId);
  if (!self) return [];
  const trigger = nodes.find((n) => getNodeSpec(n.type ?? '')?.category === 'trigger');
  // The run input roots this trigger fills (an unknown trigger type: the documented ones).
  const roots = TRIGGER_INPUT_ROOTS[trigger?.type ?? ivrTrigger.type] ?? ['call', 'contact', 'campaign', 'event'];
  const tokens: string[] = [];
  for (const root of ['call', 'contact', 'campaign', 'ivr', 'event', 'request'] as const) {
    if (roots.includes(root)) tokens.push(...STANDARD_TOKENS[root]);
  }

  const outgoing = new Map<string, { target: string; handle: string | null | undefined }[]>();
  const incoming = new Map<string, string[]>();
  for (const e of edges) {
    const handle = e.sourceHandle;
    (outgoing.get(e.source) ?? outgoing.set(e.source, []).get(e.source)!).push({ target: e.target, handle });
    (incoming.get(e.target) ?? incoming.set(e.target, []).get(e.target)!).push(e.source);
  }
  const inBatch = batchPathsOf(
    nodes.filter((n) => n.type === batchNode.type).map((n) => n.id),
    (id) => outgoing.get(id)?.find((e) => e.handle === BATCH_EACH_HANDLE)?.target,
    (id) => (outgoing.get(id) ?? []).map((e) => e.target),
  ).get(nodeId)?.[0];
  if (inBatch) tokens.push(...STANDARD_TOKENS.batch);

  const upstream = collect(nodeId, (id) => incoming.get(id) ?? []);
  const ordered = nodes.filter((n) => upstream.has(n.id) && n.id !== nodeId);
  for (const n of ordered) {
    const spec = getNodeSpec(n.type ?? '');
    // A trigger's data is the run input above, not a node output; a batch's output exists only after its chunks.
    if (!spec || spec.category === 'trigger' || n.id === inBatch) continue;
    tokens.push(`nodes.${n.name}`);
    for (const field of spec.outputFields ?? []) tokens.push(`nodes.${n.name}.${field}`);
  }
  const vars = new Set<string>();
  for (const n of ordered)
    for (const name of getNodeSpec(n.type ?? '')?.setsVars?.(n.config) ?? []) if (name) vars.add(name);
  for (const name of vars) tokens.push(`vars.${name}`);
  if (hasConnection(self.config)) tokens.push('connection');
  tokens.push('now');
  return tokens;
}
