/** A fresh editor store per test, with a fake clock, in-memory storage and known initial configs. */
import type { FlowDefinition } from '@callflow/flow';
import { createEditorStore } from '../src/editor/store/create';

type EditorStore = ReturnType<typeof createEditorStore>;

export interface TestStore {
  store: EditorStore;
  clock: { now: number };
  storage: Map<string, string>;
}

export function makeStore(storage = new Map<string, string>()): TestStore {
  const clock = { now: 1_000_000 };
  const store = createEditorStore({
    initialConfig: (type, ctx) =>
      type === 'http' ? { url: 'https://crm.example.com', ...(ctx.triggerType ? { note: ctx.triggerType } : {}) } : {},
    now: () => clock.now,
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
  });
  return { store, clock, storage };
}

/** trigger → a (set) → b (set); c (set) unconnected. */
export function chain(): FlowDefinition {
  const node = (id: string, type: string, x: number) => ({ id, type, name: id, position: { x, y: 0 }, config: {} });
  return {
    schemaVersion: 1,
    nodes: [node('t', 'trigger.ivr', 0), node('a', 'set', 320), node('b', 'set', 640), node('c', 'set', 960)],
    edges: [
      { id: 'e1', source: 't', target: 'a', sourceHandle: 'next' },
      { id: 'e2', source: 'a', target: 'b', sourceHandle: 'next' },
    ],
  };
}

export const meta = { id: 'f1', key: 'vip', name: 'VIP', revision: 3, publishedVersion: null };
