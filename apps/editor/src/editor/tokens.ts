/**
 * Tokens a node's templates can use, for completion. With a valid flow this is libs/flow's
 * listTokens; while the flow does not validate yet (the usual state mid-edit) the same rules are
 * applied to the canvas graph, so completion keeps working.
 */
import {
  BATCH_EACH_HANDLE,
  batchPathsOf,
  getNodeSpec,
  listTokens,
  STANDARD_TOKENS,
  TEMPLATE_HELPERS,
  type ParsedFlow,
  TRIGGER_INPUT_ROOTS,
} from '@callflow/flow';
import type { EditorEdge, EditorNode } from './convert';

export interface TokenItem {
  /** The path inserted, e.g. `call.callerId`, or a helper name. */
  token: string;
  group: string;
  detail?: string;
  helper?: boolean;
}

const DETAILS: Record<string, string> = {
  'call.id': 'Call id from the phone system',
  'call.callerId': 'Number of the caller',
  'call.calledNumber': 'Number that was dialled',
  'call.direction': 'in or out',
  'call.status': 'Call status',
  'call.disposition': 'answered, no_answer, busy, …',
  'call.startedAt': 'When the call started (ISO time)',
  'call.answeredAt': 'When it was answered',
  'call.endedAt': 'When it ended',
  'call.durationSec': 'Talk time in seconds',
  'call.recordingUrl': 'Recording link',
  'call.queue': 'Queue name',
  'call.agent.id': 'Agent id',
  'call.agent.name': 'Agent name',
  'call.agent.extension': 'Agent extension',
  'call.custom': 'Extra fields sent by the phone system',
  'contact.id': 'Contact id',
  'contact.phone': 'Contact phone',
  'contact.firstName': 'First name',
  'contact.lastName': 'Last name',
  'contact.email': 'Email',
  'contact.custom': 'Extra contact fields',
  'campaign.id': 'Campaign id',
  'campaign.name': 'Campaign name',
  'ivr.digits': 'Digits the caller pressed',
  'ivr.node': 'IVR menu node',
  'event.type': 'Event type (call.ended, …)',
  'event.id': 'Event id',
  'event.at': 'Event time',
  'request.method': 'GET or POST',
  'request.query': 'Query string values',
  'request.body': 'Parsed request body',
  'request.headers': 'Request headers',
  'batch.items': "This chunk's items (a list)",
  'batch.index': 'Number of this chunk, from 0',
  'batch.count': 'How many chunks there are',
  'batch.size': 'The chunk size',
  'batch.total': 'How many items in all',
  now: 'Current time (ISO)',
  connection: "The node's connection (non-secret fields)",
};

const HELPER_DETAILS: Record<string, string> = {
  json: 'Insert any value as JSON',
  md5: 'MD5 hex digest',
  sha1: 'SHA-1 hex digest',
  sha256: 'SHA-256 hex digest',
  hmacSha256: 'HMAC-SHA256 (value, key)',
  base64: 'Base64-encode',
  urlencode: 'Percent-encode',
  e164: 'Normalise a phone number to E.164',
  formatDate: 'Format a date (value, pattern)',
  default: 'Fallback when empty (value, fallback)',
  concat: 'Join values',
  lower: 'Lower case',
  upper: 'Upper case',
};

/** Token paths for the node, grouped by root. */
export function tokensForNode(
  nodeId: string,
  nodes: readonly EditorNode[],
  edges: readonly EditorEdge[],
  flow?: ParsedFlow,
): TokenItem[] {
  let paths: string[];
  if (flow && flow.nodes.has(nodeId)) paths = listTokens(flow, nodeId);
  else paths = fallbackTokens(nodeId, nodes, edges);
  return paths.map((token) => ({
    token,
    group: groupOf(token),
    detail: DETAILS[token] ?? detailForNodeToken(token, nodes),
  }));
}

export function helperItems(): TokenItem[] {
  return TEMPLATE_HELPERS.map((h) => ({ token: h, group: 'helpers', detail: HELPER_DETAILS[h], helper: true }));
}

function groupOf(token: string): string {
  const root = token.split('.')[0]!;
  return root;
}

function detailForNodeToken(token: string, nodes: readonly EditorNode[]): string | undefined {
  const [root, name, field] = token.split('.');
  if (root === 'vars') return 'Set by a Set node';
  if (root !== 'nodes' || !name) return undefined;
  const node = nodes.find((n) => n.data.name === name);
  const label = node ? (getNodeSpec(node.type ?? '')?.label ?? node.type) : 'node';
  if (!field) return `Output of ${label} "${name}"`;
  if (field === 'status') return 'HTTP status code';
  if (field === 'body') return 'Response body (parsed JSON when JSON)';
  if (field === 'headers') return 'Response headers';
  if (field === 'result') return 'Parsed SOAP result';
  if (field === 'results') return "Each chunk's result (its path's last output)";
  if (field === 'failed') return 'Chunks that failed';
  return undefined;
}

/** listTokens' rules over the editor graph (no validation needed). */
function fallbackTokens(nodeId: string, nodes: readonly EditorNode[], edges: readonly EditorEdge[]): string[] {
  const self = nodes.find((n) => n.id === nodeId);
  if (!self) return [];
  const trigger = nodes.find((n) => getNodeSpec(n.type ?? '')?.category === 'trigger');
  const tspec = trigger ? getNodeSpec(trigger.type ?? '') : undefined;
  // The run input roots the trigger fills (the validator refuses the others); no trigger yet: an IVR's.
  const roots = TRIGGER_INPUT_ROOTS[tspec?.type ?? 'trigger.ivr'] ?? ['call', 'contact', 'campaign', 'event'];
  const tokens: string[] = [];
  for (const root of ['call', 'contact', 'campaign', 'ivr', 'event', 'request'] as const) {
    if (roots.includes(root)) tokens.push(...STANDARD_TOKENS[root]);
  }

  const outgoing = new Map<string, EditorEdge[]>();
  for (const e of edges) (outgoing.get(e.source) ?? outgoing.set(e.source, []).get(e.source)!).push(e);
  const inBatch = batchPathsOf(
    nodes.filter((n) => n.type === 'batch').map((n) => n.id),
    (id) => outgoing.get(id)?.find((e) => e.sourceHandle === BATCH_EACH_HANDLE)?.target,
    (id) => (outgoing.get(id) ?? []).map((e) => e.target),
  ).get(nodeId)?.[0];
  if (inBatch) tokens.push(...STANDARD_TOKENS.batch);

  const incoming = new Map<string, string[]>();
  for (const e of edges) (incoming.get(e.target) ?? incoming.set(e.target, []).get(e.target)!).push(e.source);
  const upstream = new Set<string>();
  const queue = [nodeId];
  for (let i = 0; i < queue.length; i++) {
    for (const p of incoming.get(queue[i]!) ?? []) {
      if (!upstream.has(p)) {
        upstream.add(p);
        queue.push(p);
      }
    }
  }
  const ordered = nodes.filter((n) => upstream.has(n.id) && n.id !== nodeId);
  for (const n of ordered) {
    const spec = getNodeSpec(n.type ?? '');
    if (!spec || spec.category === 'trigger' || n.id === inBatch) continue;
    tokens.push(`nodes.${n.data.name}`);
    for (const f of spec.outputFields ?? []) tokens.push(`nodes.${n.data.name}.${f}`);
  }
  const vars = new Set<string>();
  for (const n of ordered) {
    if (n.type !== 'set') continue;
    const values = Array.isArray(n.data.config.values) ? (n.data.config.values as { name?: unknown }[]) : [];
    for (const v of values) if (typeof v?.name === 'string' && v.name) vars.add(v.name);
  }
  for (const v of vars) tokens.push(`vars.${v}`);
  if (typeof self.data.config.connectionId === 'string' && self.data.config.connectionId) tokens.push('connection');
  tokens.push('now');
  return tokens;
}

/** Ranks tokens for what is typed: prefix matches first, then segment and substring matches. */
export function filterTokens(items: readonly TokenItem[], query: string, limit = 50): TokenItem[] {
  const q = query.toLowerCase();
  if (!q) return items.slice(0, limit);
  const scored: { item: TokenItem; score: number }[] = [];
  for (const item of items) {
    const t = item.token.toLowerCase();
    let score = -1;
    if (t.startsWith(q)) score = 0;
    else if (t.split('.').some((seg) => seg.startsWith(q))) score = 1;
    else if (t.includes(q)) score = 2;
    if (score >= 0) scored.push({ item, score });
  }
  scored.sort((a, b) => a.score - b.score);
  return scored.slice(0, limit).map((s) => s.item);
}
