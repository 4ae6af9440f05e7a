/**
 * The editor store's state, one interface per slice (document, selection, history, clipboard,
 * validation, test run); `EditorState` is their union. Types only: the slices import it, it
 * imports no slice.
 */
import type { Connection, EdgeChange, NodeChange } from '@xyflow/react';
import type { StateCreator } from 'zustand';
import type { FlowDefinition, ValidationIssue, ValidationResult } from '@callflow/flow';
import type { FlowDetail, RunInput, StepRecord, TestRunResult } from '../../api/types';
import type { EditorEdge, EditorNode, FlowNodeData } from '../convert';
import type { Renaming } from './rename';

export interface Snapshot {
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

interface SaveState {
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
  /** While running: the node running now, and the steps recorded so far (in order). */
  current?: string;
  steps?: StepRecord[];
}

/** The flow being edited: its nodes and edges, metadata and the dirty/saved bookkeeping. */
export interface DocumentSlice {
  meta: FlowMeta | null;
  nodes: EditorNode[];
  edges: EditorEdge[];
  /** The flow's pinned sample input (the definition's `sampleInput`): the test drawer starts from it. */
  sampleInput?: RunInput;
  readOnly: boolean;
  /** Bumped by every change the stored draft would see. */
  changeSeq: number;
  /** The changeSeq last saved (dirty = changeSeq !== savedSeq). */
  savedSeq: number;
  /** Bumped by changes that can change validation (not moves). */
  structureSeq: number;
  save: SaveState;
  /** Why the connection being drawn is refused (shown over the canvas). */
  connectHint: string | null;

  load(flow: FlowDetail | { meta: FlowMeta | null; definition: FlowDefinition }, opts?: { readOnly?: boolean }): void;
  reset(): void;
  onNodesChange(changes: NodeChange<EditorNode>[]): void;
  onEdgesChange(changes: EdgeChange<EditorEdge>[]): void;
  onConnect(conn: Connection): void;
  addNode(type: string, position?: { x: number; y: number }, opts?: { connectFrom?: string }): string | null;
  updateNode(
    id: string,
    patch: Partial<FlowNodeData>,
    coalesceKey?: string,
    edges?: (edges: EditorEdge[]) => EditorEdge[],
  ): void;
  /** Renames node `id`, moving the references to its output with it (store/rename.ts); one undo step while typing. */
  renameNode(id: string, name: string): void;
  /** Where the references of the node being renamed point (store/rename.ts). */
  renaming: Renaming | null;
  deleteSelection(): void;
  deleteNode(id: string): void;
  replaceDefinition(definition: FlowDefinition): void;
  setFlowName(name: string): void;
  /** Pins (or with undefined, unpins) the sample input saved with the draft. */
  setSampleInput(input: RunInput | undefined): void;
  setConnectHint(hint: string | null): void;
  setSave(save: SaveState, saved?: { seq: number; revision?: number; updatedAt?: string }): void;
  setMeta(patch: Partial<FlowMeta>): void;
  definition(): FlowDefinition;
}

export interface SelectionSlice {
  selection: { nodes: string[]; edges: string[] };
  setSelection(nodes: string[], edges: string[]): void;
  selectNode(id: string | null): void;
}

export interface HistorySlice {
  past: Snapshot[];
  future: Snapshot[];
  coalesce: { key: string; at: number } | null;
  beginDrag(): void;
  /** Before React Flow deletes `doomed` (Delete/Backspace): one undo step, none when nothing will go. */
  beforeDelete(doomed: { nodes: readonly unknown[]; edges: readonly unknown[] }): void;
  undo(): void;
  redo(): void;
}

export interface ClipboardSlice {
  pasteCount: number;
  copySelection(): number;
  paste(): number;
  duplicateSelection(): number;
}

export interface ValidationSlice {
  validation: LiveValidation;
  setValidation(result: ValidationResult): void;
}

export interface TestRunSlice {
  run: RunState;
  setRun(run: Partial<RunState> & { status: RunState['status'] }): void;
  showSteps(steps: StepRecord[], result?: TestRunResult): void;
  /** A streamed run's progress: the node starting now (if any), then the steps recorded since the last call. */
  runProgress(current: string | undefined, steps: StepRecord[]): void;
  /** Shows one step (by seq) of the run in its node's panel; null goes back to the node's last run. */
  pickStep(seq: number | null): void;
  clearRun(): void;
}

export type EditorState = DocumentSlice &
  SelectionSlice &
  HistorySlice &
  ClipboardSlice &
  ValidationSlice &
  TestRunSlice;

/** The config a new node of `type` starts with; `triggerType` is the flow's trigger, if any. */
export type InitialConfig = (type: string, ctx: { triggerType?: string }) => Record<string, unknown>;

/** What the store needs from outside (injected, so the store imports no panel). */
export interface EditorDeps {
  initialConfig: InitialConfig;
  /** Milliseconds now (tests pass a fake clock to check coalescing). */
  now?(): number;
  /** Where copies outlive the tab (localStorage in the browser; absent in tests). */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
}

export type EditorSlice<T> = StateCreator<EditorState, [], [], T>;
