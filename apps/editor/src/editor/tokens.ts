/**
 * Tokens a node's templates can use, for completion: libs/flow's listTokens for a valid flow;
 * while the flow does not validate yet (the usual state mid-edit) its listGraphTokens over the
 * canvas graph, so completion keeps working.
 */
import {
  getNodeSpec,
  listGraphTokens,
  listTokens,
  outputTokenPaths,
  shapeTypeLabel,
  TEMPLATE_HELPERS,
  type KnownShape,
  type ParsedFlow,
} from '@callflow/flow';
import type { EditorEdge, EditorNode } from './convert';

export interface TokenItem {
  /** The path inserted, e.g. `call.callerId`, or a helper name. */
  token: string;
  group: string;
  detail?: string;
  helper?: boolean;
  /** A data path's type as a sample shows it (`string`, `list of object`). */
  type?: string;
  /** A preview of its value in the sample (`"Jeanne"`), or a declared type. */
  example?: string;
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

/**
 * Token paths for the node, grouped by root; below each upstream node's output, the paths its
 * known output shape has (`shapes`, by node id: a pinned sample, the last run, a WSDL), with their
 * type and a preview.
 */
export function tokensForNode(
  nodeId: string,
  nodes: readonly EditorNode[],
  edges: readonly EditorEdge[],
  flow?: ParsedFlow,
  shapes?: ReadonlyMap<string, KnownShape>,
): TokenItem[] {
  let paths: string[];
  if (flow && flow.nodes.has(nodeId)) paths = listTokens(flow, nodeId);
  else {
    const graphNodes = nodes.map((n) => ({ id: n.id, name: n.data.name, type: n.type, config: n.data.config }));
    paths = listGraphTokens({ nodes: graphNodes, edges }, nodeId);
  }
  const items: TokenItem[] = paths.map((token) => ({
    token,
    group: groupOf(token),
    detail: DETAILS[token] ?? detailForNodeToken(token, nodes),
  }));
  if (!shapes?.size) return items;
  const byToken = new Map(items.map((i) => [i.token, i]));
  for (const n of nodes) {
    const known = shapes.get(n.id);
    // Only nodes whose output this node can read (listed above as nodes.<name>).
    if (!known || !byToken.has(`nodes.${n.data.name}`)) continue;
    const root = byToken.get(`nodes.${n.data.name}`)!;
    root.type = shapeTypeLabel(known.shape);
    for (const p of outputTokenPaths(n.data.name, known.shape)) {
      const listed = byToken.get(p.token);
      const item = listed ?? { token: p.token, group: 'nodes', detail: `From ${known.source}` };
      item.type = p.type;
      if (p.example !== undefined) item.example = p.example;
      if (!listed) {
        items.push(item);
        byToken.set(p.token, item);
      }
    }
  }
  return items;
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

/** A list index written either way (`items.[0]`, `items.0`) compares the same. */
const normal = (path: string) =>
  path
    .toLowerCase()
    .replace(/\.\[(\d+)\]?/g, '.$1')
    .replace(/\.\[$/, '.');

/**
 * Ranks tokens for what is typed: prefix matches first (the fewest segments past the query first,
 * so `nodes.crm.body.` lists body's own fields before theirs), then segment and substring matches.
 */
export function filterTokens(items: readonly TokenItem[], query: string, limit = 50): TokenItem[] {
  const q = normal(query);
  if (!q) return items.slice(0, limit);
  const depth = q.split('.').length;
  const scored: { item: TokenItem; score: number }[] = [];
  for (const item of items) {
    const t = normal(item.token);
    let score = -1;
    if (t.startsWith(q)) score = t.split('.').length - depth;
    else if (t.split('.').some((seg) => seg.startsWith(q))) score = 100;
    else if (t.includes(q)) score = 200;
    if (score >= 0) scored.push({ item, score });
  }
  scored.sort((a, b) => a.score - b.score);
  return scored.slice(0, limit).map((s) => s.item);
}
