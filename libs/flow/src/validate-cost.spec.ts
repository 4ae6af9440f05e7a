/**
 * Validation is bounded (security review, HIGH: 499 chained set nodes each reading `{{vars.a}}`
 * 170 times, 940 KB, held the server 28.7 s; 2.5 s of CPU here). Every definition within the limits
 * validates in tens of ms; these bounds are ~5-10x what this 2-core shared machine measures.
 */
import { cpuYardstickMs } from './testing/cpu-reference';
import { chainFlow, type LooseFlow } from './testing/flows';
import { everything, reviewerPayload, WORST_CASES } from './testing/worst-cases';
import { DEFAULT_VALIDATION_LIMITS, validateFlow, type ValidationLimits, type ValidationResult } from './validate';

/** The least CPU time (ms) of `runs` validations, and the last result. */
function timed(input: unknown, limits?: Partial<ValidationLimits>, runs = 3): { ms: number; result: ValidationResult } {
  let ms = Infinity;
  let result!: ValidationResult;
  for (let i = 0; i < runs; i++) {
    const t0 = process.cpuUsage();
    result = validateFlow(input, limits);
    const used = process.cpuUsage(t0);
    ms = Math.min(ms, (used.user + used.system) / 1000);
  }
  if (process.env.DEBUG_COST) console.log(`${Math.round(ms)} ms`);
  return { ms, result };
}

const codes = (r: ValidationResult) => [...new Set(r.errors.map((e) => e.code))];

// A server validates all day: measure warm code (the first validations in a process run ~3x slower, once).
beforeAll(() => {
  for (let i = 0; i < 4; i++) validateFlow(everything());
});

describe('validation cost: the review payload', () => {
  it('is refused at once with the parsing limit it passes (2.5 s of CPU before)', () => {
    const payload = reviewerPayload(170);
    expect(JSON.stringify(payload).length).toBeGreaterThan(890 * 1024);
    const { ms, result } = timed(payload);
    const message = expect.stringContaining('more than 10000 units of parsing work');
    expect(result.errors).toEqual([expect.objectContaining({ code: 'limit_template_work', path: '', message })]);
    expect(result.errors[0]!.message).toContain('node "s');
    expect(ms).toBeLessThan(250); // ~10 ms here
  });

  it('is near-linear with the budget lifted: a template is parsed once, a reference is a bit test', () => {
    const { ms, result } = timed(reviewerPayload(170), { maxTemplateWork: Infinity });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(ms).toBeLessThan(Math.max(600, 14 * cpuYardstickMs())); // ~60 ms here; every reference walked the chain
  });
});

describe('validation cost: the worst definitions within the limits', () => {
  for (const [name, make] of Object.entries(WORST_CASES)) {
    it(`${name} validates within a few tens of ms`, () => {
      const flow = make();
      expect(JSON.stringify(flow).length).toBeLessThanOrEqual(DEFAULT_VALIDATION_LIMITS.maxDefinitionBytes);
      const { ms, result } = timed(flow);
      // The definitions meant to use up a budget pass it; none trips a limit by accident.
      if (name !== 'reviewer') expect(codes(result)).not.toEqual(expect.arrayContaining(['limit_template_work']));
      expect(codes(result)).not.toContain('limit_pattern_work');
      expect(codes(result)).not.toContain('internal');
      expect(ms).toBeLessThan(Math.max(500, 12 * cpuYardstickMs())); // 10-70 ms here (a yardstick: 35-60)
      // Issues stay small however many nodes a cycle or an overlap names.
      expect(JSON.stringify(result.errors).length).toBeLessThan(1024 * 1024);
    });
  }

  it('everything at once (1 MiB, both budgets used up, 2,000 edges) is checked in full', () => {
    const { result } = timed(everything(), undefined, 1);
    expect(codes(result)).toEqual(['handle_reused']);
  });
});

describe('validation cost: past the budgets', () => {
  /** trigger → one set node per template. */
  function setsWith(templates: string[]): LooseFlow {
    const flow = chainFlow(templates.length);
    templates.forEach((value, i) => {
      (flow.nodes[i + 1]!.config as Record<string, unknown>).values = [{ name: 'a', value }];
    });
    return flow;
  }

  it('refuses nested blocks and sub-expressions before parsing them (30 x 64 KB of them took 73 s)', () => {
    const blocks = '{{#if call.id}}'.repeat(2000) + '{{call.id}}' + '{{/if}}'.repeat(2000);
    const parens = `{{md5 ${'(concat call.id '.repeat(3000)}${')'.repeat(3000)}}}`;
    const { ms, result } = timed(setsWith([...Array(9).fill(blocks), ...Array(9).fill(parens)]));
    expect(codes(result)).toEqual(['limit_template_work']);
    expect(ms).toBeLessThan(250);
  });

  it('refuses raw blocks without parsing them', () => {
    const result = validateFlow(setsWith(['x{{{{raw}}}}{{call.id}}{{{{/raw}}}}']));
    const message = expect.stringContaining('line 1, column 2: raw blocks');
    expect(result.errors).toEqual([expect.objectContaining({ code: 'template_syntax', nodeId: 'n1', message })]);
  });

  it('takes its budgets from the limits', () => {
    const flow = setsWith(['{{call.id}}'.repeat(100)]);
    expect(validateFlow(flow).valid).toBe(true);
    expect(codes(validateFlow(flow, { maxTemplateWork: 100 }))).toEqual(['limit_template_work']);
  });

  it('refuses patterns too costly to compile, one by one and together', () => {
    const condition = (patterns: string[]) => {
      const flow = chainFlow(0);
      const rules = patterns.map((p, i) => ({ handle: `h${i}`, left: '{{call.id}}', op: 'matches', right: p }));
      flow.nodes.push({ id: 'c', type: 'condition', name: 'check', config: { rules } });
      flow.edges.push({ id: 'e1', source: 't', target: 'c' });
      return flow;
    };
    // `.{1,1000}` 200 times took 1.1 s to compile; now it is refused by its size, in no time.
    const { ms, result } = timed(condition(['.{1,1000}'.repeat(200)]));
    const message = expect.stringContaining('too large to compile');
    expect(result.errors).toEqual([expect.objectContaining({ code: 'regex', message })]);
    expect(ms).toBeLessThan(100);
    // Each pattern is fine, but 12 distinct ones of ~800 units pass the flow's 5,000.
    const many = Array.from({ length: 12 }, (_, i) => `^${'[a-z]{1,9}'.repeat(35)}${i}$`);
    expect(codes(validateFlow(condition(many.slice(0, 6))))).toEqual([]);
    expect(codes(validateFlow(condition(many)))).toEqual(['limit_pattern_work']);
  });
});

describe('validation: references through the graph (bit sets)', () => {
  const set = (id: string, value = 'x') => ({
    id,
    type: 'set',
    name: id,
    config: { values: [{ name: `v${id}`, value }] },
  });
  /** A condition `k` with handles x and default. */
  const fork = {
    id: 'k',
    type: 'condition',
    name: 'k',
    config: { rules: [{ handle: 'x', left: '{{call.id}}', op: 'exists' }] },
  };
  const flow = (nodes: unknown[], edges: [string, string, string?][]) => ({
    schemaVersion: 1,
    nodes: [{ id: 't', type: 'trigger.end_of_call', name: 'start', config: {} }, ...nodes],
    edges: edges.map(([source, target, sourceHandle], i) => {
      return { id: `e${i}`, source, target, ...(sourceHandle && { sourceHandle }) };
    }),
  });
  /** t → a → k → (b | c) → d, plus `extra` edges; d reads `read`. */
  const diamond = (read: string, extra: [string, string][] = []) =>
    validateFlow(
      flow(
        [set('a'), fork, set('b'), set('c'), set('d', read)],
        [['t', 'a'], ['a', 'k'], ['k', 'b', 'x'], ['k', 'c', 'default'], ['b', 'd'], ['c', 'd'], ...extra],
      ),
    );

  it('sees variables and outputs of every node before, on any path, and a set node its own', () => {
    expect(diamond('{{vars.va}}{{vars.vb}}{{vars.vc}}{{vars.vd}}{{nodes.a}}{{nodes.b}}{{nodes.c}}').errors).toEqual([]);
  });

  it('refuses what is set after or on another branch only', () => {
    const result = validateFlow(
      flow(
        [fork, set('a', '{{vars.vb}}{{nodes.b}}'), set('b', '{{vars.va}}{{vars.vc}}{{nodes.c}}'), set('c')],
        [
          ['t', 'k'],
          ['k', 'a', 'x'],
          ['a', 'b'],
          ['k', 'c', 'default'],
        ],
      ),
    );
    expect(result.errors.map((e) => [e.nodeId, e.code, e.message.match(/\{\{[^}]+\}\}/)![0]])).toEqual([
      ['a', 'unknown_var', '{{vars.vb}}'],
      ['a', 'node_reference', '{{nodes.b}}'],
      ['b', 'unknown_var', '{{vars.vc}}'],
      ['b', 'node_reference', '{{nodes.c}}'],
    ]);
  });

  it('answers the same in a graph with a cycle (walked per node instead)', () => {
    const ok = diamond('{{vars.va}}{{vars.vd}}{{nodes.b}}', [['d', 'a']]);
    expect(codes(ok)).toEqual(['cycle']);
    const nodes = [set('a'), set('b', '{{vars.vz}}'), set('z')];
    const late = validateFlow(
      flow(nodes, [
        ['t', 'a'],
        ['a', 'b'],
        ['b', 'a', 'next'],
      ]),
    );
    expect(codes(late)).toEqual(expect.arrayContaining(['cycle', 'unknown_var']));
  });

  it('names a few nodes of a long cycle, and lists at most 2,000 node ids in all', () => {
    const result = validateFlow(WORST_CASES.longCycles!());
    const cycles = result.errors.filter((e) => e.code === 'cycle');
    expect(cycles.length).toBeGreaterThan(500);
    expect(Math.max(...cycles.map((e) => e.message.length))).toBeLessThan(600);
    expect(cycles.reduce((n, e) => n + (e.nodeIds?.length ?? 0), 0)).toBeLessThanOrEqual(2000);
    expect(cycles[0]!.nodeIds!.length).toBeGreaterThan(100);
    expect(cycles[0]!.message).toMatch(/closes a cycle: .* → … \d+ more … → .*; flows cannot loop/);
  });
});
