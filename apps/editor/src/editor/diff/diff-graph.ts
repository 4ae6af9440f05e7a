/**
 * A definition diff as React Flow nodes and edges: the second side's nodes at their places, the
 * removed ones as ghosts where they stood on the first side, each edge of either side once, marked
 * added, removed or unchanged. Pure (unit tested in apps/editor/test/diff-graph.spec.ts).
 */
import type { Edge, Node } from '@xyflow/react';
import {
  diffDefinitions,
  type DefinitionDiff,
  type FlowDefinition,
  type FlowNode,
  type NodeDiff,
} from '@callflow/flow';
import { fromDefinition, handlesOf } from '../convert';

export interface DiffNodeData extends Record<string, unknown> {
  node: FlowNode;
  status: NodeDiff['status'];
  moved: boolean;
  /** Fields changed (0 unless `changed`). */
  changes: number;
  /** The outputs of both sides, so an edge of either side has its handle. */
  handles: string[];
}

export type DiffNode = Node<DiffNodeData, 'diff'>;
export type DiffEdge = Edge<{ status: 'added' | 'removed' | 'unchanged' }>;

export interface DiffGraph {
  diff: DefinitionDiff;
  nodes: DiffNode[];
  edges: DiffEdge[];
}

export function diffGraph(before: FlowDefinition, after: FlowDefinition): DiffGraph {
  const diff = diffDefinitions(before, after);
  // Positions as the editor would draw each side (laid out when a definition has none).
  const place = (def: FlowDefinition) => new Map(fromDefinition(def).nodes.map((n) => [n.id, n.position]));
  const placeA = place(before);
  const placeB = place(after);
  const nodes = diff.nodes.map((d): DiffNode => {
    const node = (d.after ?? d.before)!;
    const sides = [d.before, d.after].filter((n): n is FlowNode => !!n);
    const handles = [...new Set(sides.flatMap((n) => handlesOf(n.type, (n.config ?? {}) as Record<string, unknown>)))];
    return {
      id: d.id,
      type: 'diff',
      position: (d.status === 'removed' ? placeA.get(d.id) : placeB.get(d.id)) ?? { x: 0, y: 0 },
      data: { node, status: d.status, moved: d.moved, changes: d.changes.length, handles },
      draggable: false,
      connectable: false,
      // Ghosts under the nodes of the second side when they overlap.
      zIndex: d.status === 'removed' ? 0 : 1,
    };
  });
  const edges = diff.edges.map((e, i): DiffEdge => ({
    id: `${e.status}:${e.key}:${i}`,
    source: e.source,
    target: e.target,
    sourceHandle: e.handle || null,
    className: `diff-edge-${e.status}`,
    data: { status: e.status },
    focusable: false,
    zIndex: e.status === 'unchanged' ? 0 : 1,
  }));
  return { diff, nodes, edges };
}
