import { batchPathsOf } from './batch-paths';
import { batchPathEntryAllowed } from './edge-rules';
import { setBit, type FlowGraph, type GraphNode, type NodeBits } from './graph';
import type { IssueList, IssueTarget } from './issues';
import { BATCH_EACH_HANDLE, batchNode } from './nodes/batch';

const label = (n: GraphNode | undefined, id: string) => n?.name ?? id;

/** Every node of `a` is in `b`. */
function isSubset(a: NodeBits, b: NodeBits): boolean {
  for (let i = 0; i < a.length; i++) if ((a[i]! & ~(b[i] ?? 0)) !== 0) return false;
  return true;
}

/** `a and b`, at most five names (a message stays short however many there are). */
function listed(names: string[]): string {
  return names.length > 5 ? `${names.slice(0, 4).join(' and ')} and ${names.length - 4} more` : names.join(' and ');
}

/**
 * Batch nodes' `each` paths: a path runs once per chunk, so only the batch's `each` edge and nodes
 * of the same path may lead into it (its nodes' outputs exist per chunk only), and a batch node may
 * not sit on another batch's path (no nesting). Returns node id → the batch whose path it is on.
 */
export function checkBatchPaths(
  graph: FlowGraph,
  list: IssueList,
  edgeTarget: (index: number) => IssueTarget,
): Map<string, string> {
  const batches = [...graph.nodes.values()].filter((n) => n.type === batchNode.type && n.handles);
  if (batches.length === 0) return new Map();
  const paths = batchPathsOf(
    batches.map((b) => b.id),
    (id) => graph.outgoing(id).find((e) => e.handle === BATCH_EACH_HANDLE)?.target,
    (id) => graph.outgoing(id).map((e) => e.target),
  );
  for (const b of batches) {
    if (!graph.outgoing(b.id).some((e) => e.handle === BATCH_EACH_HANDLE)) {
      const message = `nothing runs per chunk: connect "${BATCH_EACH_HANDLE}" to the first node each chunk runs`;
      list.warn(b.issueTarget, 'batch_empty', '', message);
    }
  }
  const owner = new Map<string, string>();
  // Each node's owners as bits of their index: "only its own path leads here" is a subset test.
  const ownerBits = new Map<string, NodeBits>();
  for (const [id, owners] of paths) {
    const node = graph.nodes.get(id);
    owner.set(id, owners[0]!);
    const bits = graph.emptyBits();
    for (const o of owners) setBit(bits, graph.nodes.get(o)!.index);
    ownerBits.set(id, bits);
    // Overlaps that come from one batch inside another are reported once, as nesting.
    if (owners.length > 1 && !owners.some((o) => paths.has(o))) {
      const names = listed(owners.map((o) => `"${label(graph.nodes.get(o), o)}"`));
      const message = `this node is on the each paths of ${names}; a node belongs to one batch path at most`;
      list.error(node?.issueTarget ?? { prefix: '' }, 'batch_overlap', '', message);
    }
    if (node?.type === batchNode.type && owners.some((o) => o !== id)) {
      const outer = label(graph.nodes.get(owners[0]!), owners[0]!);
      const message = `a batch cannot run inside another batch's each path ("${outer}")`;
      list.error(node.issueTarget, 'batch_nested', '', message);
    }
  }
  for (const e of graph.edges) {
    const into = paths.get(e.target);
    if (!into) continue;
    const from = ownerBits.get(e.source);
    if (batchPathEntryAllowed(e, into, () => !!from && isSubset(ownerBits.get(e.target)!, from))) continue;
    const owner = into[0]!;
    const [target, batch, source] = [e.target, owner, e.source].map((id) => label(graph.nodes.get(id), id));
    list.error(
      edgeTarget(e.index),
      'batch_path_entry',
      'target',
      `"${target}" runs once per chunk of batch "${batch}" (it is on its each path), ` +
        `so only that path may lead to it, not "${source}"; continue after the batch from its "done" handle`,
    );
  }
  return owner;
}
