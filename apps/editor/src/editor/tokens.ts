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
import { t, type MessageId } from '../i18n/i18n';
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

const DETAILS: Record<string, MessageId> = {
  'call.id': 'editor.tokens.detail.callId',
  'call.callerId': 'editor.tokens.detail.callCallerId',
  'call.calledNumber': 'editor.tokens.detail.callCalledNumber',
  'call.direction': 'editor.tokens.detail.callDirection',
  'call.status': 'editor.tokens.detail.callStatus',
  'call.disposition': 'editor.tokens.detail.callDisposition',
  'call.startedAt': 'editor.tokens.detail.callStartedAt',
  'call.answeredAt': 'editor.tokens.detail.callAnsweredAt',
  'call.endedAt': 'editor.tokens.detail.callEndedAt',
  'call.durationSec': 'editor.tokens.detail.callDurationSec',
  'call.recordingUrl': 'editor.tokens.detail.callRecordingUrl',
  'call.queue': 'editor.tokens.detail.callQueue',
  'call.agent.id': 'editor.tokens.detail.callAgentId',
  'call.agent.name': 'editor.tokens.detail.callAgentName',
  'call.agent.extension': 'editor.tokens.detail.callAgentExtension',
  'call.custom': 'editor.tokens.detail.callCustom',
  'contact.id': 'editor.tokens.detail.contactId',
  'contact.phone': 'editor.tokens.detail.contactPhone',
  'contact.firstName': 'editor.tokens.detail.contactFirstName',
  'contact.lastName': 'editor.tokens.detail.contactLastName',
  'contact.email': 'editor.tokens.detail.contactEmail',
  'contact.custom': 'editor.tokens.detail.contactCustom',
  'campaign.id': 'editor.tokens.detail.campaignId',
  'campaign.name': 'editor.tokens.detail.campaignName',
  'ivr.digits': 'editor.tokens.detail.ivrDigits',
  'ivr.node': 'editor.tokens.detail.ivrNode',
  'event.type': 'editor.tokens.detail.eventType',
  'event.id': 'editor.tokens.detail.eventId',
  'event.at': 'editor.tokens.detail.eventAt',
  'request.method': 'editor.tokens.detail.requestMethod',
  'request.query': 'editor.tokens.detail.requestQuery',
  'request.body': 'editor.tokens.detail.requestBody',
  'request.headers': 'editor.tokens.detail.requestHeaders',
  'batch.items': 'editor.tokens.detail.batchItems',
  'batch.index': 'editor.tokens.detail.batchIndex',
  'batch.count': 'editor.tokens.detail.batchCount',
  'batch.size': 'editor.tokens.detail.batchSize',
  'batch.total': 'editor.tokens.detail.batchTotal',
  now: 'editor.tokens.detail.now',
  connection: 'editor.tokens.detail.connection',
};

const HELPER_DETAILS: Record<string, MessageId> = {
  json: 'editor.tokens.helper.json',
  md5: 'editor.tokens.helper.md5',
  sha1: 'editor.tokens.helper.sha1',
  sha256: 'editor.tokens.helper.sha256',
  hmacSha256: 'editor.tokens.helper.hmacSha256',
  base64: 'editor.tokens.helper.base64',
  urlencode: 'editor.tokens.helper.urlencode',
  e164: 'editor.tokens.helper.e164',
  formatDate: 'editor.tokens.helper.formatDate',
  default: 'editor.tokens.helper.default',
  concat: 'editor.tokens.helper.concat',
  lower: 'editor.tokens.helper.lower',
  upper: 'editor.tokens.helper.upper',
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
    detail: DETAILS[token] ? t(DETAILS[token]) : detailForNodeToken(token, nodes),
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
      const item = listed ?? {
        token: p.token,
        group: 'nodes',
        detail: t('editor.tokens.from', { source: known.source }),
      };
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
  return TEMPLATE_HELPERS.map((h) => {
    const detail = HELPER_DETAILS[h];
    return { token: h, group: 'helpers', detail: detail && t(detail), helper: true };
  });
}

function groupOf(token: string): string {
  const root = token.split('.')[0]!;
  return root;
}

function detailForNodeToken(token: string, nodes: readonly EditorNode[]): string | undefined {
  const [root, name, field] = token.split('.');
  if (root === 'vars') return t('editor.tokens.vars');
  if (root !== 'nodes' || !name) return undefined;
  const node = nodes.find((n) => n.data.name === name);
  const label = node ? (getNodeSpec(node.type ?? '')?.label ?? node.type) : t('editor.tokens.node');
  if (!field) return t('editor.tokens.output', { label, name });
  const id = NODE_FIELDS[field];
  return id && t(id);
}

/** A node output's fields, as request and batch nodes have them. */
const NODE_FIELDS: Record<string, MessageId> = {
  status: 'editor.tokens.field.status',
  body: 'editor.tokens.field.body',
  headers: 'editor.tokens.field.headers',
  result: 'editor.tokens.field.result',
  results: 'editor.tokens.field.results',
  failed: 'editor.tokens.field.failed',
};

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
