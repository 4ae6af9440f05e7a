/**
 * The narrow view of the editor store that node panels and template fields use: the flow's
 * metadata, nodes and edges, a node's validation issues. It imports the store, never a panel.
 */
import type { ValidationIssue, ValidationResult } from '@callflow/flow';
import type { RunInput, StepRecord } from '../../api/types';
import type { EditorEdge, EditorNode } from '../convert';
import { useEditor } from './index';
import type { FlowMeta } from './types';

const NO_ISSUES: ValidationIssue[] = [];

/** A value picked from the flow's metadata (null before a flow is loaded). */
export function useFlowMeta<T>(pick: (meta: FlowMeta | null) => T): T {
  return useEditor((s) => pick(s.meta));
}

/** A value computed from the nodes; return a primitive (or a stable value) to avoid re-renders. */
export function useFlowNodes<T = EditorNode[]>(pick?: (nodes: EditorNode[]) => T): T {
  return useEditor((s) => (pick ? pick(s.nodes) : (s.nodes as T)));
}

export function useFlowEdges(): EditorEdge[] {
  return useEditor((s) => s.edges);
}

/** The node's validation issues (the same array while unchanged). */
export function useNodeIssues(nodeId: string): ValidationIssue[] {
  return useEditor((s) => s.validation.byNode.get(nodeId) ?? NO_ISSUES);
}

/** The flow's pinned sample input (the definition's `sampleInput`), if any. */
export function useSampleInput(): RunInput | undefined {
  return useEditor((s) => s.sampleInput);
}

/** The step a node's panel shows: the one picked in a list when it is this node's, else its last. */
export function useShownStep(nodeId: string | undefined): StepRecord | undefined {
  return useEditor((s) => {
    if (!nodeId) return undefined;
    const picked = s.run.picked;
    if (picked !== undefined) {
      const step = s.run.result?.steps.find((st) => st.seq === picked);
      if (step?.nodeId === nodeId) return step;
    }
    return s.run.byNode.get(nodeId);
  });
}

export function useSelectNode(): (id: string | null) => void {
  return useEditor((s) => s.selectNode);
}

/** The graph right now (for completions computed on demand), with the last validated definition and run. */
export function currentGraph(): {
  nodes: EditorNode[];
  edges: EditorEdge[];
  flow?: ValidationResult['flow'];
  steps?: StepRecord[];
} {
  const s = useEditor.getState();
  return { nodes: s.nodes, edges: s.edges, flow: s.validation.result?.flow, steps: s.run.result?.steps };
}
