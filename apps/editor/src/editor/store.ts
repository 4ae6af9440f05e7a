/**
 * The editor's state (zustand): the canvas nodes and edges, selection, undo/redo history, the
 * dirty/saved bookkeeping, live validation results and the last test run. Components subscribe
 * to narrow slices so a 300-node flow re-renders only what changed.
 */
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from '@xyflow/react';
import { create } from 'zustand';
import {
  getNodeSpec,
  isTriggerType,
  type FlowDefinition,
  type FlowEdge,
  type FlowNode,
  type ValidationIssue,
  type ValidationResult,
} from '@callflow/flow';
import type { FlowDetail, StepRecord, TestRunResult } from '../api/types';
import { connectionProblem, freeHandle } from './connection';
import {
  baseNameFor,
  fromDefinition,
  GRID,
  newId,
  toDefinition,
  uniqueName,
  type EditorEdge,
  type EditorNode,
  type FlowNodeData,
} from './convert';
import { PANELS } from './panels';

interface Snapshot {
  nodes: EditorNode[];
  edges: EditorEdge[];
}

export interface FlowMeta {
  id: string;
  key: string;
  name: string;
  revision: number;
  publishedVersion: number | null;
  latestVersion?: number;
  updatedAt?: string;
}

export interface SaveState {
  status: 'idle' | 'saving' | 'saved' | 'error' | 'conflict';
  message?: string;
  at?: number;
}

export interface LiveValidation {
  result: ValidationResult | null;
  /** Errors and warnings per node id (arrays reused while unchanged, so cards do not re-render). */
  byNode: Map<string, ValidationIssue[]>;
  byEdge: Map<string, ValidationIssue[]>;
  errorCount: number;
  warningCount: number;
}

export interface RunState {
  status: 'idle' | 'running' | 'done' | 'error';
  result?: TestRunResult;
  byNode: Map<string, StepRecord>;
  /** The step picked in a steps list (its seq): a node run several times (batch chunks) shows that run. */
  picked?: number;
  error?: string;
}

const EMPTY_VALIDATION: LiveValidation = {
  result: null,
  byNode: new Map(),
  byEdge: new Map(),
  errorCount: 0,
  warningCount: 0,
};
const EMPTY_RUN: RunState = { status: 'idle', byNode: new Map() };
const HISTORY_LIMIT = 100;
const COALESCE_MS = 1200;
const CLIPBOARD_KEY = 'callflow.clipboard';

export interface EditorState {
  meta: FlowMeta | null;
  nodes: EditorNode[];
  edges: EditorEdge[];
  readOnly: boolean;
  past: Snapshot[];
  future: Snapshot[];
  coalesce: { key: string; at: number } | null;
  /** Bumped by every change the stored draft would see. */
  changeSeq: number;
  /** The changeSeq last saved (dirty = changeSeq !== savedSeq). */
  savedSeq: number;
  /** Bumped by changes that can change validation (not moves). */
  structureSeq: number;
  save: SaveState;
  validation: LiveValidation;
  run: RunState;
  selection: { nodes: string[]; edges: string[] };
  /** Why the connection being drawn is refused (shown over the canvas). */
  connectHint: string | null;
  pasteCount: number;

  load(flow: FlowDetail | { meta: FlowMeta | null; definition: FlowDefinition }, opts?: { readOnly?: boolean }): void;
  reset(): void;
  onNodesChange(changes: NodeChange<EditorNode>[]): void;
  onEdgesChange(changes: EdgeChange<EditorEdge>[]): void;
  onConnect(conn: Connection): void;
  setSelection(nodes: string[], edges: string[]): void;
  selectNode(id: string | null): void;
  beginDrag(): void;
  beforeDelete(): void;
  addNode(type: string, position?: { x: number; y: number }, opts?: { connectFrom?: string }): string | null;
  updateNode(
    id: string,
    patch: Partial<FlowNodeData>,
    coalesceKey?: string,
    edges?: (edges: EditorEdge[]) => EditorEdge[],
  ): void;
  deleteSelection(): void;
  deleteNode(id: string): void;
  copySelection(): number;
  paste(): number;
  duplicateSelection(): number;
  undo(): void;
  redo(): void;
  replaceDefinition(definition: FlowDefinition): void;
  setFlowName(name: string): void;
  setConnectHint(hint: string | null): void;
  setValidation(result: ValidationResult): void;
  setSave(save: SaveState, saved?: { seq: number; revision?: number; updatedAt?: string }): void;
  setMeta(patch: Partial<FlowMeta>): void;
  setRun(run: Partial<RunState> & { status: RunState['status'] }): void;
  showSteps(steps: StepRecord[], result?: TestRunResult): void;
  /** Shows one step (by seq) of the run in its node's panel; null goes back to the node's last run. */
  pickStep(seq: number | null): void;
  clearRun(): void;
  definition(): FlowDefinition;
}

export const useEditor = create<EditorState>((set, get) => {
  /** Applies a change as one undoable step (consecutive edits with the same key merge). */
  const commit = (next: Partial<Pick<EditorState, 'nodes' | 'edges'>>, coalesceKey?: string) => {
    const s = get();
    const now = Date.now();
    const merge = !!coalesceKey && s.coalesce?.key === coalesceKey && now - s.coalesce.at < COALESCE_MS;
    set({
      ...next,
      past: merge ? s.past : [...s.past.slice(-(HISTORY_LIMIT - 1)), { nodes: s.nodes, edges: s.edges }],
      future: [],
      coalesce: coalesceKey ? { key: coalesceKey, at: now } : null,
      changeSeq: s.changeSeq + 1,
      structureSeq: s.structureSeq + 1,
    });
  };

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
    meta: null,
    nodes: [],
    edges: [],
    readOnly: false,
    past: [],
    future: [],
    coalesce: null,
    changeSeq: 0,
    savedSeq: 0,
    structureSeq: 0,
    save: { status: 'idle' },
    validation: EMPTY_VALIDATION,
    run: EMPTY_RUN,
    selection: { nodes: [], edges: [] },
    connectHint: null,
    pasteCount: 0,

    load(flow, opts) {
      const isDetail = 'id' in flow;
      const definition = isDetail ? flow.definition : flow.definition;
      const { nodes, edges } = fromDefinition(definition);
      const meta: FlowMeta | null = isDetail
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
        readOnly: !!opts?.readOnly,
        past: [],
        future: [],
        coalesce: null,
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
      commit({ edges: [...s.edges, edge] });
      set({ connectHint: null });
    },

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

    beginDrag() {
      if (!get().readOnly) pushHistory();
    },

    beforeDelete() {
      if (!get().readOnly) pushHistory();
    },

    addNode(type, position, opts) {
      const s = get();
      if (s.readOnly) return null;
      const spec = getNodeSpec(type);
      if (!spec) return null;
      const taken = new Set(s.nodes.map((n) => n.data.name));
      const id = newId(spec.category === 'trigger' ? 't' : 'n');
      const from = opts?.connectFrom ? s.nodes.find((n) => n.id === opts.connectFrom) : undefined;
      const pos = position ?? (from ? { x: from.position.x + 320, y: from.position.y } : nextFreeSpot(s.nodes));
      const node: EditorNode = {
        id,
        type,
        position: snap(pos),
        data: {
          name: uniqueName(baseNameFor(type), taken),
          config:
            PANELS[type]?.initialConfig({ triggerType: s.nodes.find((n) => isTriggerType(n.type ?? ''))?.type }) ?? {},
        },
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
      commit({ nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node], edges });
      set({ selection: { nodes: [id], edges: [] } });
      return id;
    },

    updateNode(id, patch, coalesceKey, edgesFn) {
      const s = get();
      if (s.readOnly) return;
      const nodes = s.nodes.map((n) => (n.id === id ? { ...n, data: { ...n.data, ...patch } } : n));
      commit(
        edgesFn ? { nodes, edges: edgesFn(s.edges) } : { nodes },
        coalesceKey ? `${id}:${coalesceKey}` : undefined,
      );
    },

    deleteSelection() {
      const s = get();
      if (s.readOnly) return;
      const ids = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
      const edgeIds = new Set(s.edges.filter((e) => e.selected).map((e) => e.id));
      if (!ids.size && !edgeIds.size) return;
      commit({
        nodes: s.nodes.filter((n) => !ids.has(n.id)),
        edges: s.edges.filter((e) => !edgeIds.has(e.id) && !ids.has(e.source) && !ids.has(e.target)),
      });
      set({ selection: { nodes: [], edges: [] } });
    },

    deleteNode(id) {
      const s = get();
      if (s.readOnly) return;
      commit({
        nodes: s.nodes.filter((n) => n.id !== id),
        edges: s.edges.filter((e) => e.source !== id && e.target !== id),
      });
      set({ selection: { nodes: [], edges: [] } });
    },

    copySelection() {
      const s = get();
      const def = toDefinition(s.nodes, s.edges);
      const ids = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
      if (!ids.size) return 0;
      const clip = {
        nodes: def.nodes.filter((n) => ids.has(n.id)),
        edges: def.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
      };
      clipboard = clip;
      try {
        localStorage.setItem(CLIPBOARD_KEY, JSON.stringify(clip));
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
      const offset = GRID * 6 * (s.pasteCount + 1);
      const added = insertCopies(s, clip, offset);
      if (!added.nodes.length) return 0;
      commit({
        nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...added.nodes],
        edges: [...s.edges, ...added.edges],
      });
      set({ pasteCount: s.pasteCount + 1, selection: { nodes: added.nodes.map((n) => n.id), edges: [] } });
      return added.nodes.length;
    },

    duplicateSelection() {
      const s = get();
      if (s.readOnly) return 0;
      const def = toDefinition(s.nodes, s.edges);
      const ids = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
      const clip = {
        nodes: def.nodes.filter((n) => ids.has(n.id)),
        edges: def.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
      };
      const added = insertCopies(s, clip, GRID * 6);
      if (!added.nodes.length) return 0;
      commit({
        nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...added.nodes],
        edges: [...s.edges, ...added.edges],
      });
      set({ selection: { nodes: added.nodes.map((n) => n.id), edges: [] } });
      return added.nodes.length;
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

    replaceDefinition(definition) {
      const { nodes, edges } = fromDefinition(definition);
      commit({ nodes, edges });
      set({ selection: { nodes: [], edges: [] } });
    },

    setFlowName(name) {
      const s = get();
      if (!s.meta || s.readOnly) return;
      set({ meta: { ...s.meta, name }, changeSeq: s.changeSeq + 1 });
    },

    setConnectHint(hint) {
      if (get().connectHint !== hint) set({ connectHint: hint });
    },

    setValidation(result) {
      const prev = get().validation;
      const fresh = new Map<string, ValidationIssue[]>();
      const freshEdges = new Map<string, ValidationIssue[]>();
      const add = (map: Map<string, ValidationIssue[]>, key: string | undefined, issue: ValidationIssue) => {
        if (!key) return;
        const list = map.get(key);
        if (list) list.push(issue);
        else map.set(key, [issue]);
      };
      for (const issue of [...result.errors, ...result.warnings]) {
        add(fresh, issue.nodeId, issue);
        add(freshEdges, issue.edgeId, issue);
        // A cycle is reported on the edge that closes it; mark every node on it too.
        if (issue.nodeIds) for (const id of issue.nodeIds) if (id !== issue.nodeId) add(fresh, id, issue);
      }
      set({
        validation: {
          result,
          byNode: reuse(prev.byNode, fresh),
          byEdge: reuse(prev.byEdge, freshEdges),
          errorCount: result.errors.length,
          warningCount: result.warnings.length,
        },
      });
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

    setRun(run) {
      set({ run: { ...get().run, ...run } });
    },

    showSteps(steps, result) {
      set({ run: { status: 'done', result, byNode: new Map(steps.map((st) => [st.nodeId, st])) } });
    },

    pickStep(seq) {
      const run = get().run;
      if (run.picked !== (seq ?? undefined)) set({ run: { ...run, picked: seq ?? undefined } });
    },

    clearRun() {
      set({ run: EMPTY_RUN });
    },

    definition() {
      const s = get();
      return toDefinition(s.nodes, s.edges);
    },
  };
});

let clipboard: { nodes: FlowNode[]; edges: FlowEdge[] } | null = null;

function readClipboard(): { nodes: FlowNode[]; edges: FlowEdge[] } | null {
  try {
    const raw = localStorage.getItem(CLIPBOARD_KEY);
    if (raw) {
      const parsed = JSON.parse(raw) as { nodes?: unknown; edges?: unknown };
      if (Array.isArray(parsed.nodes) && Array.isArray(parsed.edges))
        return parsed as { nodes: FlowNode[]; edges: FlowEdge[] };
    }
  } catch {
    // fall back to this tab's copy
  }
  return clipboard;
}

/** Copies of definition nodes with new ids and unique names; a second trigger is skipped. */
function insertCopies(
  s: EditorState,
  clip: { nodes: FlowNode[]; edges: FlowEdge[] },
  offset: number,
): { nodes: EditorNode[]; edges: EditorEdge[] } {
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

function nextFreeSpot(nodes: readonly EditorNode[]): { x: number; y: number } {
  if (!nodes.length) return { x: 0, y: 0 };
  const right = nodes.reduce((a, n) => (n.position.x > a.position.x ? n : a), nodes[0]!);
  return { x: right.position.x + 320, y: right.position.y };
}

function snap(p: { x: number; y: number }): { x: number; y: number } {
  return { x: Math.round(p.x / GRID) * GRID, y: Math.round(p.y / GRID) * GRID };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Keeps the previous array for a key when its issues are the same, so subscribers see no change. */
function reuse(
  prev: Map<string, ValidationIssue[]>,
  fresh: Map<string, ValidationIssue[]>,
): Map<string, ValidationIssue[]> {
  for (const [key, list] of fresh) {
    const old = prev.get(key);
    if (
      old &&
      old.length === list.length &&
      old.every(
        (o, i) => o.message === list[i]!.message && o.path === list[i]!.path && o.severity === list[i]!.severity,
      )
    )
      fresh.set(key, old);
  }
  return fresh;
}

/** Whether the draft has changes not saved yet. */
export function useDirty(): boolean {
  return useEditor((s) => s.changeSeq !== s.savedSeq);
}
