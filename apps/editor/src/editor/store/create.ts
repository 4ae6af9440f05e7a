/**
 * The editor store, composed from its slices (zustand's slices pattern). A factory so tests get
 * a fresh store with their own dependencies; the app's one store is `useEditor` (./index.ts).
 */
import { create } from 'zustand';
import { createClipboardSlice } from './clipboard-slice';
import { createDocumentSlice } from './document-slice';
import { createHistorySlice } from './history-slice';
import { createSelectionSlice } from './selection-slice';
import { createTestRunSlice } from './test-run-slice';
import type { EditorDeps, EditorState } from './types';
import { createValidationSlice } from './validation-slice';

export function createEditorStore(deps: EditorDeps) {
  return create<EditorState>()((...a) => ({
    ...createDocumentSlice(deps)(...a),
    ...createSelectionSlice(...a),
    ...createHistorySlice(...a),
    ...createClipboardSlice(deps)(...a),
    ...createValidationSlice(...a),
    ...createTestRunSlice(...a),
  }));
}
