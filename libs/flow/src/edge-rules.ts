/**
 * The rules an edge must keep, as functions over a graph that may be half built: the editor asks
 * them while an edge is being drawn (nodes with unfinished configs, no validation yet) and
 * validateFlow applies the same ones to a stored definition (validate.ts, batch-checks.ts).
 */
import { batchPathsOf } from './batch-paths';
import { collect } from './graph';
import { BATCH_EACH_HANDLE, batchNode } from './nodes/batch';
import { getNodeSpec } from './registry';

/** A node as far as it is known: `handles` are its outgoing handles (the first is the default). */
export interface RuleNode {
  id: string;
  name?: string;
  type?: string;
  handles: readonly string[];
}

/** An edge as drawn: `sourceHandle` absent or null means the source's first handle. */
export interface RuleEdge {
  id?: string;
  source: string;
  target: string;
  sourceHandle?: string | null;
}

/** Why a connection may not be made; the caller words it. */
export type ConnectionProblem =
  | { code: 'edge_target_missing' }
  | { code: 'self_loop' }
  | { code: 'node_missing' }
  | { code: 'trigger_incoming'; target: RuleNode }
  | { code: 'edge_handle'; source: RuleNode; handle: string }
  | { code: 'handle_reused'; source: RuleNode; handle: string; other: RuleEdge }
  | { code: 'cycle'; source: RuleNode }
  | { code: 'batch_path_entry'; edge: RuleEdge; batchId: string };

/** Edges cannot lead into a trigger: a run starts there. */
export function leadsIntoTrigger(targetType: string | undefined): boolean {
  return getNodeSpec(targetType ?? '')?.category === 'trigger';
}

/** The handle an edge leaves by (`explicit`, else the first handle), and whether the node has it. */
export function edgeHandle(
  handles: readonly string[],
  explicit: string | null | undefined,
): { handle: string; valid: boolean } {
  const handle = explicit ?? handles[0] ?? '';
  return { handle, valid: handles.includes(handle) };
}

/** Each handle leads to one node: the edge already leaving by it, if any (`exceptId`: the edge being moved). */
export function edgeUsingHandle<E extends { id?: string; handle: string }>(
  outgoing: Iterable<E>,
  handle: string,
  exceptId?: string,
): E | undefined {
  for (const e of outgoing) if (e.handle === handle && (exceptId === undefined || e.id !== exceptId)) return e;
  return undefined;
}

/** Flows cannot loop: whether an edge source → target would close a cycle (target already reaches source). */
export function closesLoop(source: string, target: string, edges: readonly { source: string; target: string }[]) {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    const list = out.get(e.source);
    if (list) list.push(e.target);
    else out.set(e.source, [e.target]);
  }
  return collect(target, (id) => out.get(id) ?? []).has(source);
}

/**
 * A node on a batch's each path runs once per chunk, so only that path may lead to it: an edge
 * into it must be the batch's own `each` edge or come from a node on every path the target is on.
 * `into`: the batches whose path holds the target; `onEveryPath()`: whether the source is on all
 * of them (the validator answers with bit sets, the editor with lists).
 */
export function batchPathEntryAllowed(
  edge: { source: string; handle: string },
  into: readonly string[],
  onEveryPath: () => boolean,
): boolean {
  return (edge.handle === BATCH_EACH_HANDLE && into.includes(edge.source)) || onEveryPath();
}

/**
 * Why the edge `conn` may not be added to a graph of `edges` (null when it may), by the rules
 * above. `conn.id` names an existing edge being reconnected (it does not block its own handle).
 */
export function connectionProblem(
  conn: { id?: string; source?: string | null; target?: string | null; sourceHandle?: string | null },
  nodes: readonly RuleNode[],
  edges: readonly RuleEdge[],
): ConnectionProblem | null {
  const { source, target } = conn;
  if (!source || !target) return { code: 'edge_target_missing' };
  if (source === target) return { code: 'self_loop' };
  const byId = new Map<string, RuleNode>();
  for (const n of nodes) if (!byId.has(n.id)) byId.set(n.id, n);
  const src = byId.get(source);
  const dst = byId.get(target);
  if (!src || !dst) return { code: 'node_missing' };
  if (leadsIntoTrigger(dst.type)) return { code: 'trigger_incoming', target: dst };
  const { handle, valid } = edgeHandle(src.handles, conn.sourceHandle);
  if (!valid) return { code: 'edge_handle', source: src, handle };
  const outgoing = edges
    .filter((e) => e.source === source)
    .map((e) => ({ edge: e, id: e.id, handle: edgeHandle(src.handles, e.sourceHandle).handle }));
  const taken = edgeUsingHandle(outgoing, handle, conn.id);
  if (taken) return { code: 'handle_reused', source: src, handle, other: taken.edge };
  if (closesLoop(source, target, edges)) return { code: 'cycle', source: src };
  return batchProblem({ source, target, sourceHandle: handle }, nodes, byId, edges);
}

/** The first edge (with `added`) that enters a batch's each path from outside it. */
function batchProblem(
  added: RuleEdge & { sourceHandle: string },
  nodes: readonly RuleNode[],
  byId: ReadonlyMap<string, RuleNode>,
  edges: readonly RuleEdge[],
): ConnectionProblem | null {
  const batchIds = nodes.filter((n) => n.type === batchNode.type).map((n) => n.id);
  if (batchIds.length === 0) return null;
  const all = [...edges, added];
  const handleOf = (e: RuleEdge) => edgeHandle(byId.get(e.source)?.handles ?? [], e.sourceHandle).handle;
  const paths = batchPathsOf(
    batchIds,
    (id) => all.find((e) => e.source === id && handleOf(e) === BATCH_EACH_HANDLE)?.target,
    (id) => all.filter((e) => e.source === id).map((e) => e.target),
  );
  for (const e of all) {
    const into = paths.get(e.target);
    if (!into) continue;
    const from = paths.get(e.source) ?? [];
    const allowed = batchPathEntryAllowed({ source: e.source, handle: handleOf(e) }, into, () =>
      into.every((o) => from.includes(o)),
    );
    if (!allowed) return { code: 'batch_path_entry', edge: e, batchId: into[0]! };
  }
  return null;
}
