import type { FlowDefinition } from '@callflow/flow';
import { diffGraph } from '../src/editor/diff/diff-graph';

const before: FlowDefinition = {
  schemaVersion: 1,
  nodes: [
    { id: 't', type: 'trigger.ivr', name: 'ivr', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'c',
      type: 'condition',
      name: 'isVip',
      position: { x: 320, y: 0 },
      config: { rules: [{ handle: 'vip', left: '{{call.callerId}}', op: 'exists' }] },
    },
    { id: 'r', type: 'respond', name: 'vipAnswer', position: { x: 640, y: -80 }, config: {} },
    { id: 'old', type: 'respond', name: 'gone', position: { x: 640, y: 160 }, config: {} },
  ],
  edges: [
    { id: 'e1', source: 't', target: 'c' },
    { id: 'e2', source: 'c', sourceHandle: 'vip', target: 'r' },
    { id: 'e3', source: 'c', sourceHandle: 'default', target: 'old' },
  ],
};

/** The rule's handle renamed (vip → gold), `old` removed, `new` added without a position. */
const after: FlowDefinition = {
  schemaVersion: 1,
  nodes: [
    before.nodes[0]!,
    { ...before.nodes[1]!, config: { rules: [{ handle: 'gold', left: '{{call.callerId}}', op: 'exists' }] } },
    before.nodes[2]!,
    { id: 'new', type: 'set', name: 'added', config: { values: [{ name: 'x', value: '1' }] } },
  ],
  edges: [
    { id: 'e1', source: 't', target: 'c' },
    { id: 'e2', source: 'c', sourceHandle: 'gold', target: 'r' },
    { id: 'e4', source: 'c', sourceHandle: 'default', target: 'new' },
  ],
};

describe('diffGraph', () => {
  const g = diffGraph(before, after);
  const node = (id: string) => g.nodes.find((n) => n.id === id)!;

  it('draws the removed node as a ghost at its old place, under the others', () => {
    expect(node('old').data.status).toBe('removed');
    expect(node('old').position).toEqual({ x: 640, y: 160 });
    expect(node('old').zIndex).toBeLessThan(node('r').zIndex!);
    expect(g.nodes.every((n) => n.type === 'diff' && n.draggable === false && n.connectable === false)).toBe(true);
  });

  it('gives a changed node the outputs of both sides, so removed edges still have their handle', () => {
    expect(node('c').data.status).toBe('changed');
    expect(node('c').data.handles).toEqual(['vip', 'default', 'gold']);
    expect(node('c').data.changes).toBe(1);
  });

  it('places a node the second side stores without a position where the editor would lay it out', () => {
    expect(node('new').data.status).toBe('added');
    expect(node('new').position).not.toEqual({ x: 0, y: 0 });
  });

  it('draws each edge of either side once, classed by status, on its handle', () => {
    expect(g.edges.map((e) => [e.className, e.source, e.sourceHandle, e.target])).toEqual([
      ['diff-edge-unchanged', 't', 'next', 'c'],
      ['diff-edge-added', 'c', 'gold', 'r'],
      ['diff-edge-added', 'c', 'default', 'new'],
      ['diff-edge-removed', 'c', 'vip', 'r'],
      ['diff-edge-removed', 'c', 'default', 'old'],
    ]);
    expect(new Set(g.edges.map((e) => e.id)).size).toBe(g.edges.length);
  });
});
