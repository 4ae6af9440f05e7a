/**
 * The editor's pure modules (no DOM): definition ⇄ canvas conversion, the connection rules checked
 * while drawing, completion tokens, template hints and the IVR timing budget.
 */
import { validateFlow, type FlowDefinition } from '@callflow/flow';
import { connectionProblem, freeHandle } from '../src/editor/connection';
import {
  fromDefinition,
  handlesOf,
  summaryOf,
  toDefinition,
  uniqueName,
  type EditorEdge,
  type EditorNode,
} from '../src/editor/convert';
import { jsonShape, templateMessages } from '../src/editor/template-hints';
import { timingBudget } from '../src/editor/timing';
import { filterTokens, tokensForNode } from '../src/editor/tokens';
import { loadCatalog } from './load-catalog';

// The editor's messages as people read them in English.
beforeAll(() => loadCatalog('en'));

function vipFlow(): FlowDefinition {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 't', type: 'trigger.ivr', name: 'ivr', position: { x: 0, y: 0 }, config: { deadlineMs: 3000 } },
      {
        id: 'h',
        type: 'http',
        name: 'lookup',
        position: { x: 320, y: 0 },
        config: {
          url: 'https://crm.example.com/c?p={{call.callerId}}',
          timeoutMs: 1000,
          retry: { attempts: 2, backoffMs: 200 },
        },
      },
      {
        id: 'c',
        type: 'condition',
        name: 'isVip',
        position: { x: 640, y: 0 },
        config: { rules: [{ handle: 'vip', left: '{{nodes.lookup.body.vip}}', op: 'eq', right: 'true' }] },
      },
      {
        id: 's',
        type: 'set',
        name: 'vars1',
        position: { x: 960, y: 0 },
        config: { values: [{ name: 'queue', value: 'vip' }] },
      },
      {
        id: 'r',
        type: 'respond',
        name: 'answer',
        position: { x: 1280, y: 0 },
        config: { body: { type: 'json', template: '{"q": "{{vars.queue}}"}' } },
      },
    ],
    edges: [
      { id: 'e1', source: 't', target: 'h' },
      { id: 'e2', source: 'h', sourceHandle: 'success', target: 'c' },
      { id: 'e3', source: 'c', sourceHandle: 'vip', target: 's' },
      { id: 'e4', source: 's', target: 'r' },
    ],
  };
}

describe('definition ⇄ canvas', () => {
  it('round-trips a definition, keeping edges without a handle without one', () => {
    const def = vipFlow();
    const { nodes, edges } = fromDefinition(def);
    expect(edges.find((e) => e.id === 'e1')!.sourceHandle).toBe('next');
    expect(toDefinition(nodes, edges)).toEqual(def);
  });

  it('lays out nodes that have no position, left to right from the trigger', () => {
    const def = vipFlow();
    for (const n of def.nodes) delete n.position;
    const { nodes } = fromDefinition(def);
    const x = Object.fromEntries(nodes.map((n) => [n.data.name, n.position.x]));
    expect(x.ivr).toBeLessThan(x.lookup!);
    expect(x.lookup).toBeLessThan(x.isVip!);
    expect(x.isVip).toBeLessThan(x.answer!);
  });

  it('knows the handles and summary of half-configured nodes', () => {
    expect(handlesOf('http', { url: '' })).toEqual(['success', 'error']);
    expect(handlesOf('condition', { rules: [{ handle: 'a' }, { handle: 'b', op: 'nope' }] })).toEqual([
      'a',
      'b',
      'default',
    ]);
    expect(handlesOf('respond', {})).toEqual(['next']);
    expect(summaryOf('http', { method: 'POST', url: 'https://crm.example.com/calls' })).toBe(
      'POST crm.example.com/calls',
    );
  });

  it('makes unique node names', () => {
    expect(uniqueName('request', new Set(['request', 'request2']))).toBe('request3');
    expect(uniqueName('9 lives', new Set())).toBe('_9_lives');
  });
});

describe('connection rules while drawing', () => {
  const { nodes, edges } = fromDefinition(vipFlow());
  const conn = (source: string, sourceHandle: string | null, target: string) => ({
    source,
    sourceHandle,
    target,
    targetHandle: null,
  });

  it('refuses what validateFlow would refuse', () => {
    expect(connectionProblem(conn('h', 'error', 'h'), nodes, edges)).toMatch(/itself/);
    expect(connectionProblem(conn('h', 'error', 't'), nodes, edges)).toMatch(/into the trigger/);
    expect(connectionProblem(conn('h', 'success', 'r'), nodes, edges)).toMatch(/already leads to "isVip"/);
    expect(connectionProblem(conn('r', 'next', 'h'), nodes, edges)).toMatch(/loop/);
    expect(connectionProblem(conn('h', 'nope', 'r'), nodes, edges)).toMatch(/no output "nope"/);
  });

  it('allows a free output to a later node, and finds free outputs', () => {
    expect(connectionProblem(conn('h', 'error', 'r'), nodes, edges)).toBeNull();
    expect(connectionProblem(conn('c', 'default', 'r'), nodes, edges)).toBeNull();
    expect(
      freeHandle(
        nodes.find((n) => n.id === 'h')!,
        edges,
      ),
    ).toBe('error');
    expect(
      freeHandle(
        nodes.find((n) => n.id === 'c')!,
        edges,
      ),
    ).toBe('default');
  });
});

describe('completion tokens', () => {
  it('lists the run input, upstream outputs and vars, never downstream nodes', () => {
    const def = vipFlow();
    const { nodes, edges } = fromDefinition(def);
    const valid = validateFlow(def);
    expect(valid.valid).toBe(true);
    for (const flow of [valid.flow, undefined]) {
      const tokens = tokensForNode('r', nodes, edges, flow).map((t) => t.token);
      expect(tokens).toEqual(
        expect.arrayContaining([
          'call.callerId',
          'contact.firstName',
          'ivr.digits',
          'nodes.lookup.body',
          'nodes.lookup.status',
          'vars.queue',
          'now',
        ]),
      );
      expect(tokensForNode('h', nodes, edges, flow).map((t) => t.token)).not.toContain('nodes.isVip');
    }
  });

  it('still works while the flow does not validate', () => {
    const def = vipFlow();
    (def.nodes[1]!.config as { url: string }).url = '';
    const { nodes, edges } = fromDefinition(def);
    expect(validateFlow(def).valid).toBe(false);
    expect(tokensForNode('c', nodes, edges).map((t) => t.token)).toContain('nodes.lookup.body');
  });

  it('ranks prefix matches first', () => {
    const items = ['contact.callerNote', 'call.callerId', 'call.id'].map((token) => ({
      token,
      group: token.split('.')[0]!,
    }));
    expect(filterTokens(items, 'call.').map((t) => t.token)).toEqual(['call.callerId', 'call.id']);
    expect(filterTokens(items, 'caller').map((t) => t.token)).toEqual(['contact.callerNote', 'call.callerId']);
  });
});

describe('template hints', () => {
  it('reports syntax errors with their position', () => {
    expect(templateMessages('https://x/{{#if call.id}', 'url')[0]!.message).toMatch(/^Line 1, column \d+/);
    expect(templateMessages('{{nope.x}}', 'text')[0]).toMatchObject({ severity: 'error' });
    expect(templateMessages('https://x/{{call.id}}', 'url')).toEqual([]);
  });

  it('checks that a JSON body will parse, and flags text tokens outside quotes', () => {
    expect(jsonShape('{"a": "{{call.id}}"}')).toEqual([]);
    expect(jsonShape('{"a": {{json call}}}')).toEqual([]);
    expect(jsonShape('{"a": "{{call.id}}",}')[0]).toMatchObject({ severity: 'error' });
    expect(jsonShape('{"a": {{call.callerId}}}')[0]).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('outside quotes'),
    });
    expect(jsonShape('{{#each x}}{{/each}}')).toEqual([]);
  });
});

describe('IVR timing budget', () => {
  it('adds timeouts, retries and backoff on the slowest path to a respond node', () => {
    const { nodes, edges } = fromDefinition(vipFlow());
    const b = timingBudget(nodes, edges)!;
    expect(b.deadlineMs).toBe(3000);
    expect(b.worstMs).toBe(2 * 1000 + 200);
    expect(b.path.map((s) => s.name)).toEqual(['lookup']);
  });

  it('has no answer time when no respond node is reachable', () => {
    const def = vipFlow();
    def.edges = def.edges.filter((e) => e.id !== 'e4');
    const { nodes, edges } = fromDefinition(def);
    expect(timingBudget(nodes as EditorNode[], edges as EditorEdge[])!.worstMs).toBeNull();
  });
});
