import fc from 'fast-check';
import { utf8Length } from './issues';
import { chainFlow, ivrFlow, nodeById, type LooseFlow } from './testing/flows';
import { DEFAULT_VALIDATION_LIMITS, validateFlow, type ValidationIssue, type ValidationResult } from './validate';

type Expected = Partial<ValidationIssue> & { code: string };

function expectError(result: ValidationResult, expected: Expected): ValidationIssue {
  expect(result.valid).toBe(false);
  expect(result.flow).toBeUndefined();
  const match = result.errors.find((e) =>
    Object.entries(expected).every(([k, v]) => (e as unknown as Record<string, unknown>)[k] === v),
  );
  if (!match) throw new Error(`no error ${JSON.stringify(expected)} in ${JSON.stringify(result.errors, null, 1)}`);
  expect(match.severity).toBe('error');
  return match;
}

function codes(result: ValidationResult): string[] {
  return result.errors.map((e) => e.code);
}

function validate(mutate: (flow: LooseFlow) => void = () => {}): ValidationResult {
  const flow = ivrFlow();
  mutate(flow);
  return validateFlow(flow);
}

describe('validateFlow: a valid flow', () => {
  const result = validateFlow(ivrFlow());

  it('is valid with no errors or warnings', () => {
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('indexes the nodes by id and name, with the trigger', () => {
    const flow = result.flow!;
    expect([...flow.nodes.keys()]).toEqual(['t', 'lookup', 'check', 'r1', 'r2']);
    expect([...flow.byName.keys()]).toEqual(['ivr', 'lookup', 'isVip', 'vipQueue', 'normalQueue']);
    expect(flow.trigger.node.id).toBe('t');
    expect(flow.nodes.get('lookup')!.spec.type).toBe('http');
    expect(flow.definition.nodes).toHaveLength(5);
  });

  it('applies config defaults', () => {
    const flow = result.flow!;
    expect(flow.trigger.config).toEqual({ deadlineMs: 3000, fallback: {} });
    expect(flow.nodes.get('lookup')!.config).toMatchObject({
      method: 'GET',
      query: [],
      body: { type: 'none' },
      timeoutMs: 10_000,
      retry: { attempts: 1, backoffMs: 500 },
      responseType: 'auto',
      followRedirects: true,
    });
    expect(flow.nodes.get('r2')!.config).toMatchObject({ status: 200, headers: [] });
  });

  it('maps handles to targets, using the first handle for edges without sourceHandle', () => {
    const flow = result.flow!;
    expect(flow.trigger.handles).toEqual(['next']);
    expect([...flow.trigger.next]).toEqual([['next', 'lookup']]);
    expect([...flow.nodes.get('lookup')!.next]).toEqual([
      ['success', 'check'],
      ['error', 'r2'],
    ]);
    expect(flow.nodes.get('check')!.handles).toEqual(['vip', 'default']);
    expect([...flow.nodes.get('check')!.next]).toEqual([
      ['vip', 'r1'],
      ['default', 'r2'],
    ]);
    expect(flow.nodes.get('r1')!.next.size).toBe(0);
  });

  it('does not modify its input', () => {
    const input = ivrFlow();
    const copy = structuredClone(input);
    validateFlow(input);
    expect(input).toEqual(copy);
  });
});

describe('validateFlow: envelope', () => {
  it('rejects non-objects and stops', () => {
    for (const input of [null, 42, 'flow', [], undefined]) {
      const result = validateFlow(input);
      expect(result.errors).toEqual([expect.objectContaining({ code: 'schema', path: '' })]);
    }
  });

  it('reports a wrong schemaVersion and unknown top-level fields with their paths', () => {
    const result = validate((f) => {
      f.schemaVersion = 2;
      f.extra = true;
    });
    expectError(result, { code: 'schema', path: 'schemaVersion' });
    expectError(result, { code: 'schema', path: 'extra', message: 'unknown field "extra"' });
  });

  it('stops when nodes is not an array', () => {
    const result = validateFlow({ schemaVersion: 1, nodes: 'x', edges: [] });
    expect(result.errors).toEqual([expect.objectContaining({ code: 'schema', path: 'nodes' })]);
  });

  it('keeps checking nodes when edges is not an array', () => {
    const result = validate((f) => {
      (f as Record<string, unknown>).edges = {};
      nodeById(f, 'lookup').config.method = 'FETCH';
    });
    expectError(result, { code: 'schema', path: 'edges' });
    expectError(result, { code: 'config', nodeId: 'lookup', path: 'config.method' });
  });

  it('reports node envelope issues relative to the node', () => {
    const result = validate((f) => {
      nodeById(f, 'lookup').name = 'my lookup';
      nodeById(f, 'r1').color = 'red';
    });
    expectError(result, { code: 'schema', nodeId: 'lookup', path: 'name' });
    expectError(result, { code: 'schema', nodeId: 'r1', path: 'color' });
  });

  it('uses absolute paths for nodes without an id', () => {
    const result = validate((f) => {
      delete f.nodes[1]!.id;
      f.nodes.push(7 as never);
    });
    const missing = expectError(result, { code: 'schema', path: 'nodes.1.id' });
    expect(missing.nodeId).toBeUndefined();
    expectError(result, { code: 'schema', path: 'nodes.5' });
  });

  it('still checks the config of a node whose envelope is invalid', () => {
    const result = validate((f) => {
      const n = nodeById(f, 'lookup');
      n.name = '1st';
      n.config.url = '';
    });
    expectError(result, { code: 'schema', nodeId: 'lookup', path: 'name' });
    expectError(result, { code: 'config', nodeId: 'lookup', path: 'config.url' });
  });

  it('reports edge envelope issues with absolute paths and the edge id', () => {
    const result = validate((f) => {
      f.edges[0]!.target = 5;
    });
    expectError(result, { code: 'schema', edgeId: 'e1', path: 'edges.0.target' });
  });
});

describe('validateFlow: limits', () => {
  it('rejects a definition over the byte limit, counted as UTF-8', () => {
    const flow = ivrFlow();
    const bytes = utf8Length(JSON.stringify(flow));
    expect(validateFlow(flow, { maxDefinitionBytes: bytes }).valid).toBe(true);
    const result = validateFlow(flow, { maxDefinitionBytes: bytes - 1 });
    expect(result.errors).toEqual([expect.objectContaining({ code: 'limit_size', path: '' })]);
    // Same number of characters, one more byte: the limit is in bytes.
    nodeById(flow, 'r2').notes = 'e';
    const ascii = JSON.stringify(flow).length;
    expect(codes(validateFlow(flow, { maxDefinitionBytes: ascii }))).toEqual([]);
    nodeById(flow, 'r2').notes = 'é';
    expect(JSON.stringify(flow).length).toBe(ascii);
    expect(codes(validateFlow(flow, { maxDefinitionBytes: ascii }))).toEqual(['limit_size']);
  });

  it('fails a 501-node flow and accepts 500', () => {
    const big = chainFlow(500);
    expect(big.nodes).toHaveLength(501);
    expect(validateFlow(big).errors).toEqual([expect.objectContaining({ code: 'limit_nodes', path: 'nodes' })]);
    big.nodes.pop();
    big.edges.pop();
    expect(validateFlow(big).valid).toBe(true);
  });

  it('honours custom node and edge limits', () => {
    expectError(validateFlow(chainFlow(3), { maxNodes: 3 }), { code: 'limit_nodes', path: 'nodes' });
    expect(validateFlow(chainFlow(3), { maxNodes: 4 }).valid).toBe(true);
    expectError(validateFlow(chainFlow(3), { maxEdges: 2 }), { code: 'limit_edges', path: 'edges' });
  });

  it('ignores limits that are not numbers', () => {
    expect(validateFlow(ivrFlow(), { maxNodes: 'x' as never, maxEdges: undefined }).valid).toBe(true);
    expect(DEFAULT_VALIDATION_LIMITS).toEqual({
      maxNodes: 500,
      maxEdges: 2000,
      maxTemplateBytes: 65536,
      maxDefinitionBytes: 1048576,
      maxTemplateWork: 10000,
      maxPatternWork: 5000,
    });
  });
});

describe('validateFlow: nodes', () => {
  it('needs a trigger', () => {
    const result = validate((f) => {
      f.nodes.shift();
      f.edges.shift();
    });
    expect(result.errors).toEqual([expect.objectContaining({ code: 'trigger_count', path: 'nodes' })]);
    expect(result.errors[0]!.nodeId).toBeUndefined();
  });

  it('reports each extra trigger', () => {
    const result = validate((f) => {
      f.nodes.push(
        { id: 't2', type: 'trigger.webhook', name: 'hook', config: {} },
        { id: 't3', type: 'trigger.campaign', name: 'camp' },
      );
    });
    expect(result.errors.filter((e) => e.code === 'trigger_count').map((e) => [e.nodeId, e.path])).toEqual([
      ['t2', 'type'],
      ['t3', 'type'],
    ]);
  });

  it('reports unknown node types with the known ones', () => {
    const issue = expectError(
      validate((f) => void (nodeById(f, 'lookup').type = 'ftp')),
      { code: 'unknown_type', nodeId: 'lookup', path: 'type' },
    );
    expect(issue.message).toContain('"ftp"');
    expect(issue.message).toContain('trigger.ivr, trigger.end_of_call');
    expect(issue.message).toContain('respond');
  });

  it('reports every config issue, prefixed with config.', () => {
    const result = validate((f) => {
      const c = nodeById(f, 'lookup').config;
      c.headers = [{ name: 'Bad Header', value: 'x' }];
      c.timeoutMs = -1;
      c.verb = 'x';
    });
    expectError(result, { code: 'config', nodeId: 'lookup', path: 'config.headers.0.name' });
    expectError(result, { code: 'config', nodeId: 'lookup', path: 'config.timeoutMs' });
    expectError(result, { code: 'config', nodeId: 'lookup', path: 'config.verb' });
  });

  it('accepts a missing config when the type needs none', () => {
    expect(validate((f) => void delete f.nodes[0]!.config).valid).toBe(true);
  });

  it('reports a duplicate id on the later node, a duplicate name on both (by kind, not position)', () => {
    const result = validate((f) => {
      f.nodes.push(
        { id: 'r2', type: 'respond', name: 'other' },
        { id: 'r3', type: 'respond', name: 'lookup' },
        { id: 'r4', type: 'respond', name: 'lookup' },
      );
    });
    const dupId = expectError(result, { code: 'duplicate_id', nodeId: 'r2', path: 'id' });
    expect(dupId.message).toContain('node 5 ("normalQueue")');
    const later = expectError(result, { code: 'duplicate_name', nodeId: 'r3', path: 'name' });
    const first = expectError(result, { code: 'duplicate_name', nodeId: 'lookup', path: 'name' });
    expect(later.message).toMatch(/^name "lookup" is already used by another node \(HTTP request\); names must be/);
    expect(first.message).toBe('name "lookup" is also used by another node (Respond); names must be unique');
    // Three nodes of one name: the first is flagged once.
    expect(result.errors.filter((i) => i.code === 'duplicate_name').map((i) => i.nodeId)).toEqual([
      'lookup',
      'r3',
      'r4',
    ]);
  });
});

describe('validateFlow: edges', () => {
  it('reports missing sources and targets', () => {
    const result = validate((f) => {
      f.edges.push({ id: 'x1', source: 'ghost', target: 'r1' }, { id: 'x2', source: 'r1', target: 'nowhere' });
    });
    expectError(result, { code: 'edge_source_missing', edgeId: 'x1', path: 'edges.5.source' });
    expectError(result, { code: 'edge_target_missing', edgeId: 'x2', path: 'edges.6.target' });
  });

  it('reports a handle the source node does not have, listing the valid ones', () => {
    const issue = expectError(
      validate((f) => void (f.edges[1]!.sourceHandle = 'ok')),
      { code: 'edge_handle', edgeId: 'e2', path: 'edges.1.sourceHandle' },
    );
    expect(issue.message).toBe('node "lookup" has no handle "ok"; valid handles: success, error');
  });

  it('allows one edge per handle', () => {
    const result = validate((f) => void f.edges.push({ id: 'e6', source: 'check', sourceHandle: 'vip', target: 'r2' }));
    expectError(result, { code: 'handle_reused', edgeId: 'e6', path: 'edges.5.sourceHandle' });
    // Without sourceHandle the edge uses the first handle, which e1 already takes.
    const implicit = validate((f) => void f.edges.push({ id: 'e6', source: 't', target: 'r2' }));
    expectError(implicit, { code: 'handle_reused', edgeId: 'e6', path: 'edges.5.source' });
  });

  it('rejects edges into a trigger', () => {
    expectError(
      validate((f) => void f.edges.push({ id: 'back', source: 'r1', target: 't' })),
      { code: 'trigger_incoming', edgeId: 'back', path: 'edges.5.target' },
    );
  });

  it('rejects duplicate edge ids', () => {
    expectError(
      validate((f) => void (f.edges[1]!.id = 'e1')),
      { code: 'duplicate_id', edgeId: 'e1', path: 'edges.1.id' },
    );
  });

  it('rejects self loops', () => {
    const issue = expectError(
      validate((f) => void f.edges.push({ id: 'loop', source: 'r1', target: 'r1' })),
      { code: 'cycle', edgeId: 'loop', path: 'edges.5' },
    );
    expect(issue.nodeIds).toEqual(['r1']);
    expect(issue.message).toContain('to itself');
  });

  it('rejects cycles and names their nodes', () => {
    const issue = expectError(
      validate((f) => void f.edges.push({ id: 'back', source: 'r1', target: 'lookup' })),
      { code: 'cycle', edgeId: 'back' },
    );
    expect(issue.nodeIds).toEqual(['lookup', 'check', 'r1']);
    expect(issue.message).toBe('edge "back" closes a cycle: lookup → isVip → vipQueue → lookup; flows cannot loop');
  });

  it('finds cycles in long chains without recursion limits', () => {
    const flow = chainFlow(499);
    flow.edges.push({ id: 'back', source: 'n499', target: 'n1' });
    const issue = expectError(validateFlow(flow), { code: 'cycle', edgeId: 'back' });
    expect(issue.nodeIds).toHaveLength(499);
  });

  it('warns about nodes the trigger cannot reach, without failing', () => {
    const result = validate((f) => {
      f.nodes.push({ id: 'orphan', type: 'set', name: 'orphan', config: { values: [{ name: 'a', value: '1' }] } });
    });
    expect(result.valid).toBe(true);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'unreachable', nodeId: 'orphan', path: '', severity: 'warning' }),
    ]);
    expect(result.flow!.nodes.has('orphan')).toBe(true);
  });
});

describe('validateFlow: never throws', () => {
  it('handles anything fast-check can make', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withNullPrototype: true,
          withObjectString: true,
          withSparseArray: true,
          withBoxedValues: true,
          withMap: true,
          withSet: true,
          withDate: true,
        }),
        (input) => {
          const result = validateFlow(input);
          expect(typeof result.valid).toBe('boolean');
          expect(result.valid).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('handles flow-shaped garbage', () => {
    const node = fc.record(
      {
        id: fc.oneof(fc.constantFrom('t', 'a', 'b', '__proto__'), fc.anything()),
        type: fc.oneof(fc.constantFrom('trigger.ivr', 'http', 'condition', 'set', 'respond', 'soap'), fc.anything()),
        name: fc.oneof(fc.constantFrom('a', 'b', 'constructor'), fc.anything()),
        config: fc.anything(),
      },
      { requiredKeys: [] },
    );
    const edge = fc.record(
      {
        id: fc.string(),
        source: fc.constantFrom('t', 'a', 'b', 'x'),
        target: fc.constantFrom('t', 'a', 'b', 'x'),
        sourceHandle: fc.oneof(fc.constantFrom('next', 'success', 'default'), fc.anything()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.record({
          schemaVersion: fc.constantFrom(1, 2, '1'),
          nodes: fc.array(node, { maxLength: 8 }),
          edges: fc.array(edge, { maxLength: 10 }),
        }),
        (input) => {
          expect(() => validateFlow(input)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('handles __proto__ keys from JSON.parse anywhere', () => {
    const json = JSON.stringify(ivrFlow()).replace('"config":{}', '"config":{"__proto__":{"deadlineMs":1}}');
    const input = JSON.parse(`{"__proto__":{"polluted":true},${json.slice(1)}`);
    const result = validateFlow(input);
    expectError(result, { code: 'schema', path: '__proto__' });
    expectError(result, { code: 'config', nodeId: 't', path: 'config.__proto__' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports values JSON cannot hold instead of throwing', () => {
    const cyclic: Record<string, unknown> = { schemaVersion: 1, nodes: [], edges: [] };
    cyclic.self = cyclic;
    expectError(validateFlow(cyclic), { code: 'schema', path: '' });
    expectError(validateFlow({ schemaVersion: 1, nodes: [], edges: [], n: BigInt(1) }), { code: 'schema', path: '' });
  });

  it('copes with deeply nested configs', () => {
    const nest = (depth: number) => {
      let deep: unknown = '{{call.id}}';
      for (let i = 0; i < depth; i++) deep = { a: deep };
      return validate((f) => {
        f.nodes.push({
          id: 's',
          type: 'soap',
          name: 'soap',
          config: { wsdlUrl: 'https://x/?wsdl', operation: 'Op', args: { deep } },
        });
        f.edges.push({ id: 'es', source: 'r1', target: 's' });
      });
    };
    expect(nest(500).valid).toBe(true);
    expect(nest(2500).errors).toEqual([
      expect.objectContaining({ code: 'config', nodeId: 's', message: 'the config is nested too deeply' }),
    ]);
    const tooDeep = nest(100_000);
    expect(tooDeep.valid).toBe(false);
    expect(tooDeep.errors[0]!.message).toMatch(/nested too deeply/);
  });
});

describe('utf8Length', () => {
  it('matches TextEncoder', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => utf8Length(s) === new TextEncoder().encode(s).length));
    for (const s of ['', 'a', 'é', '€', '😀', '\ud800', 'a\udc00b'])
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });
});
