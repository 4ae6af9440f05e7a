/**
 * Connection rules checked while an edge is drawn: libs/flow's edge rules (the ones validateFlow
 * applies, see libs/flow/src/edge-rules.ts), asked of the canvas graph before the edge exists and
 * worded for the canvas.
 */
import { connectionProblem as edgeProblem, type ConnectionProblem, type RuleNode } from '@callflow/flow';
import type { Connection, Edge } from '@xyflow/react';
import { handlesOf, type EditorEdge, type EditorNode } from './convert';

/** Why a connection may not be drawn, or null when it may. */
export function connectionProblem(
  conn: Connection | Edge,
  nodes: readonly EditorNode[],
  edges: readonly EditorEdge[],
): string | null {
  const ruleNodes: RuleNode[] = nodes.map((n) => ({
    id: n.id,
    name: n.data.name,
    type: n.type,
    handles: handlesOf(n.type ?? '', n.data.config),
  }));
  const problem = edgeProblem({ ...conn, id: 'id' in conn ? conn.id : undefined }, ruleNodes, edges);
  return problem && describe(problem, nodes);
}

function describe(p: ConnectionProblem, nodes: readonly EditorNode[]): string {
  const name = (id: string) => nodes.find((n) => n.id === id)?.data.name ?? id;
  switch (p.code) {
    case 'edge_target_missing':
      return 'Drop the connection on a node';
    case 'self_loop':
      return 'A node cannot connect to itself';
    case 'node_missing':
      return 'That node no longer exists';
    case 'trigger_incoming':
      return `Nothing can lead into the trigger "${p.target.name}": a run starts there`;
    case 'edge_handle':
      return `"${p.source.name}" has no output "${p.handle}"`;
    case 'handle_reused': {
      const other = nodes.find((n) => n.id === p.other.target)?.data.name ?? p.other.target;
      return `Output "${p.handle}" of "${p.source.name}" already leads to "${other}"; each output leads to one node`;
    }
    case 'cycle':
      return `This would make a loop back to "${p.source.name}"; flows cannot loop`;
    case 'batch_path_entry': {
      const [target, batch] = [name(p.edge.target), name(p.batchId)];
      const hint = 'continue after a batch from its "done" output';
      return `"${target}" would run once per chunk of batch "${batch}" and also after it; ${hint}`;
    }
  }
}

/** The first output of a node that has no edge yet (for click-to-add auto connect). */
export function freeHandle(node: EditorNode, edges: readonly EditorEdge[]): string | undefined {
  const handles = handlesOf(node.type ?? '', node.data.config);
  const used = new Set(edges.filter((e) => e.source === node.id).map((e) => e.sourceHandle ?? handles[0]));
  return handles.find((h) => !used.has(h));
}
