/**
 * Tokens a node's templates can use, for completion: libs/flow's listTokens for a valid flow;
 * while the flow does not validate yet (the usual state mid-edit) its listGraphTokens over the
 * canvas graph, so completion keeps working.
 */
import { getNodeSpec, listGraphTokens, listTokens, TEMPLATE_HELPERS, type ParsedFlow } from '@callflow/flow';
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
  else {
    const graphNodes = nodes.map((n) => ({ id: n.id, name: n.data.name, type: n.type, config: n.data.config }));
    paths = listGraphTokens({ nodes: graphNodes, edges }, nodeId);
  }
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
