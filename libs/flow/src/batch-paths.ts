import { collect } from './graph';
import { BATCH_EACH_HANDLE, batchNode } from './nodes/batch';
import type { ParsedFlow } from './validation-types';

/**
 * Where each batch node's per-chunk path lies: for every node reachable from a batch node's `each`
 * edge, the ids of the batch nodes whose path holds it (more than one only in an invalid, nested flow).
 */
export function batchPathsOf(
  batchIds: Iterable<string>,
  eachTarget: (batchId: string) => string | undefined,
  successors: (id: string) => Iterable<string>,
): Map<string, string[]> {
  const within = new Map<string, string[]>();
  for (const batchId of batchIds) {
    const start = eachTarget(batchId);
    if (start === undefined) continue;
    for (const id of collect(start, successors)) {
      const list = within.get(id);
      if (list) list.push(batchId);
      else within.set(id, [batchId]);
    }
  }
  return within;
}

/** The batch paths of a valid flow: node id → the batch node whose `each` path it is on. */
export function batchPathsOfFlow(flow: ParsedFlow): Map<string, string> {
  const batches = [...flow.nodes.values()].filter((n) => n.spec.type === batchNode.type).map((n) => n.node.id);
  const paths = batchPathsOf(
    batches,
    (id) => flow.nodes.get(id)?.next.get(BATCH_EACH_HANDLE),
    (id) => flow.nodes.get(id)?.next.values() ?? [],
  );
  const out = new Map<string, string>();
  for (const [id, owners] of paths) out.set(id, owners[0]!);
  return out;
}
