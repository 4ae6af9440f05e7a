/**
 * Connection rules checked while an edge is drawn: the same rules validateFlow applies
 * (libs/flow/src/validate.ts checkEdges/checkGraph), answered before the edge exists.
 */
import { BATCH_EACH_HANDLE, batchPathsOf, isTriggerType } from '@callflow/flow';
import type { Connection, Edge } from '@xyflow/react';
import { handlesOf, type EditorEdge, type EditorNode } from './convert';

/** Why a connection may not be drawn, or null when it may. */
export function connectionProblem(
  conn: Connection | Edge,
  nodes: readonly EditorNode[],
  edges: readonly EditorEdge[],
): string | null {
  const { source, target } = conn;
  if (!source || !target) return 'Drop the connection on a node';
  if (source === target) return 'A node cannot connect to itself';
  const src = nodes.find((n) => n.id === source);
  const dst = nodes.find((n) => n.id === target);
  if (!src || !dst) return 'That node no longer exists';
  if (isTriggerType(dst.type ?? '')) return `Nothing can lead into the trigger "${dst.data.name}": a run starts there`;
  const handles = handlesOf(src.type ?? '', src.data.config);
  const handle = conn.sourceHandle ?? handles[0];
  if (!handle || !handles.includes(handle)) return `"${src.data.name}" has no output "${handle ?? ''}"`;
  const taken = edges.find(
    (e) => e.source === source && (e.sourceHandle ?? handles[0]) === handle && e.id !== (conn as Edge).id,
  );
  if (taken) {
    const other = nodes.find((n) => n.id === taken.target);
    return `Output "${handle}" of "${src.data.name}" already leads to "${other?.data.name ?? taken.target}"; each output leads to one node`;
  }
  if (reaches(target, source, edges)) return `This would make a loop back to "${src.data.name}"; flows cannot loop`;
  return batchPathProblem({ source, target, sourceHandle: handle }, nodes, edges);
}

/**
 * A batch's each path runs once per chunk: with the new edge, every edge into a path node must
 * come from the same path (or be the batch's own `each` edge), as validateFlow checks.
 */
function batchPathProblem(
  conn: { source: string; target: string; sourceHandle: string },
  nodes: readonly EditorNode[],
  edges: readonly EditorEdge[],
): string | null {
  const batches = nodes.filter((n) => n.type === 'batch');
  if (batches.length === 0) return null;
  const drawn = edges.map((e) => ({ source: e.source, target: e.target, sourceHandle: e.sourceHandle ?? undefined }));
  const all = [...drawn, conn];
  const paths = batchPathsOf(
    batches.map((b) => b.id),
    (id) => all.find((e) => e.source === id && e.sourceHandle === BATCH_EACH_HANDLE)?.target,
    (id) => all.filter((e) => e.source === id).map((e) => e.target),
  );
  const name = (id: string) => nodes.find((n) => n.id === id)?.data.name ?? id;
  for (const e of all) {
    const into = paths.get(e.target);
    if (!into) continue;
    const from = paths.get(e.source) ?? [];
    const fromEach = e.sourceHandle === BATCH_EACH_HANDLE && into.includes(e.source);
    if (fromEach || into.every((o) => from.includes(o))) continue;
    const batch = name(into[0]!);
    const hint = 'continue after a batch from its "done" output';
    return `"${name(e.target)}" would run once per chunk of batch "${batch}" and also after it; ${hint}`;
  }
  return null;
}

/** Whether `to` can be reached from `from` along edges. */
export function reaches(from: string, to: string, edges: readonly EditorEdge[]): boolean {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    const list = out.get(e.source);
    if (list) list.push(e.target);
    else out.set(e.source, [e.target]);
  }
  const seen = new Set([from]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    if (id === to) return true;
    for (const next of out.get(id) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

/** The first output of a node that has no edge yet (for click-to-add auto connect). */
export function freeHandle(node: EditorNode, edges: readonly EditorEdge[]): string | undefined {
  const handles = handlesOf(node.type ?? '', node.data.config);
  const used = new Set(edges.filter((e) => e.source === node.id).map((e) => e.sourceHandle ?? handles[0]));
  return handles.find((h) => !used.has(h));
}
