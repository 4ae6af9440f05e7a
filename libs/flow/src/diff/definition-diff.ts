/**
 * Two flow definitions compared (a version against another, or against the draft): nodes added,
 * removed and changed with their field-level changes, edges added and removed. A node is its id (a
 * renamed node is "changed: name"); an edge is where it goes (source, handle, target), not its id, so
 * a connection deleted and drawn again is no change. Objects are compared key by key in sorted order,
 * never by key order (PostgreSQL's jsonb re-sorts keys); arrays by position. A move on the canvas is
 * reported as `moved`, not as a change.
 */
import type { FlowDefinition, FlowEdge, FlowNode } from '../definition';
import { getNodeSpec } from '../registry';

export type ChangeKind = 'added' | 'removed' | 'changed';

/** One field that differs; values are leaves (a string, number, boolean, null, `{}` or `[]`). */
export interface FieldChange {
  /** `name`, `type`, `notes`, or `config.<path>` such as `config.headers[0].value`. */
  path: string;
  kind: ChangeKind;
  /** Absent when added. */
  before?: unknown;
  /** Absent when removed. */
  after?: unknown;
}

export interface NodeDiff {
  id: string;
  status: ChangeKind | 'unchanged';
  /** The node in the first definition (absent when added). */
  before?: FlowNode;
  /** The node in the second definition (absent when removed). */
  after?: FlowNode;
  /** Empty unless `changed`. */
  changes: FieldChange[];
  /** Its position differs (on both sides). */
  moved: boolean;
}

export interface EdgeDiff {
  /** `source>handle>target`; the handle of an edge stored without one is its source's first handle. */
  key: string;
  status: 'added' | 'removed' | 'unchanged';
  source: string;
  target: string;
  /** The handle it leaves by ('' when the source node's handles are unknown). */
  handle: string;
  /** The edge as stored on the side it comes from (the second one when on both). */
  edge: FlowEdge;
}

export interface DefinitionDiff {
  /** The second definition's nodes in its order, then the removed ones in the first's order. */
  nodes: NodeDiff[];
  /** Likewise for edges. */
  edges: EdgeDiff[];
  counts: { added: number; removed: number; changed: number; edgesAdded: number; edgesRemoved: number };
  /** Nothing differs but positions. */
  same: boolean;
}

/** Compares definition `a` (before) with `b` (after). */
export function diffDefinitions(a: FlowDefinition, b: FlowDefinition): DefinitionDiff {
  const before = new Map(nodesOf(a).map((n) => [n.id, n]));
  const after = new Map(nodesOf(b).map((n) => [n.id, n]));
  const nodes: NodeDiff[] = [];
  for (const n of after.values()) {
    const old = before.get(n.id);
    if (!old) {
      nodes.push({ id: n.id, status: 'added', after: n, changes: [], moved: false });
      continue;
    }
    const changes = diffNode(old, n);
    const moved = !samePosition(old.position, n.position);
    nodes.push({ id: n.id, status: changes.length ? 'changed' : 'unchanged', before: old, after: n, changes, moved });
  }
  for (const n of before.values())
    if (!after.has(n.id)) nodes.push({ id: n.id, status: 'removed', before: n, changes: [], moved: false });

  const edges = diffEdges(a, before, b, after);
  const count = (s: NodeDiff['status']) => nodes.filter((n) => n.status === s).length;
  const counts = {
    added: count('added'),
    removed: count('removed'),
    changed: count('changed'),
    edgesAdded: edges.filter((e) => e.status === 'added').length,
    edgesRemoved: edges.filter((e) => e.status === 'removed').length,
  };
  const same = Object.values(counts).every((c) => c === 0);
  return { nodes, edges, counts, same };
}

/** The field changes between two versions of one node (envelope, then config). */
export function diffNode(a: FlowNode, b: FlowNode): FieldChange[] {
  const out: FieldChange[] = [];
  for (const key of ['name', 'type', 'notes'] as const) {
    const x = a[key] || undefined;
    const y = b[key] || undefined;
    if (x === y) continue;
    out.push(
      x === undefined
        ? { path: key, kind: 'added', after: y }
        : y === undefined
          ? { path: key, kind: 'removed', before: x }
          : { path: key, kind: 'changed', before: x, after: y },
    );
  }
  const left = leaves(a.config ?? {}, 'config');
  const right = leaves(b.config ?? {}, 'config');
  for (const [path, x] of left) {
    if (!right.has(path)) {
      if (!isEmptyUnder(x, right, path)) out.push({ path, kind: 'removed', before: x });
    } else if (!sameLeaf(x, right.get(path))) out.push({ path, kind: 'changed', before: x, after: right.get(path) });
  }
  for (const [path, y] of right)
    if (!left.has(path) && !isEmptyUnder(y, left, path)) out.push({ path, kind: 'added', after: y });
  return out.sort((p, q) => comparePaths(p.path, q.path));
}

function nodesOf(def: FlowDefinition): FlowNode[] {
  return Array.isArray(def?.nodes) ? def.nodes : [];
}

function samePosition(a: FlowNode['position'], b: FlowNode['position']): boolean {
  return a?.x === b?.x && a?.y === b?.y;
}

/** Every leaf under `value` by path; object keys sorted, so key order never matters. */
function leaves(value: unknown, path: string, out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) {
    if (!value.length) out.set(path, []);
    value.forEach((item, i) => leaves(item, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    if (!keys.length) out.set(path, {});
    for (const k of keys) leaves((value as Record<string, unknown>)[k], `${path}${segment(k)}`, out);
  } else if (value !== undefined) {
    out.set(path, value);
  }
  return out;
}

function segment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** An empty `[]` or `{}` that the other side fills: its items are the change, not the container. */
function isEmptyUnder(leaf: unknown, other: ReadonlyMap<string, unknown>, path: string): boolean {
  if (typeof leaf !== 'object' || leaf === null) return false;
  for (const p of other.keys()) if (p.startsWith(`${path}[`) || p.startsWith(`${path}.`)) return true;
  return false;
}

function sameLeaf(x: unknown, y: unknown): boolean {
  if (Array.isArray(x) || Array.isArray(y)) return Array.isArray(x) && Array.isArray(y);
  if (typeof x === 'object' && x !== null) return typeof y === 'object' && y !== null;
  return Object.is(x, y);
}

/** The envelope first, then config paths with array indexes in numeric order. */
function comparePaths(p: string, q: string): number {
  const rank = (s: string) => (s.startsWith('config') ? 1 : 0);
  if (rank(p) !== rank(q)) return rank(p) - rank(q);
  const parts = (s: string) => s.split(/[.[\]]+/).filter(Boolean);
  const a = parts(p);
  const b = parts(q);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const x = Number(a[i]);
    const y = Number(b[i]);
    if (Number.isInteger(x) && Number.isInteger(y)) return x - y;
    return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** The handle an edge leaves by: its own, else its source's first handle (as the validator reads it). */
function handleOf(edge: FlowEdge, nodes: ReadonlyMap<string, FlowNode>): string {
  if (edge.sourceHandle) return edge.sourceHandle;
  const node = nodes.get(edge.source);
  const spec = node && getNodeSpec(node.type);
  if (!node || !spec) return '';
  try {
    const parsed = spec.configSchema.safeParse(node.config ?? {});
    if (parsed.success) return spec.handles(parsed.data)[0] ?? '';
    return (spec.draftHandles ?? spec.handles)(node.config as never)[0] ?? '';
  } catch {
    return '';
  }
}

function diffEdges(
  a: FlowDefinition,
  nodesA: ReadonlyMap<string, FlowNode>,
  b: FlowDefinition,
  nodesB: ReadonlyMap<string, FlowNode>,
): EdgeDiff[] {
  const keyed = (def: FlowDefinition, nodes: ReadonlyMap<string, FlowNode>) =>
    (Array.isArray(def?.edges) ? def.edges : []).map((edge) => {
      const handle = handleOf(edge, nodes);
      return { edge, handle, key: `${edge.source}>${handle}>${edge.target}` };
    });
  // Counted, so a duplicated edge on one side only still shows.
  const left = new Map<string, number>();
  for (const e of keyed(a, nodesA)) left.set(e.key, (left.get(e.key) ?? 0) + 1);
  const out: EdgeDiff[] = [];
  const row = (e: { edge: FlowEdge; handle: string; key: string }, status: EdgeDiff['status']): EdgeDiff => ({
    key: e.key,
    status,
    source: e.edge.source,
    target: e.edge.target,
    handle: e.handle,
    edge: e.edge,
  });
  for (const e of keyed(b, nodesB)) {
    const n = left.get(e.key) ?? 0;
    if (n > 0) left.set(e.key, n - 1);
    out.push(row(e, n > 0 ? 'unchanged' : 'added'));
  }
  for (const e of keyed(a, nodesA)) {
    const n = left.get(e.key) ?? 0;
    if (n <= 0) continue;
    left.set(e.key, n - 1);
    out.push(row(e, 'removed'));
  }
  return out;
}
