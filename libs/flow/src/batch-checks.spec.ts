import { listTokens } from './tokens';
import { validateFlow, type ValidationResult } from './validate';

type N = [id: string, type: string, name: string, config?: Record<string, unknown>];
type E = [source: string, target: string, handle?: string];

function flow(nodes: N[], edges: E[]) {
  return {
    schemaVersion: 1,
    nodes: nodes.map(([id, type, name, config]) => ({ id, type, name, config: config ?? {} })),
    edges: edges.map(([source, target, sourceHandle], i) => ({
      id: `e${i + 1}`,
      source,
      target,
      ...(sourceHandle ? { sourceHandle } : {}),
    })),
  };
}

const hook: N = ['t', 'trigger.webhook', 'hook', { methods: ['POST'] }];
const batch = (config: Record<string, unknown> = {}): N => [
  'b',
  'batch',
  'upload',
  { items: '{{request.body.calls}}', size: 50, ...config },
];
const post = (id: string, name: string, body = '{{json batch.items}}'): N => [
  id,
  'http',
  name,
  { method: 'POST', url: 'https://crm.example.com/upload', body: { type: 'json', template: body } },
];
const answer = (template = '{"ok": {{nodes.upload.succeeded}}}'): N => [
  'r',
  'respond',
  'answer',
  { body: { type: 'json', template } },
];

/** hook → batch —each→ send → note; batch —done→ answer. */
function uploadFlow() {
  return flow(
    [
      hook,
      batch(),
      post('h', 'send'),
      ['s', 'set', 'note', { values: [{ name: 'sent', value: '{{nodes.send.status}}' }] }],
      answer(),
    ],
    [
      ['t', 'b'],
      ['b', 'h', 'each'],
      ['h', 's', 'success'],
      ['b', 'r', 'done'],
    ],
  );
}

const errors = (r: ValidationResult) => r.errors.map((e) => [e.code, e.nodeId ?? e.edgeId, e.message]);

describe('batch node: definition', () => {
  it('is valid: defaults applied, handles each / done / error', () => {
    const r = validateFlow(uploadFlow());
    expect(errors(r)).toEqual([]);
    expect(r.warnings).toEqual([]);
    const b = r.flow!.nodes.get('b')!;
    expect(b.config).toEqual({ items: '{{request.body.calls}}', size: 50, concurrency: 1, onError: 'stop' });
    expect(b.handles).toEqual(['each', 'done', 'error']);
    expect([...b.next]).toEqual([
      ['each', 'h'],
      ['done', 'r'],
    ]);
  });

  it('bounds size (1..1000) and concurrency (1..10), and needs items', () => {
    for (const [config, path] of [
      [{ size: 0 }, 'config.size'],
      [{ size: 1001 }, 'config.size'],
      [{ concurrency: 11 }, 'config.concurrency'],
      [{ items: '' }, 'config.items'],
      [{ onError: 'retry' }, 'config.onError'],
    ] as const) {
      const r = validateFlow(flow([hook, batch(config)], [['t', 'b']]));
      expect(r.errors.map((e) => e.path)).toEqual([path]);
    }
  });

  it('warns when nothing is connected to each', () => {
    const r = validateFlow(
      flow(
        [hook, batch(), answer()],
        [
          ['t', 'b'],
          ['b', 'r', 'done'],
        ],
      ),
    );
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => w.code)).toEqual(['batch_empty']);
  });

  it('refuses an edge into the each path from outside it (the path runs once per chunk)', () => {
    const def = uploadFlow();
    def.nodes.push({ id: 'x', type: 'set', name: 'other', config: { values: [{ name: 'a', value: '1' }] } });
    def.edges.push({ id: 'e9', source: 'r', target: 'x' }, { id: 'e10', source: 'x', target: 's' });
    const r = validateFlow(def);
    expect(errors(r)).toEqual([
      [
        'batch_path_entry',
        'e10',
        expect.stringMatching(
          /^"note" runs once per chunk of batch "upload" \(it is on its each path\), so only that path may lead to it, not "other"/,
        ),
      ],
    ]);
  });

  it('refuses joining the done path from inside a chunk', () => {
    const def = uploadFlow();
    def.edges.push({ id: 'e9', source: 's', target: 'r' });
    const r = validateFlow(def);
    expect(r.errors.map((e) => [e.code, e.edgeId])).toContainEqual(['batch_path_entry', 'e4']);
  });

  it('refuses a batch inside another batch', () => {
    const def = flow(
      [hook, batch(), ['b2', 'batch', 'inner', { items: '{{batch.items}}', size: 5 }], post('h', 'send', '{}')],
      [
        ['t', 'b'],
        ['b', 'b2', 'each'],
        ['b2', 'h', 'each'],
      ],
    );
    expect(validateFlow(def).errors.map((e) => [e.code, e.nodeId])).toEqual([['batch_nested', 'b2']]);
  });

  it('checks the tokens: batch.* only on an each path, the batch output only after its chunks', () => {
    const outside = validateFlow(
      flow(
        [hook, batch(), post('h', 'send', '{}'), answer('{"n": {{json batch.index}}}')],
        [
          ['t', 'b'],
          ['b', 'h', 'each'],
          ['b', 'r', 'done'],
        ],
      ),
    );
    expect(outside.valid).toBe(false);
    expect(outside.errors.map((w) => [w.code, w.nodeId])).toEqual([['batch_token', 'r']]);

    const early = validateFlow(
      flow(
        [hook, batch(), post('h', 'send', '{"n": {{json nodes.upload.total}}}')],
        [
          ['t', 'b'],
          ['b', 'h', 'each'],
        ],
      ),
    );
    expect(errors(early)).toEqual([
      [
        'node_reference',
        'h',
        expect.stringContaining('batch "upload" has an output only once all its chunks are done'),
      ],
    ]);

    const after = validateFlow(
      flow(
        [hook, batch(), post('h', 'send'), answer('{"s": {{nodes.send.status}}}')],
        [
          ['t', 'b'],
          ['b', 'h', 'each'],
          ['b', 'r', 'done'],
        ],
      ),
    );
    expect(errors(after)).toEqual([
      ['node_reference', 'r', expect.stringContaining('node "send" does not run before this node')],
    ]);
  });

  it('lists batch tokens inside the path, and the batch output after it', () => {
    const parsed = validateFlow(uploadFlow()).flow!;
    const inside = listTokens(parsed, 's');
    expect(inside).toEqual(expect.arrayContaining(['batch.items', 'batch.index', 'batch.count', 'nodes.send.status']));
    expect(inside).not.toContain('nodes.upload');
    const after = listTokens(parsed, 'r');
    expect(after).toEqual(expect.arrayContaining(['nodes.upload', 'nodes.upload.results', 'nodes.upload.failed']));
    expect(after).not.toContain('batch.items');
    expect(after).not.toContain('nodes.send');
  });
});
