/**
 * Connection rules checked while an edge is drawn: libs/flow's edge rules (the ones validateFlow
 * applies, see libs/flow/src/edge-rules.ts), asked of the canvas graph before the edge exists and
 * worded for the canvas.
 */
import { connectionProblem as edgeProblem, type ConnectionProblem, type RuleNode } from '@callflow/flow';
import type { Connection, Edge } from '@xyflow/react';
import { t } from '../i18n/i18n';
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
      return t('editor.connect.dropOnNode');
    case 'self_loop':
      return t('editor.connect.selfLoop');
    case 'node_missing':
      return t('editor.connect.nodeMissing');
    case 'trigger_incoming':
      return t('editor.connect.triggerIncoming', { name: p.target.name });
    case 'edge_handle':
      return t('editor.connect.noHandle', { name: p.source.name, handle: p.handle });
    case 'handle_reused': {
      const other = nodes.find((n) => n.id === p.other.target)?.data.name ?? p.other.target;
      return t('editor.connect.handleReused', { handle: p.handle, name: p.source.name, other });
    }
    case 'cycle':
      return t('editor.connect.cycle', { name: p.source.name });
    case 'batch_path_entry':
      return t('editor.connect.batchPathEntry', { target: name(p.edge.target), batch: name(p.batchId) });
  }
}

/** The first output of a node that has no edge yet (for click-to-add auto connect). */
export function freeHandle(node: EditorNode, edges: readonly EditorEdge[]): string | undefined {
  const handles = handlesOf(node.type ?? '', node.data.config);
  const used = new Set(edges.filter((e) => e.source === node.id).map((e) => e.sourceHandle ?? handles[0]));
  return handles.find((h) => !used.has(h));
}
