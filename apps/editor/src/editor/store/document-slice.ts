/**
 * The flow being edited: nodes and edges (React Flow's changes, connections, added, updated and
 * deleted nodes), its metadata and the dirty/saved bookkeeping. Every structural change goes
 * through the history slice's `commit`, so it is one undo step.
 */
import { applyEdgeChanges, applyNodeChanges } from '@xyflow/react';
import { getNodeSpec, isTriggerType } from '@callflow/flow';
import { connectionProblem, freeHandle } from '../connection';
import {
  baseNameFor,
  fromDefinition,
  GRID,
  newId,
  toDefinition,
  uniqueName,
  type EditorEdge,
  type EditorNode,
} from '../convert';
import { commit } from './history-slice';
import { freeSpot } from './placement';
import { renamed } from './rename';
import { EMPTY_RUN } from './test-run-slice';
import type { DocumentSlice, EditorDeps, EditorSlice, EditorState, FlowMeta } from './types';
import { EMPTY_VALIDATION } from './validation-slice';

export function createDocumentSlice(deps: EditorDeps): EditorSlice<DocumentSlice> {
  return (set, get) => ({
    meta: null,
    nodes: [],
    edges: [],
    readOnly: false,
    changeSeq: 0,
    savedSeq: 0,
    structureSeq: 0,
    save: { status: 'idle' },
    connectHint: null,

    load(flow, opts) {
      const { nodes, edges } = fromDefinition(flow.definition);
      const meta: FlowMeta | null =
        'id' in flow
          ? {
              id: flow.id,
              key: flow.key,
              name: flow.name,
              revision: flow.revision,
              publishedVersion: flow.publishedVersion,
              latestVersion: flow.latestVersion,
              updatedAt: flow.updatedAt,
            }
          : flow.meta;
      const s = get();
      set({
        meta,
        nodes,
        edges,
        sampleInput: flow.definition?.sampleInput,
        readOnly: !!opts?.readOnly,
        past: [],
        future: [],
        coalesce: null,
        renaming: null,
        changeSeq: s.changeSeq + 1,
        savedSeq: s.changeSeq + 1,
        structureSeq: s.structureSeq + 1,
        save: { status: 'idle' },
        validation: EMPTY_VALIDATION,
        run: EMPTY_RUN,
        selection: { nodes: [], edges: [] },
        connectHint: null,
        pasteCount: 0,
      });
    },

    reset() {
      get().load({ meta: null, definition: { schemaVersion: 1, nodes: [], edges: [] } });
    },

    onNodesChange(changes) {
      const s = get();
      const allowed = s.readOnly ? changes.filter((c) => c.type === 'select' || c.type === 'dimensions') : changes;
      if (!allowed.length) return;
      const moved = allowed.some((c) => c.type === 'position' && c.dragging !== true && c.position);
      const removed = allowed.some((c) => c.type === 'remove');
      const nodes = applyNodeChanges(allowed, s.nodes);
      const patch: Partial<EditorState> = { nodes };
      if (moved || removed) patch.changeSeq = s.changeSeq + 1;
      if (removed) patch.structureSeq = s.structureSeq + 1;
      set(patch);
    },

    onEdgesChange(changes) {
      const s = get();
      const allowed = s.readOnly ? changes.filter((c) => c.type === 'select') : changes;
      if (!allowed.length) return;
      const removed = allowed.some((c) => c.type === 'remove');
      const edges = applyEdgeChanges(allowed, s.edges);
      set(removed ? { edges, changeSeq: s.changeSeq + 1, structureSeq: s.structureSeq + 1 } : { edges });
    },

    onConnect(conn) {
      const s = get();
      if (s.readOnly) return;
      const problem = connectionProblem(conn, s.nodes, s.edges);
      if (problem) {
        set({ connectHint: problem });
        return;
      }
      const edge: EditorEdge = {
        id: newId('e'),
        source: conn.source,
        target: conn.target,
        sourceHandle: conn.sourceHandle ?? null,
      };
      commit(set, get, deps, { edges: [...s.edges, edge] });
      set({ connectHint: null });
    },

    addNode(type, position, opts) {
      const s = get();
      if (s.readOnly) return null;
      const spec = getNodeSpec(type);
      if (!spec) return null;
      const taken = new Set(s.nodes.map((n) => n.data.name));
      const id = newId(spec.category === 'trigger' ? 't' : 'n');
      const from = opts?.connectFrom ? s.nodes.find((n) => n.id === opts.connectFrom) : undefined;
      const wanted = from ? { x: from.position.x + 320, y: from.position.y } : nextFreeSpot(s.nodes);
      const pos = position ?? freeSpot(wanted, s.nodes);
      const triggerType = s.nodes.find((n) => isTriggerType(n.type ?? ''))?.type;
      const node: EditorNode = {
        id,
        type,
        position: snap(pos),
        data: { name: uniqueName(baseNameFor(type), taken), config: deps.initialConfig(type, { triggerType }) },
        selected: true,
      };
      let edges = s.edges;
      if (from && spec.category !== 'trigger') {
        const handle = freeHandle(from, s.edges);
        if (handle) {
          const conn = { source: from.id, sourceHandle: handle, target: id, targetHandle: null };
          if (!connectionProblem(conn, [...s.nodes, node], s.edges))
            edges = [...edges, { id: newId('e'), source: from.id, sourceHandle: handle, target: id }];
        }
      }
      const nodes = [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node];
      commit(set, get, deps, { nodes, edges });
      set({ selection: { nodes: [id], edges: [] } });
      return id;
    },

    updateNode(id, patch, coalesceKey, edgesFn) {
      const s = get();
      if (s.readOnly) return;
      const nodes = s.nodes.map((n) => (n.id === id ? { ...n, data: { ...n.data, ...patch } } : n));
      commit(
        set,
        get,
        deps,
        edgesFn ? { nodes, edges: edgesFn(s.edges) } : { nodes },
        coalesceKey ? `${id}:${coalesceKey}` : undefined,
      );
    },

    renaming: null,

    renameNode(id, name) {
      const s = get();
      if (s.readOnly) return;
      const next = renamed(s.nodes, s.changeSeq, id, name, s.renaming);
      if (!next) return;
      commit(set, get, deps, { nodes: next.nodes }, `${id}:name`);
      set({ renaming: { ...next.renaming, seq: get().changeSeq } });
    },

    deleteSelection() {
      const s = get();
      if (s.readOnly) return;
      const ids = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
      const edgeIds = new Set(s.edges.filter((e) => e.selected).map((e) => e.id));
      if (!ids.size && !edgeIds.size) return;
      commit(set, get, deps, {
        nodes: s.nodes.filter((n) => !ids.has(n.id)),
        edges: s.edges.filter((e) => !edgeIds.has(e.id) && !ids.has(e.source) && !ids.has(e.target)),
      });
      set({ selection: { nodes: [], edges: [] } });
    },

    deleteNode(id) {
      const s = get();
      if (s.readOnly) return;
      commit(set, get, deps, {
        nodes: s.nodes.filter((n) => n.id !== id),
        edges: s.edges.filter((e) => e.source !== id && e.target !== id),
      });
      set({ selection: { nodes: [], edges: [] } });
    },

    replaceDefinition(definition) {
      const { nodes, edges } = fromDefinition(definition);
      set({ sampleInput: definition.sampleInput });
      commit(set, get, deps, { nodes, edges });
      set({ selection: { nodes: [], edges: [] } });
    },

    setFlowName(name) {
      const s = get();
      if (!s.meta || s.readOnly) return;
      set({ meta: { ...s.meta, name }, changeSeq: s.changeSeq + 1 });
    },

    setSampleInput(input) {
      const s = get();
      if (s.readOnly) return;
      // Saved with the draft, and validated with it (the definition schema checks it).
      set({ sampleInput: input, changeSeq: s.changeSeq + 1, structureSeq: s.structureSeq + 1 });
    },

    setConnectHint(hint) {
      if (get().connectHint !== hint) set({ connectHint: hint });
    },

    setSave(save, saved) {
      const s = get();
      const patch: Partial<EditorState> = { save };
      if (saved) {
        patch.savedSeq = saved.seq;
        if (s.meta && saved.revision !== undefined)
          patch.meta = { ...s.meta, revision: saved.revision, updatedAt: saved.updatedAt ?? s.meta.updatedAt };
      }
      set(patch);
    },

    setMeta(patch) {
      const s = get();
      if (s.meta) set({ meta: { ...s.meta, ...patch } });
    },

    definition() {
      const s = get();
      const def = toDefinition(s.nodes, s.edges);
      return s.sampleInput === undefined ? def : { ...def, sampleInput: s.sampleInput };
    },
  });
}

function nextFreeSpot(nodes: readonly EditorNode[]): { x: number; y: number } {
  if (!nodes.length) return { x: 0, y: 0 };
  const right = nodes.reduce((a, n) => (n.position.x > a.position.x ? n : a), nodes[0]!);
  return { x: right.position.x + 320, y: right.position.y };
}

function snap(p: { x: number; y: number }): { x: number; y: number } {
  return { x: Math.round(p.x / GRID) * GRID, y: Math.round(p.y / GRID) * GRID };
}
