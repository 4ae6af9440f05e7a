/**
 * Copy, paste and duplicate. Copies are definition nodes (no canvas state), kept in this tab and
 * in storage so another tab can paste them; each paste lands a little further from the original.
 */
import { getNodeSpec, isTriggerType, type FlowEdge, type FlowNode } from '@callflow/flow';
import { GRID, newId, toDefinition, uniqueName, type EditorEdge, type EditorNode } from '../convert';
import { commit } from './history-slice';
import type { ClipboardSlice, EditorDeps, EditorSlice, EditorState } from './types';

const CLIPBOARD_KEY = 'callflow.clipboard';

interface Clip {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export function createClipboardSlice(deps: EditorDeps): EditorSlice<ClipboardSlice> {
  return (set, get) => {
    let clipboard: Clip | null = null;
    const storage = () => (deps.storage === undefined ? globalThis.localStorage : deps.storage);

    const readClipboard = (): Clip | null => {
      try {
        const raw = storage()?.getItem(CLIPBOARD_KEY);
        if (raw) {
          const parsed = JSON.parse(raw) as { nodes?: unknown; edges?: unknown };
          if (Array.isArray(parsed.nodes) && Array.isArray(parsed.edges)) return parsed as Clip;
        }
      } catch {
        // fall back to this tab's copy
      }
      return clipboard;
    };

    const insert = (added: { nodes: EditorNode[]; edges: EditorEdge[] }) => {
      const s = get();
      commit(set, get, deps, {
        nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...added.nodes],
        edges: [...s.edges, ...added.edges],
      });
    };

    return {
      pasteCount: 0,

      copySelection() {
        const clip = selectedClip(get());
        if (!clip.nodes.length) return 0;
        clipboard = clip;
        try {
          storage()?.setItem(CLIPBOARD_KEY, JSON.stringify(clip));
        } catch {
          // the in-memory copy still works
        }
        set({ pasteCount: 0 });
        return clip.nodes.length;
      },

      paste() {
        const s = get();
        if (s.readOnly) return 0;
        const clip = readClipboard();
        if (!clip?.nodes.length) return 0;
        const added = insertCopies(s, clip, GRID * 6 * (s.pasteCount + 1));
        if (!added.nodes.length) return 0;
        insert(added);
        set({ pasteCount: s.pasteCount + 1, selection: { nodes: added.nodes.map((n) => n.id), edges: [] } });
        return added.nodes.length;
      },

      duplicateSelection() {
        const s = get();
        if (s.readOnly) return 0;
        const added = insertCopies(s, selectedClip(s), GRID * 6);
        if (!added.nodes.length) return 0;
        insert(added);
        set({ selection: { nodes: added.nodes.map((n) => n.id), edges: [] } });
        return added.nodes.length;
      },
    };
  };
}

/** The selected nodes as definition nodes, with the edges between them. */
function selectedClip(s: EditorState): Clip {
  const def = toDefinition(s.nodes, s.edges);
  const ids = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
  return {
    nodes: def.nodes.filter((n) => ids.has(n.id)),
    edges: def.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  };
}

/** Copies of definition nodes with new ids and unique names; a second trigger is skipped. */
function insertCopies(s: EditorState, clip: Clip, offset: number): { nodes: EditorNode[]; edges: EditorEdge[] } {
  const taken = new Set(s.nodes.map((n) => n.data.name));
  const hasTrigger = s.nodes.some((n) => isTriggerType(n.type ?? ''));
  const ids = new Map<string, string>();
  const nodes: EditorNode[] = [];
  for (const n of clip.nodes) {
    if (!getNodeSpec(n.type)) continue;
    if (isTriggerType(n.type) && hasTrigger) continue;
    const id = newId(isTriggerType(n.type) ? 't' : 'n');
    ids.set(n.id, id);
    const name = uniqueName(n.name, taken);
    taken.add(name);
    const pos = n.position ?? { x: 0, y: 0 };
    nodes.push({
      id,
      type: n.type,
      position: { x: pos.x + offset, y: pos.y + offset },
      data: { name, config: structuredClone(n.config ?? {}), ...(n.notes ? { notes: n.notes } : {}) },
      selected: true,
    });
  }
  const edges: EditorEdge[] = [];
  for (const e of clip.edges) {
    const source = ids.get(e.source);
    const target = ids.get(e.target);
    if (source && target) edges.push({ id: newId('e'), source, target, sourceHandle: e.sourceHandle ?? null });
  }
  return { nodes, edges };
}
