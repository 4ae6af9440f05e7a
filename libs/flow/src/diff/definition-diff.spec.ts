import fc from 'fast-check';
import type { FlowDefinition, FlowNode } from '../definition';
import { diffDefinitions, diffNode } from './definition-diff';

const http = (over: Partial<FlowNode> = {}): FlowNode => ({
  id: 'h',
  type: 'http',
  name: 'lookup',
  position: { x: 320, y: 0 },
  config: {
    method: 'POST',
    url: 'https://crm.example.com/calls?phone={{call.callerId}}',
    headers: [{ name: 'Accept', value: 'application/json' }],
    body: { type: 'json', template: '{\n  "id": "{{call.id}}"\n}' },
  },
  ...over,
});
const trigger: FlowNode = { id: 't', type: 'trigger.ivr', name: 'ivr', position: { x: 0, y: 0 }, config: {} };
const respond: FlowNode = {
  id: 'r',
  type: 'respond',
  name: 'answer',
  position: { x: 640, y: 0 },
  config: { body: { type: 'json', template: '{}' } },
};

function def(nodes: FlowNode[], edges: FlowDefinition['edges'] = []): FlowDefinition {
  return { schemaVersion: 1, nodes, edges };
}

/** The same value with every object's keys in reverse order (what a jsonb round trip may do). */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .reverse()
        .map((k) => [k, reverseKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

describe('diffDefinitions: nodes', () => {
  it('finds added, removed, changed and unchanged nodes by id', () => {
    const a = def([trigger, http(), respond]);
    const set: FlowNode = { id: 's', type: 'set', name: 'remember', config: { values: [] } };
    const b = def([trigger, http({ config: { ...http().config, method: 'GET' } }), set]);
    const d = diffDefinitions(a, b);
    expect(d.nodes.map((n) => [n.id, n.status])).toEqual([
      ['t', 'unchanged'],
      ['h', 'changed'],
      ['s', 'added'],
      ['r', 'removed'],
    ]);
    expect(d.counts).toEqual({ added: 1, removed: 1, changed: 1, edgesAdded: 0, edgesRemoved: 0 });
    expect(d.same).toBe(false);
    expect(d.nodes[1]!.changes).toEqual([{ path: 'config.method', kind: 'changed', before: 'POST', after: 'GET' }]);
    expect(d.nodes[3]!.before).toBe(respond);
    expect(d.nodes[2]!.after).toBe(set);
  });

  it('reports a renamed node as changed: name, not removed and added', () => {
    const d = diffDefinitions(def([http()]), def([http({ name: 'crmLookup' })]));
    expect(d.nodes).toHaveLength(1);
    expect(d.nodes[0]!.status).toBe('changed');
    expect(d.nodes[0]!.changes).toEqual([{ path: 'name', kind: 'changed', before: 'lookup', after: 'crmLookup' }]);
  });

  it('does not depend on the order of object keys, at any depth', () => {
    const a = def([trigger, http(), respond]);
    const b = reverseKeys(a) as FlowDefinition;
    expect(JSON.stringify(b)).not.toBe(JSON.stringify(a));
    const d = diffDefinitions(a, b);
    expect(d.same).toBe(true);
    expect(d.nodes.every((n) => n.status === 'unchanged' && !n.moved)).toBe(true);
  });

  it('holds for any config: keys reordered is no change, and a node equals itself', () => {
    const config = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });
    fc.assert(
      fc.property(config, (c) => {
        const node: FlowNode = { id: 'n', type: 'set', name: 'n', config: c as Record<string, unknown> };
        const shuffled = { ...node, config: reverseKeys(c) as Record<string, unknown> };
        expect(diffNode(node, shuffled)).toEqual([]);
        expect(diffNode(shuffled, node)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('lists field changes by path: nested, in arrays, added and removed', () => {
    const before = http({ notes: 'calls the CRM' });
    const after = http({
      config: {
        method: 'POST',
        url: 'https://crm.example.com/calls?phone={{call.callerId}}&full=1',
        headers: [
          { name: 'Accept', value: 'application/json' },
          { name: 'X-Tenant', value: 'acme' },
        ],
        body: { type: 'json', template: '{\n  "id": "{{call.id}}"\n}' },
        timeoutMs: 2000,
      },
    });
    expect(diffNode(before, after)).toEqual([
      { path: 'notes', kind: 'removed', before: 'calls the CRM' },
      { path: 'config.headers[1].name', kind: 'added', after: 'X-Tenant' },
      { path: 'config.headers[1].value', kind: 'added', after: 'acme' },
      { path: 'config.timeoutMs', kind: 'added', after: 2000 },
      {
        path: 'config.url',
        kind: 'changed',
        before: 'https://crm.example.com/calls?phone={{call.callerId}}',
        after: 'https://crm.example.com/calls?phone={{call.callerId}}&full=1',
      },
    ]);
  });

  it('orders array indexes numerically and quotes keys that are not identifiers', () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `v${i}`, value: 'x' }));
    const a: FlowNode = { id: 's', type: 'set', name: 's', config: { values: values(2) } };
    const b: FlowNode = { id: 's', type: 'set', name: 's', config: { values: values(11), 'a b': 1 } };
    const paths = diffNode(a, b).map((c) => c.path);
    expect(paths.slice(0, 3)).toEqual(['config["a b"]', 'config.values[2].name', 'config.values[2].value']);
    expect(paths.indexOf('config.values[10].name')).toBeGreaterThan(paths.indexOf('config.values[9].value'));
  });

  it('shows the items of an emptied or filled array, not the empty array itself', () => {
    const a = http({ config: { ...http().config, headers: [] } });
    const d = diffNode(a, http());
    expect(d.map((c) => [c.path, c.kind])).toEqual([
      ['config.headers[0].name', 'added'],
      ['config.headers[0].value', 'added'],
    ]);
    expect(diffNode(http(), a).map((c) => c.kind)).toEqual(['removed', 'removed']);
  });

  it('tells a leaf replaced by an empty object or array apart', () => {
    const a: FlowNode = { id: 's', type: 'set', name: 's', config: { x: 'a', y: {}, z: [] } };
    const b: FlowNode = { id: 's', type: 'set', name: 's', config: { x: {}, y: [], z: [] } };
    expect(diffNode(a, b)).toEqual([
      { path: 'config.x', kind: 'changed', before: 'a', after: {} },
      { path: 'config.y', kind: 'changed', before: {}, after: [] },
    ]);
  });

  it('reports a move apart from changes, and treats empty notes as none', () => {
    const d = diffDefinitions(def([http({ notes: '' })]), def([http({ position: { x: 400, y: 80 } })]));
    expect(d.nodes[0]).toMatchObject({ status: 'unchanged', moved: true, changes: [] });
    expect(d.same).toBe(true);
  });

  it('a type change lists the type and the config fields', () => {
    const d = diffNode(http(), { ...respond, id: 'h', name: 'lookup' });
    expect(d[0]).toEqual({ path: 'type', kind: 'changed', before: 'http', after: 'respond' });
    expect(d.map((c) => c.path)).toContain('config.url');
  });
});

describe('diffDefinitions: edges', () => {
  const nodes = [trigger, http(), respond];

  it('finds added and removed edges by where they go', () => {
    const a = def(nodes, [
      { id: 'e1', source: 't', target: 'h' },
      { id: 'e2', source: 'h', sourceHandle: 'success', target: 'r' },
    ]);
    const b = def(nodes, [
      { id: 'e1', source: 't', target: 'h' },
      { id: 'e3', source: 'h', sourceHandle: 'error', target: 'r' },
    ]);
    const d = diffDefinitions(a, b);
    expect(d.edges.map((e) => [e.key, e.status])).toEqual([
      ['t>next>h', 'unchanged'],
      ['h>error>r', 'added'],
      ['h>success>r', 'removed'],
    ]);
    expect(d.counts).toMatchObject({ edgesAdded: 1, edgesRemoved: 1 });
    expect(d.edges[2]!.edge.id).toBe('e2');
  });

  it('a connection drawn again under a new id, or stored without its first handle, is no change', () => {
    const a = def(nodes, [{ id: 'e1', source: 'h', target: 'r' }]);
    const b = def(nodes, [{ id: 'x9', source: 'h', sourceHandle: 'success', target: 'r' }]);
    const d = diffDefinitions(a, b);
    expect(d.edges).toEqual([expect.objectContaining({ status: 'unchanged', handle: 'success' })]);
    expect(d.same).toBe(true);
  });

  it('counts duplicates, so one extra copy shows as added', () => {
    const e = { source: 't', target: 'h' };
    const d = diffDefinitions(
      def(nodes, [{ id: 'a', ...e }]),
      def(nodes, [
        { id: 'a', ...e },
        { id: 'b', ...e },
      ]),
    );
    expect(d.edges.map((x) => x.status)).toEqual(['unchanged', 'added']);
  });

  it('survives malformed input: missing arrays, unknown types, edges to nowhere', () => {
    const broken = { schemaVersion: 1 } as unknown as FlowDefinition;
    const odd = def([{ id: 'q', type: 'nope', name: 'q', config: {} }], [{ id: 'e', source: 'q', target: 'zz' }]);
    const d = diffDefinitions(broken, odd);
    expect(d.nodes.map((n) => n.status)).toEqual(['added']);
    expect(d.edges).toEqual([expect.objectContaining({ key: 'q>>zz', status: 'added' })]);
    expect(diffDefinitions(odd, broken).counts).toMatchObject({ removed: 1, edgesRemoved: 1 });
  });
});
