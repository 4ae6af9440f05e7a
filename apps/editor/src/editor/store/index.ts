/**
 * The editor's state (zustand): the canvas nodes and edges, selection, undo/redo history, the
 * dirty/saved bookkeeping, live validation results and the last test run, one slice each (see
 * ./create.ts). Components subscribe to narrow selections so a 300-node flow re-renders only what
 * changed. Node panels read it through ./flow-hooks.ts.
 */
import { createEditorStore } from './create';
import type { InitialConfig } from './types';

let initialConfig: InitialConfig = () => ({});

/**
 * Sets the config new nodes start with (the panel registry's `initialConfig`). Injected by the
 * canvas so the store imports no panel: panels read the store, and the store must not import them.
 */
export function provideInitialConfig(fn: InitialConfig): void {
  initialConfig = fn;
}

export const useEditor = createEditorStore({ initialConfig: (type, ctx) => initialConfig(type, ctx) });

/** Whether the draft has changes not saved yet. */
export function useDirty(): boolean {
  return useEditor((s) => s.changeSeq !== s.savedSeq);
}
