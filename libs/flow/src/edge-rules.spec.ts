import { connectionProblem, type RuleEdge, type RuleNode } from './edge-rules';
import { getNodeSpec } from './registry';
import { listGraphTokens, listTokens, type TokenGraph } from './tokens';
import { validateFlow } from './validate';

type N = [id: string, type: string, config?: Record<string, unknown>];

const NODES: N[] = [
  ['t', 'trigger.webhook', { methods: ['POST'] }],
  ['b', 'batch', { items: '{{request.body.calls}}', size: 50 }],
  ['h', 'http', { method: 'POST', url: 'https://crm.example.com/x' }],
  ['s', 'set', { values: [{ name: 'sent', value: '{{now}}' }] }],
  ['s2', 'set', { values: [{ name: 'other', value: '{{now}}' }] }],
  ['r', 'respond', { body: { type: 'json', template: '{}' } }],
];
/** t → b —each→ h —success→ s; b —done→ r. */
const EDGES: RuleEdge[] = [
  { id: 'e1', source: 't', target: 'b', sourceHandle: 'next' },
  { id: 'e2', source: 'b', target: 'h', sourceHandle: 'each' },
  { id: 'e3', source: 'h', target: 's', sourceHandle: 'success' },
  { id: 'e4', source: 'b', target: 'r', sourceHandle: 'done' },
];

function ruleNodes(nodes: N[] = NODES): RuleNode[] {
  return nodes.map(([id, type, config]) => {
    const spec = getNodeSpec(type)!;
    return { id, type, name: id, handles: spec.handles(spec.configSchema.parse(config ?? {})) };
  });
}

function definition(edges: RuleEdge[]) {
  return {
    schemaVersion: 1,
    nodes: NODES.map(([id, type, config]) => ({ id, type, name: id, config: config ?? {} })),
    edges: edges.map((e) => ({ id: e.id!, source: e.source, target: e.target, sourceHandle: e.sourceHandle! })),
  };
}

describe('edge rules on a half-built graph', () => {
  const cases: [string, RuleEdge, string | null][] = [
    ['an allowed edge', { source: 's', target: 's2', sourceHandle: 'next' }, null],
    ['into the trigger', { source: 's', target: 't', sourceHandle: 'next' }, 'trigger_incoming'],
    ['a handle the node lacks', { source: 's', target: 's2', sourceHandle: 'done' }, 'edge_handle'],
    ['a handle already used', { source: 'h', target: 's2', sourceHandle: 'success' }, 'handle_reused'],
    ['a loop', { source: 's', target: 'h', sourceHandle: 'next' }, 'cycle'],
    ['into a batch path from after it', { source: 'r', target: 's', sourceHandle: 'next' }, 'batch_path_entry'],
  ];

  it.each(cases)('%s: the editor and validateFlow refuse it alike', (_, edge, code) => {
    const problem = connectionProblem(edge, ruleNodes(), EDGES);
    expect(problem?.code ?? null).toBe(code);
    const result = validateFlow(definition([...EDGES, { ...edge, id: 'new' }]));
    const codes = result.errors.map((e) => e.code);
    if (code) expect(codes).toContain(code);
    else expect(codes).toEqual([]);
  });

  it('answers before the graph is complete: nodes without edges, a self loop, a missing node', () => {
    expect(connectionProblem({ source: 's', target: 's' }, ruleNodes(), [])).toEqual({ code: 'self_loop' });
    expect(connectionProblem({ source: 's', target: 'gone' }, ruleNodes(), [])).toEqual({ code: 'node_missing' });
    expect(connectionProblem({ source: 's', target: null }, ruleNodes(), [])).toEqual({ code: 'edge_target_missing' });
    // No sourceHandle: the node's first handle.
    expect(connectionProblem({ source: 'h', target: 's' }, ruleNodes(), [])).toBeNull();
    const taken = connectionProblem({ source: 'h', target: 's2' }, ruleNodes(), EDGES);
    expect(taken).toMatchObject({ code: 'handle_reused', handle: 'success', other: { id: 'e3' } });
  });

  it('lets an edge being reconnected keep its own handle', () => {
    expect(
      connectionProblem({ id: 'e3', source: 'h', target: 's2', sourceHandle: 'success' }, ruleNodes(), EDGES),
    ).toBe(null);
  });

  it("names the batch whose path is entered, and allows the batch's own each edge", () => {
    const problem = connectionProblem({ source: 'r', target: 'h', sourceHandle: 'next' }, ruleNodes(), EDGES);
    expect(problem).toMatchObject({ code: 'batch_path_entry', batchId: 'b', edge: { target: 'h' } });
    const noEach = EDGES.filter((e) => e.id !== 'e2');
    expect(connectionProblem({ source: 'b', target: 'h', sourceHandle: 'each' }, ruleNodes(), noEach)).toBeNull();
  });
});

describe('tokens of a half-built graph', () => {
  const graph = (edges: RuleEdge[]): TokenGraph => ({
    nodes: NODES.map(([id, type, config]) => ({ id, type, name: id, config: config ?? {} })),
    edges,
  });

  it('are the tokens listTokens gives for the same flow once it validates', () => {
    const flow = validateFlow(definition(EDGES)).flow!;
    expect(flow).toBeDefined();
    for (const [id] of NODES) expect(listGraphTokens(graph(EDGES), id)).toEqual(listTokens(flow, id));
    expect(listTokens(flow, 's')).toEqual(expect.arrayContaining(['batch.items', 'nodes.h.status', 'request.body']));
    expect(listTokens(flow, 'r')).not.toContain('batch.items');
  });

  it('work without a trigger (an IVR is assumed) and on nodes not yet connected', () => {
    const noTrigger: TokenGraph = { nodes: graph([]).nodes.filter((n) => n.id !== 't'), edges: [] };
    const tokens = listGraphTokens(noTrigger, 's');
    expect(tokens).toContain('ivr.digits');
    expect(tokens).not.toContain('request.body');
    expect(tokens.filter((t) => t.startsWith('nodes.') || t.startsWith('vars.'))).toEqual([]);
    expect(listGraphTokens(noTrigger, 'nope')).toEqual([]);
  });

  it('list vars set upstream and outputs of upstream nodes only', () => {
    const edges = [...EDGES, { id: 'e5', source: 's', target: 's2', sourceHandle: 'next' }];
    const tokens = listGraphTokens(graph(edges), 's2');
    expect(tokens).toContain('vars.sent');
    expect(tokens).not.toContain('vars.other');
    expect(tokens).toContain('nodes.h.body');
    expect(tokens).not.toContain('nodes.r');
  });
});
