import { batchPathsOfFlow } from './batch-paths';
import { TRIGGER_INPUT_ROOTS } from './token-rules';
import type { ParsedFlow, ParsedNode } from './validation-types';

/** The top-level names a template may read (design.md §4). */
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
export type TokenRoot = (typeof TOKEN_ROOTS)[number];

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

/** Node ids with a path to `nodeId` in a parsed flow. */
export function upstreamNodeIds(flow: ParsedFlow, nodeId: string): Set<string> {
  const incoming = new Map<string, string[]>();
  for (const [id, n] of flow.nodes) {
    for (const target of n.next.values()) {
      const list = incoming.get(target);
      if (list) list.push(id);
      else incoming.set(target, [id]);
    }
  }
  const seen = new Set<string>();
  const queue = [nodeId];
  for (let i = 0; i < queue.length; i++) {
    for (const parent of incoming.get(queue[i]!) ?? []) {
      if (!seen.has(parent)) {
        seen.add(parent);
        queue.push(parent);
      }
    }
  }
  return seen;
}

/** Whether a node config names a connection (so `connection.*` has something to show). */
export function hasConnection(config: unknown): boolean {
  const id = (config as { connectionId?: unknown } | undefined)?.connectionId;
  return typeof id === 'string' && id.length > 0;
}

/**
 * Token paths a node's templates can use, for editor completion: the run input fields the
 * flow's trigger provides, `nodes.<name>` of upstream nodes, `vars.<name>` set upstream,
 * `connection` when the node has one, and `now`. Unknown node ids give [].
 */
export function listTokens(flow: ParsedFlow, nodeId: string): string[] {
  const self = flow.nodes.get(nodeId);
  if (!self) return [];
  const trigger = flow.trigger.spec;
  // The run input roots this trigger fills (an unknown trigger type: the documented ones).
  const roots = TRIGGER_INPUT_ROOTS[trigger.type] ?? ['call', 'contact', 'campaign', 'event'];
  const tokens: string[] = [];
  for (const root of ['call', 'contact', 'campaign', 'ivr', 'event', 'request'] as const) {
    if (roots.includes(root)) tokens.push(...STANDARD_TOKENS[root]);
  }

  const inBatch = batchPathsOfFlow(flow).get(nodeId);
  if (inBatch) tokens.push(...STANDARD_TOKENS.batch);

  const upstream = upstreamNodeIds(flow, nodeId);
  const ordered: ParsedNode[] = [...flow.nodes.values()].filter((n) => upstream.has(n.node.id) && n.node.id !== nodeId);
  for (const n of ordered) {
    // A trigger's data is the run input above, not a node output; a batch's output exists only after its chunks.
    if (n.spec.category === 'trigger' || n.node.id === inBatch) continue;
    tokens.push(`nodes.${n.node.name}`);
    for (const field of n.spec.outputFields ?? []) tokens.push(`nodes.${n.node.name}.${field}`);
  }
  const vars = new Set<string>();
  for (const n of ordered) for (const name of n.spec.setsVars?.(n.config) ?? []) vars.add(name);
  for (const name of vars) tokens.push(`vars.${name}`);
  if (hasConnection(self.config)) tokens.push('connection');
  tokens.push('now');
  return tokens;
}
