/** The editor store's clipboard, validation and test-run slices. */
import type { ValidationIssue, ValidationResult } from '@callflow/flow';
import type { StepRecord } from '../src/api/types';
import { chain, makeStore, meta } from './store-fixtures';

/** The storage key other tabs (and copies made before an upgrade) read. */
const CLIPBOARD_KEY = 'callflow.clipboard';

describe('editor store: copy and paste', () => {
  it('pastes copies with new ids, unique names and the edges between them, further each time', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    store.getState().onNodesChange([
      { type: 'select', id: 'a', selected: true },
      { type: 'select', id: 'b', selected: true },
    ]);
    expect(store.getState().copySelection()).toBe(2);
    expect(store.getState().paste()).toBe(2);
    let s = store.getState();
    const copies = s.nodes.filter((n) => n.selected);
    expect(copies.map((n) => n.data.name)).toEqual(['a2', 'b2']);
    expect(copies.every((n) => !['a', 'b'].includes(n.id))).toBe(true);
    expect(copies[0]!.position).toEqual({ x: 320 + 48, y: 48 });
    expect(s.selection.nodes).toEqual(copies.map((n) => n.id));
    expect(s.edges.filter((e) => e.source === copies[0]!.id).map((e) => e.target)).toEqual([copies[1]!.id]);
    expect(s.past).toHaveLength(1);

    expect(store.getState().paste()).toBe(2);
    s = store.getState();
    expect(s.nodes.filter((n) => n.selected)[0]!.position).toEqual({ x: 320 + 96, y: 96 });
    expect(s.nodes).toHaveLength(8);
  });

  it('skips a second trigger and pastes nothing when only that was copied', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    store.getState().selectNode('t');
    expect(store.getState().copySelection()).toBe(1);
    expect(store.getState().paste()).toBe(0);
    expect(store.getState().nodes).toHaveLength(4);
  });

  it('copies through storage so another tab can paste; nothing selected copies nothing', () => {
    const first = makeStore();
    first.store.getState().load({ meta, definition: chain() });
    expect(first.store.getState().copySelection()).toBe(0);
    expect(first.storage.has(CLIPBOARD_KEY)).toBe(false);
    first.store.getState().selectNode('c');
    first.store.getState().copySelection();
    const second = makeStore(first.storage);
    second.store.getState().load({ meta, definition: { schemaVersion: 1, nodes: [], edges: [] } });
    expect(second.store.getState().paste()).toBe(1);
    expect(second.store.getState().nodes.map((n) => n.data.name)).toEqual(['c']);
  });

  it('duplicates the selection next to it, leaving the clipboard alone', () => {
    const { store, storage } = makeStore();
    store.getState().load({ meta, definition: chain() });
    store.getState().selectNode('b');
    expect(store.getState().duplicateSelection()).toBe(1);
    const copy = store.getState().nodes.at(-1)!;
    expect(copy).toMatchObject({ type: 'set', position: { x: 688, y: 48 }, data: { name: 'b2' } });
    expect(storage.size).toBe(0);
    store.getState().load({ meta, definition: chain() }, { readOnly: true });
    store.getState().selectNode('b');
    expect(store.getState().duplicateSelection()).toBe(0);
  });
});

describe('editor store: validation results', () => {
  const issue = (p: Partial<ValidationIssue>): ValidationIssue => ({
    path: '',
    message: 'bad',
    code: 'config',
    severity: 'error',
    ...p,
  });
  const result = (errors: ValidationIssue[], warnings: ValidationIssue[] = []): ValidationResult => ({
    valid: errors.length === 0,
    errors,
    warnings,
  });

  it('maps issues to their nodes and edges; a cycle marks every node on it', () => {
    const { store } = makeStore();
    const cycle = issue({ edgeId: 'e9', nodeId: 'a', nodeIds: ['a', 'b'], code: 'cycle' });
    const warn = issue({ nodeId: 'c', severity: 'warning', path: 'config.url' });
    store.getState().setValidation(result([issue({ nodeId: 'a', path: 'config.url' }), cycle], [warn]));
    const v = store.getState().validation;
    expect(v.errorCount).toBe(2);
    expect(v.warningCount).toBe(1);
    expect(v.byNode.get('a')).toHaveLength(2);
    expect(v.byNode.get('b')).toEqual([cycle]);
    expect(v.byNode.get('c')).toEqual([warn]);
    expect(v.byEdge.get('e9')).toEqual([cycle]);
    expect([...v.byEdge.keys()]).toEqual(['e9']);
  });

  it('keeps a node’s issue array while its issues are the same, so its card does not re-render', () => {
    const { store } = makeStore();
    store.getState().setValidation(result([issue({ nodeId: 'a' }), issue({ nodeId: 'b' })]));
    const first = store.getState().validation.byNode;
    store.getState().setValidation(result([issue({ nodeId: 'a' }), issue({ nodeId: 'b', message: 'worse' })]));
    const next = store.getState().validation.byNode;
    expect(next.get('a')).toBe(first.get('a'));
    expect(next.get('b')).not.toBe(first.get('b'));
  });

  it('is cleared when another flow is loaded', () => {
    const { store } = makeStore();
    store.getState().setValidation(result([issue({ nodeId: 'a' })]));
    store.getState().load({ meta, definition: chain() });
    expect(store.getState().validation).toMatchObject({ result: null, errorCount: 0 });
    expect(store.getState().validation.byNode.size).toBe(0);
  });
});

describe('editor store: test run', () => {
  const step = (seq: number, nodeId: string): StepRecord => ({
    seq,
    nodeId,
    name: nodeId,
    type: 'set',
    status: 'succeeded',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
  });

  it('runs, shows the steps per node, picks one and clears', () => {
    const { store } = makeStore();
    store.getState().setRun({ status: 'running' });
    expect(store.getState().run).toMatchObject({ status: 'running' });
    store.getState().setRun({ status: 'error', error: 'timeout' });
    expect(store.getState().run).toMatchObject({ status: 'error', error: 'timeout' });

    store.getState().showSteps([step(1, 'a'), step(2, 'b'), step(3, 'b')]);
    let run = store.getState().run;
    expect(run.status).toBe('done');
    expect(run.error).toBeUndefined();
    expect(run.byNode.get('b')!.seq).toBe(3);

    store.getState().pickStep(2);
    expect(store.getState().run.picked).toBe(2);
    run = store.getState().run;
    store.getState().pickStep(2);
    expect(store.getState().run).toBe(run);
    store.getState().pickStep(null);
    expect(store.getState().run.picked).toBeUndefined();

    store.getState().clearRun();
    expect(store.getState().run).toMatchObject({ status: 'idle' });
    expect(store.getState().run.byNode.size).toBe(0);
  });

  it('is cleared when a flow is loaded', () => {
    const { store } = makeStore();
    store.getState().showSteps([step(1, 'a')]);
    store.getState().load({ meta, definition: chain() });
    expect(store.getState().run.status).toBe('idle');
  });
});
