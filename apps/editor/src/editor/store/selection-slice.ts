/** Which nodes and edges are selected (mirrors React Flow's `selected` flags for panels and shortcuts). */
import type { EditorSlice, SelectionSlice } from './types';

export const createSelectionSlice: EditorSlice<SelectionSlice> = (set, get) => ({
  selection: { nodes: [], edges: [] },

  setSelection(nodes, edges) {
    const cur = get().selection;
    if (sameList(cur.nodes, nodes) && sameList(cur.edges, edges)) return;
    set({ selection: { nodes, edges } });
  },

  selectNode(id) {
    const s = get();
    set({
      nodes: s.nodes.map((n) => ((n.id === id) === !!n.selected ? n : { ...n, selected: n.id === id })),
      edges: s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
      selection: { nodes: id ? [id] : [], edges: [] },
    });
  },
});

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
