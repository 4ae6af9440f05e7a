/**
 * Undo/redo: snapshots of nodes and edges before each change. Consecutive edits with the same
 * coalesce key (typing in one field) within COALESCE_MS are one undo step.
 */
import type { StoreApi } from 'zustand';
import type { EditorDeps, EditorSlice, EditorState, HistorySlice, Snapshot } from './types';

const HISTORY_LIMIT = 100;
const COALESCE_MS = 1200;

type Set = StoreApi<EditorState>['setState'];
type Get = StoreApi<EditorState>['getState'];

/** Applies a change as one undoable step (consecutive edits with the same key merge). */
export function commit(
  set: Set,
  get: Get,
  deps: Pick<EditorDeps, 'now'>,
  next: Partial<Pick<EditorState, 'nodes' | 'edges'>>,
  coalesceKey?: string,
): void {
  const s = get();
  const now = (deps.now ?? Date.now)();
  const merge = !!coalesceKey && s.coalesce?.key === coalesceKey && now - s.coalesce.at < COALESCE_MS;
  set({
    ...next,
    past: merge ? s.past : [...s.past.slice(-(HISTORY_LIMIT - 1)), { nodes: s.nodes, edges: s.edges }],
    future: [],
    coalesce: coalesceKey ? { key: coalesceKey, at: now } : null,
    changeSeq: s.changeSeq + 1,
    structureSeq: s.structureSeq + 1,
  });
}

export const createHistorySlice: EditorSlice<HistorySlice> = (set, get) => {
  const pushHistory = () => {
    const s = get();
    set({
      past: [...s.past.slice(-(HISTORY_LIMIT - 1)), { nodes: s.nodes, edges: s.edges }],
      future: [],
      coalesce: null,
    });
  };

  const restore = (snap: Snapshot) => {
    const s = get();
    set({
      nodes: snap.nodes,
      edges: snap.edges,
      changeSeq: s.changeSeq + 1,
      structureSeq: s.structureSeq + 1,
      coalesce: null,
    });
  };

  return {
    past: [],
    future: [],
    coalesce: null,

    beginDrag() {
      if (!get().readOnly) pushHistory();
    },

    beforeDelete(doomed) {
      // React Flow asks even when nothing is selected: such a step would make the next Ctrl+Z do nothing.
      if (!get().readOnly && (doomed.nodes.length > 0 || doomed.edges.length > 0)) pushHistory();
    },

    undo() {
      const s = get();
      const prev = s.past[s.past.length - 1];
      if (!prev || s.readOnly) return;
      set({
        past: s.past.slice(0, -1),
        future: [{ nodes: s.nodes, edges: s.edges }, ...s.future].slice(0, HISTORY_LIMIT),
      });
      restore(prev);
    },

    redo() {
      const s = get();
      const next = s.future[0];
      if (!next || s.readOnly) return;
      set({ future: s.future.slice(1), past: [...s.past, { nodes: s.nodes, edges: s.edges }] });
      restore(next);
    },
  };
};
