/**
 * The one place that converts between the stored flow definition (libs/flow/src/definition.ts) and React Flow
 * nodes and edges, plus the node-type facts the canvas needs (handles, summary) computed leniently
 * so a half-configured node still draws.
 */
import type { Edge, Node } from '@xyflow/react';
import { getNodeSpec, SCHEMA_VERSION, type FlowDefinition, type FlowEdge, type FlowNode } from '@callflow/flow';
import { t } from '../i18n/i18n';
import { nodeSummary } from '../i18n/node-text';

/** What a canvas node carries: the definition node minus id, type and position. */
export interface FlowNodeData extends Record<string, unknown> {
  name: string;
  config: Record<string, unknown>;
  notes?: string;
}

/** A React Flow node whose `type` is the flow node type (`http`, `trigger.ivr`, ...). */
export type EditorNode = Node<FlowNodeData, string>;
export type EditorEdge = Edge;

export const GRID = 8;
const COLUMN = 320;
const ROW = 150;

/** Stored definition → canvas. Nodes without a position are laid out left to right from the trigger. */
export function fromDefinition(def: FlowDefinition): { nodes: EditorNode[]; edges: EditorEdge[] } {
  const defNodes = Array.isArray(def?.nodes) ? def.nodes : [];
  const defEdges = Array.isArray(def?.edges) ? def.edges : [];
  const layout = defNodes.some((n) => !n.position)
    ? autoLayout(defNodes, defEdges)
    : new Map<string, { x: number; y: number }>();
  const nodes: EditorNode[] = defNodes.map((n) => ({
    id: n.id,
    type: n.type,
    position: n.position ? { x: n.position.x, y: n.position.y } : (layout.get(n.id) ?? { x: 0, y: 0 }),
    data: { name: n.name, config: (n.config ?? {}) as Record<string, unknown>, ...(n.notes ? { notes: n.notes } : {}) },
  }));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges: EditorEdge[] = defEdges.map((e) => {
    const src = byId.get(e.source);
    const handle = e.sourceHandle ?? (src ? handlesOf(src.type!, src.data.config)[0] : undefined);
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      sourceHandle: handle ?? null,
      ...(e.sourceHandle === undefined ? { data: { implicitHandle: true } } : {}),
    };
  });
  return { nodes, edges };
}

/** Canvas → stored definition (positions rounded; handles written as drawn). */
export function toDefinition(nodes: readonly EditorNode[], edges: readonly EditorEdge[]): FlowDefinition {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return {
    schemaVersion: SCHEMA_VERSION,
    nodes: nodes.map((n): FlowNode => {
      const out: FlowNode = {
        id: n.id,
        type: n.type ?? '',
        name: n.data.name,
        position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
        config: n.data.config,
      };
      if (n.data.notes) out.notes = n.data.notes;
      return out;
    }),
    edges: edges.map((e): FlowEdge => {
      const out: FlowEdge = { id: e.id, source: e.source, target: e.target };
      const src = byId.get(e.source);
      const first = src ? handlesOf(src.type!, src.data.config)[0] : undefined;
      // An edge loaded without a handle stays without one while it still leaves by the first handle.
      const implicit = (e.data as { implicitHandle?: boolean } | undefined)?.implicitHandle && e.sourceHandle === first;
      if (e.sourceHandle && !implicit) out.sourceHandle = e.sourceHandle;
      return out;
    }),
  };
}

/** Parsed configs by config object (configs are replaced, never mutated): cards and edges ask often. */
const parsedCache = new WeakMap<object, { type: string; result: { success: boolean; data?: unknown } }>();

function parseConfig(type: string, config: Record<string, unknown>): { success: boolean; data?: unknown } {
  const hit = parsedCache.get(config);
  if (hit && hit.type === type) return hit.result;
  const spec = getNodeSpec(type);
  const result = spec ? spec.configSchema.safeParse(config) : { success: false };
  parsedCache.set(config, { type, result });
  return result;
}

/** Outgoing handles of a node, also for a config that does not validate yet. */
export function handlesOf(type: string, config: Record<string, unknown>): string[] {
  const spec = getNodeSpec(type);
  if (!spec) return ['next'];
  const parsed = parseConfig(type, config);
  if (parsed.success) {
    try {
      return spec.handles(parsed.data as never);
    } catch {
      // fall through to the lenient guess
    }
  }
  if (spec.draftHandles) return spec.draftHandles(config);
  try {
    // Most types' handles do not depend on the config.
    return spec.handles(config as never);
  } catch {
    return ['next'];
  }
}

/** The node card's one-line summary ("POST crm.example.com/calls"); '' when the config says too little. */
export function summaryOf(type: string, config: Record<string, unknown>): string {
  const spec = getNodeSpec(type);
  if (!spec) return t('editor.card.unknownType', { type });
  const parsed = parseConfig(type, config);
  try {
    if (parsed.success) return nodeSummary(type, parsed.data);
    return spec.summary(config as never);
  } catch {
    return '';
  }
}

/** A short random id, safe for the definition's id rules. */
export function newId(prefix = 'n'): string {
  const rnd = crypto.getRandomValues(new Uint32Array(2));
  return `${prefix}_${rnd[0]!.toString(36)}${rnd[1]!.toString(36)}`.slice(0, 20);
}

/** A node name not yet used: `base`, `base2`, `base3`, ... */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  const clean = base.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([^A-Za-z_])/, '_$1') || 'node';
  if (!taken.has(clean)) return clean;
  const stem = clean.replace(/\d+$/, '') || clean;
  for (let i = 2; ; i++) if (!taken.has(`${stem}${i}`)) return `${stem}${i}`;
}

/** The default name for a new node of a type: its spec's `baseName` (an unknown `a.b_c` → `bC`). */
export function baseNameFor(type: string): string {
  const spec = getNodeSpec(type);
  if (spec) return spec.baseName;
  const tail = type.split('.').pop() ?? type;
  return tail.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Columns by distance from the trigger, rows in definition order; unreachable nodes go last. */
function autoLayout(nodes: readonly FlowNode[], edges: readonly FlowEdge[]): Map<string, { x: number; y: number }> {
  const out = new Map<string, string[]>();
  for (const e of edges) (out.get(e.source) ?? out.set(e.source, []).get(e.source)!).push(e.target);
  const depth = new Map<string, number>();
  const trigger = nodes.find((n) => getNodeSpec(n.type)?.category === 'trigger') ?? nodes[0];
  if (trigger) {
    depth.set(trigger.id, 0);
    const queue = [trigger.id];
    for (let i = 0; i < queue.length; i++) {
      const d = depth.get(queue[i]!)!;
      for (const t of out.get(queue[i]!) ?? []) {
        if (!depth.has(t)) {
          depth.set(t, d + 1);
          queue.push(t);
        }
      }
    }
  }
  const maxDepth = Math.max(0, ...depth.values());
  const rows = new Map<number, number>();
  const pos = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const d = depth.get(n.id) ?? maxDepth + 1;
    const r = rows.get(d) ?? 0;
    rows.set(d, r + 1);
    pos.set(n.id, { x: d * COLUMN, y: r * ROW });
  }
  return pos;
}
