/** The editor store's document, selection and history slices (no React: the store runs on its own). */
import type { FlowDefinition } from '@callflow/flow';
import { chain, makeStore, meta, type TestStore } from './store-fixtures';
import { loadCatalog } from './load-catalog';

// The editor's messages as people read them in English.
beforeAll(() => loadCatalog('en'));

describe('editor store: nodes', () => {
  it('adds a node with a unique name, the injected initial config, snapped and selected', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    const id = store.getState().addNode('http', { x: 13, y: 21 });
    const s = store.getState();
    const node = s.nodes.find((n) => n.id === id)!;
    expect(node.type).toBe('http');
    expect(node.position).toEqual({ x: 16, y: 24 });
    expect(node.data.config).toEqual({ url: 'https://crm.example.com', note: 'trigger.ivr' });
    expect(node.selected).toBe(true);
    expect(s.selection).toEqual({ nodes: [id], edges: [] });
    const second = store.getState().addNode('http')!;
    const names = store
      .getState()
      .nodes.filter((n) => n.type === 'http')
      .map((n) => n.data.name);
    expect(new Set(names).size).toBe(2);
    expect(
      store
        .getState()
        .nodes.filter((n) => n.selected)
        .map((n) => n.id),
    ).toEqual([second]);
  });

  it('refuses unknown types and read-only flows', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    expect(store.getState().addNode('nope')).toBeNull();
    store.getState().load({ meta, definition: chain() }, { readOnly: true });
    expect(store.getState().addNode('set')).toBeNull();
    expect(store.getState().nodes).toHaveLength(4);
  });

  it('connects a node added from another to its free output', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    const id = store.getState().addNode('set', undefined, { connectFrom: 'b' })!;
    const s = store.getState();
    expect(s.edges.find((e) => e.target === id)).toMatchObject({ source: 'b', sourceHandle: 'next' });
    // Beside b is where c already is: the new node goes one row below it.
    expect(s.nodes.find((n) => n.id === id)!.position).toEqual({ x: 960, y: 160 });
  });

  it('moves a node: a finished move marks the draft changed, not the structure', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    const before = store.getState();
    store.getState().onNodesChange([{ type: 'position', id: 'a', position: { x: 400, y: 80 }, dragging: true }]);
    expect(store.getState().changeSeq).toBe(before.changeSeq);
    store.getState().onNodesChange([{ type: 'position', id: 'a', position: { x: 408, y: 80 }, dragging: false }]);
    const s = store.getState();
    expect(s.nodes.find((n) => n.id === 'a')!.position).toEqual({ x: 408, y: 80 });
    expect(s.changeSeq).toBe(before.changeSeq + 1);
    expect(s.structureSeq).toBe(before.structureSeq);
  });

  it('deletes a node with its edges, and the selection', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    store.getState().deleteNode('a');
    expect(store.getState().nodes.map((n) => n.id)).toEqual(['t', 'b', 'c']);
    expect(store.getState().edges).toEqual([]);
    store.getState().selectNode('b');
    store.getState().deleteSelection();
    expect(store.getState().nodes.map((n) => n.id)).toEqual(['t', 'c']);
    expect(store.getState().selection).toEqual({ nodes: [], edges: [] });
  });

  it('ignores edits in a read-only flow except selection', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() }, { readOnly: true });
    store.getState().deleteNode('a');
    store.getState().onNodesChange([{ type: 'remove', id: 'b' }]);
    store.getState().onNodesChange([{ type: 'select', id: 'c', selected: true }]);
    expect(store.getState().nodes).toHaveLength(4);
    expect(store.getState().nodes.find((n) => n.id === 'c')!.selected).toBe(true);
  });
});

describe('editor store: connections', () => {
  const conn = (source: string, target: string, sourceHandle: string | null = 'next') => ({
    source,
    target,
    sourceHandle,
    targetHandle: null,
  });

  it('adds an allowed edge as one undo step', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    store.getState().onConnect(conn('b', 'c'));
    expect(store.getState().edges.map((e) => [e.source, e.target])).toContainEqual(['b', 'c']);
    expect(store.getState().connectHint).toBeNull();
    store.getState().undo();
    expect(store.getState().edges).toHaveLength(2);
  });

  it.each([
    ['itself', conn('c', 'c'), /cannot connect to itself/],
    ['the trigger', conn('c', 't'), /Nothing can lead into the trigger "t"/],
    ['a taken output', conn('a', 'c'), /already leads to "b"/],
    ['a loop', conn('b', 'a'), /loop back to "b"/],
    ['a missing output', conn('c', 'b', 'nope'), /has no output "nope"/],
  ])('refuses a connection to %s with a hint, adding nothing', (_, c, hint) => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    const before = store.getState();
    store.getState().onConnect(c);
    expect(store.getState().connectHint).toMatch(hint);
    expect(store.getState().edges).toBe(before.edges);
    expect(store.getState().past).toHaveLength(0);
  });
});

describe('editor store: history', () => {
  it('coalesces edits of one field within a moment into one undo step', () => {
    const { store, clock } = makeStore();
    store.getState().load({ meta, definition: chain() });
    const config = (v: string) => ({ config: { values: [{ name: 'x', value: v }] } });
    store.getState().updateNode('a', config('1'), 'values');
    clock.now += 500;
    store.getState().updateNode('a', config('12'), 'values');
    clock.now += 500;
    store.getState().updateNode('a', config('123'), 'values');
    expect(store.getState().past).toHaveLength(1);
    clock.now += 5000;
    store.getState().updateNode('a', config('1234'), 'values');
    expect(store.getState().past).toHaveLength(2);
    store.getState().updateNode('b', config('other'), 'values');
    expect(store.getState().past).toHaveLength(3);

    store.getState().undo();
    store.getState().undo();
    expect(store.getState().nodes.find((n) => n.id === 'a')!.data.config).toEqual(config('123').config);
    store.getState().undo();
    expect(store.getState().nodes.find((n) => n.id === 'a')!.data.config).toEqual({});
    store.getState().undo();
    expect(store.getState().nodes.find((n) => n.id === 'a')!.data.config).toEqual({});

    store.getState().redo();
    expect(store.getState().nodes.find((n) => n.id === 'a')!.data.config).toEqual(config('123').config);
    expect(store.getState().future).toHaveLength(2);
    store.getState().deleteNode('c');
    expect(store.getState().future).toHaveLength(0);
  });

  it('a drag is one undo step taken before it starts', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    store.getState().beginDrag();
    store.getState().onNodesChange([{ type: 'position', id: 'a', position: { x: 0, y: 400 }, dragging: false }]);
    store.getState().undo();
    expect(store.getState().nodes.find((n) => n.id === 'a')!.position).toEqual({ x: 320, y: 0 });
    store.getState().redo();
    expect(store.getState().nodes.find((n) => n.id === 'a')!.position).toEqual({ x: 0, y: 400 });
  });

  it('Delete with nothing selected is no undo step (the next undo still undoes the last edit)', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    store.getState().updateNode('a', { notes: 'edited' });
    store.getState().undo();
    store.getState().redo();
    store.getState().beforeDelete({ nodes: [], edges: [] });
    expect(store.getState().past).toHaveLength(1);
    store.getState().undo();
    expect(store.getState().nodes.find((n) => n.id === 'a')!.data.notes).toBeUndefined();
    store.getState().beforeDelete({ nodes: [], edges: [] });
    expect(store.getState().future).toHaveLength(1); // nor does it drop the redo
    store.getState().beforeDelete({ nodes: [{ id: 'c' }], edges: [] });
    expect(store.getState().past).toHaveLength(1);
  });

  it('keeps at most 100 steps', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    for (let i = 0; i < 120; i++) store.getState().updateNode('a', { notes: String(i) });
    expect(store.getState().past).toHaveLength(100);
  });
});

describe('editor store: dirty and saved', () => {
  const dirty = (s: { changeSeq: number; savedSeq: number }) => s.changeSeq !== s.savedSeq;

  it('is clean after load, dirty after a change, clean once that change is saved', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    expect(dirty(store.getState())).toBe(false);
    store.getState().setFlowName('VIP callers');
    expect(store.getState().meta!.name).toBe('VIP callers');
    expect(dirty(store.getState())).toBe(true);
    const seq = store.getState().changeSeq;
    store.getState().setSave({ status: 'saving' });
    expect(dirty(store.getState())).toBe(true);
    store.getState().deleteNode('c');
    store.getState().setSave({ status: 'saved' }, { seq, revision: 4, updatedAt: 'now' });
    expect(store.getState().meta).toMatchObject({ revision: 4, updatedAt: 'now' });
    // The deletion came after the saved draft: still dirty.
    expect(dirty(store.getState())).toBe(true);
    store.getState().setSave({ status: 'saved' }, { seq: store.getState().changeSeq });
    expect(dirty(store.getState())).toBe(false);
  });

  it('selection alone does not mark the draft changed; undo does', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    store.getState().selectNode('a');
    store.getState().setSelection(['a'], []);
    expect(dirty(store.getState())).toBe(false);
    store.getState().deleteSelection();
    store.getState().setSave({ status: 'saved' }, { seq: store.getState().changeSeq });
    store.getState().undo();
    expect(dirty(store.getState())).toBe(true);
    expect(store.getState().definition().nodes).toHaveLength(4);
  });

  it('keeps the same selection object when nothing changed', () => {
    const { store } = makeStore();
    store.getState().setSelection(['a'], ['e1']);
    const sel = store.getState().selection;
    store.getState().setSelection(['a'], ['e1']);
    expect(store.getState().selection).toBe(sel);
  });
});

describe('editor store: where added nodes go', () => {
  it('places nodes added from one node where they overlap nothing (two answers of a condition)', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    const from = store.getState().nodes[0]!;
    const a = store.getState().addNode('set', undefined, { connectFrom: from.id })!;
    const b = store.getState().addNode('set', undefined, { connectFrom: from.id })!;
    const boxes = store.getState().nodes.map((n) => ({ id: n.id, ...n.position }));
    for (const id of [a, b]) {
      const me = boxes.find((x) => x.id === id)!;
      for (const other of boxes.filter((x) => x.id !== id)) {
        const apart = Math.abs(me.x - other.x) >= 248 + 40 || Math.abs(me.y - other.y) >= 120 + 40;
        expect([id, other.id, apart]).toEqual([id, other.id, true]);
      }
    }
  });

  it('keeps a position the admin chose (a drop), even over another card', () => {
    const { store } = makeStore();
    store.getState().load({ meta, definition: chain() });
    const first = store.getState().nodes[0]!.position;
    const id = store.getState().addNode('set', first)!;
    expect(store.getState().nodes.find((n) => n.id === id)!.position).toEqual(first);
  });
});

describe('editor store: renaming a node', () => {
  /** chain() with b and c reading a's output. */
  function reading(): FlowDefinition {
    const def = chain();
    const config = (id: string) => def.nodes.find((n) => n.id === id)!;
    config('b').config = { vars: [{ name: 'v', value: '{{nodes.a.body.id}} {{nodes.ab.x}}' }] };
    config('c').config = { note: 'nodes.a stays text', t: '{{#if nodes.a.ok}}{{json nodes.a}}{{/if}}' };
    return def;
  }
  const configOf = (store: TestStore['store'], id: string) =>
    store.getState().nodes.find((n) => n.id === id)!.data.config;
  const type = (t: TestStore, id: string, names: string[]) => {
    for (const name of names) {
      t.store.getState().renameNode(id, name);
      t.clock.now += 100;
    }
  };

  it('moves the references to its output as its name is typed, in one undo step', () => {
    const t = makeStore();
    t.store.getState().load({ meta, definition: reading() });
    type(t, 'a', ['ap', 'api', 'api_']);
    expect(configOf(t.store, 'b')).toEqual({ vars: [{ name: 'v', value: '{{nodes.api_.body.id}} {{nodes.ab.x}}' }] });
    expect(configOf(t.store, 'c')).toEqual({
      note: 'nodes.a stays text',
      t: '{{#if nodes.api_.ok}}{{json nodes.api_}}{{/if}}',
    });
    t.store.getState().undo();
    expect(t.store.getState().definition()).toEqual(reading());
  });

  it("typing through another node's name leaves the references until the name is free", () => {
    const t = makeStore();
    const def = reading();
    def.nodes.find((n) => n.id === 'c')!.name = 'ab';
    t.store.getState().load({ meta, definition: def });
    // "ab" is c's: b's {{nodes.ab.x}} is c's and must stay c's; a's references wait at "a".
    type(t, 'a', ['ab']);
    expect(configOf(t.store, 'b')).toEqual({ vars: [{ name: 'v', value: '{{nodes.a.body.id}} {{nodes.ab.x}}' }] });
    type(t, 'a', ['abc']);
    expect(configOf(t.store, 'b')).toEqual({ vars: [{ name: 'v', value: '{{nodes.abc.body.id}} {{nodes.ab.x}}' }] });
    // An invalid name (a digit first) is not followed either: they wait at the starting name; then follow again.
    type(t, 'a', ['1x']);
    expect(configOf(t.store, 'b')).toEqual({ vars: [{ name: 'v', value: '{{nodes.a.body.id}} {{nodes.ab.x}}' }] });
    type(t, 'a', ['x1']);
    expect(configOf(t.store, 'b')).toEqual({ vars: [{ name: 'v', value: '{{nodes.x1.body.id}} {{nodes.ab.x}}' }] });
  });

  it('the names typed on the way never catch tokens of their own (a dangling {{nodes.ap…}})', () => {
    const t = makeStore();
    const def = reading();
    def.nodes.find((n) => n.id === 'c')!.config = { t: '{{nodes.ap.x}} {{nodes.a.y}}' };
    t.store.getState().load({ meta, definition: def });
    type(t, 'a', ['ap', 'api']);
    expect(configOf(t.store, 'c')).toEqual({ t: '{{nodes.ap.x}} {{nodes.api.y}}' });
  });

  it('a change elsewhere between two keystrokes starts a new rename from there', () => {
    const t = makeStore();
    t.store.getState().load({ meta, definition: reading() });
    type(t, 'a', ['q']);
    t.store.getState().updateNode('b', { config: { vars: [{ name: 'v', value: '{{nodes.q.z}}' }] } });
    type(t, 'a', ['qr']);
    expect(configOf(t.store, 'b')).toEqual({ vars: [{ name: 'v', value: '{{nodes.qr.z}}' }] });
  });

  it('after an undo, the next rename starts from the restored name', () => {
    const t = makeStore();
    t.store.getState().load({ meta, definition: reading() });
    type(t, 'a', ['q']);
    t.store.getState().undo();
    t.clock.now += 5_000;
    type(t, 'a', ['r']);
    expect(configOf(t.store, 'b')).toEqual({ vars: [{ name: 'v', value: '{{nodes.r.body.id}} {{nodes.ab.x}}' }] });
  });
});
