import { FlowEngine } from '../engine';
import { buildFlow, chain } from '../../test/flows';

describe('condition, set and respond nodes', () => {
  const engine = new FlowEngine();
  afterAll(() => engine.close());

  async function route(rule: Record<string, unknown>, input: Record<string, unknown>): Promise<string | undefined> {
    const def = buildFlow(
      [
        ['t', 'trigger.ivr', 'ivr'],
        ['c', 'condition', 'check', { rules: [{ handle: 'yes', ...rule }] }],
      ],
      [['t', 'c']],
    );
    const r = await engine.run(engine.compile(def), input);
    return r.steps[1]!.handle;
  }

  it.each([
    [{ left: '{{call.queue}}', op: 'eq', right: 'sales' }, { call: { queue: 'sales' } }, 'yes'],
    [{ left: '{{call.queue}}', op: 'eq', right: 'SALES', ignoreCase: true }, { call: { queue: 'sales' } }, 'yes'],
    [{ left: '{{call.queue}}', op: 'neq', right: 'sales' }, { call: { queue: 'sales' } }, 'default'],
    [{ left: '{{call.durationSec}}', op: 'gt', right: '9' }, { call: { durationSec: 10 } }, 'yes'],
    [{ left: '{{call.durationSec}}', op: 'gt', right: '9' }, { call: { durationSec: '10' } }, 'yes'],
    [{ left: '{{call.durationSec}}', op: 'gte', right: '10' }, { call: { durationSec: 10 } }, 'yes'],
    [{ left: '{{call.durationSec}}', op: 'lt', right: '10' }, { call: { durationSec: 10 } }, 'default'],
    [{ left: '{{call.durationSec}}', op: 'lte', right: '10.0' }, { call: { durationSec: 10 } }, 'yes'],
    [{ left: '{{call.callerId}}', op: 'startsWith', right: '+39' }, { call: { callerId: '+390612' } }, 'yes'],
    [{ left: '{{contact.email}}', op: 'contains', right: '@acme' }, { contact: { email: 'a@acme.it' } }, 'yes'],
    [
      { left: '{{contact.custom.tags}}', op: 'contains', right: 'vip' },
      { contact: { custom: { tags: ['new', 'vip'] } } },
      'yes',
    ],
    [
      { left: '{{call.callerId}}', op: 'matches', right: '^\\+39\\d{6,}$' },
      { call: { callerId: '+390612345' } },
      'yes',
    ],
    [
      { left: '{{call.callerId}}', op: 'matches', right: '^\\+39\\d{6,}$' },
      { call: { callerId: '0612345' } },
      'default',
    ],
    [{ left: '{{call.agent}}', op: 'exists' }, { call: { agent: { id: 1 } } }, 'yes'],
    [{ left: '{{call.agent}}', op: 'exists' }, { call: {} }, 'default'],
    [{ left: '{{call.recordingUrl}}', op: 'empty' }, { call: { recordingUrl: '' } }, 'yes'],
    [{ left: '{{contact.custom}}', op: 'empty' }, { contact: { custom: {} } }, 'yes'],
    [
      { left: '{{call.disposition}}', op: 'eq', right: '{{event.expected}}' },
      { call: { disposition: 'busy' }, event: { expected: 'busy' } },
      'yes',
    ],
  ])('%j on %j → %s', async (rule, input, expected) => {
    expect(await route(rule, input)).toBe(expected);
  });

  it('matches in linear time: a catastrophic-backtracking pattern on a long value is instant (issue 16)', async () => {
    // JavaScript's RegExp needs years for `(a|aa)+$` on this text; a templated pattern is never checked by validation.
    const input = { call: { callerId: `${'a'.repeat(9000)}!`, pattern: '(a|aa)+$' } };
    const t0 = performance.now();
    expect(await route({ left: '{{call.callerId}}', op: 'matches', right: '{{call.pattern}}' }, input)).toBe('default');
    expect(await route({ left: '{{call.callerId}}', op: 'matches', right: '^(a+)+!$' }, input)).toBe('yes');
    expect(performance.now() - t0).toBeLessThan(2000);
    // A templated pattern the engine cannot compile (a backreference) matches nothing.
    expect(await route({ left: 'aa', op: 'matches', right: '{{call.p}}' }, { call: { p: '(a)\\1' } })).toBe('default');
  });

  it('takes the first matching rule', async () => {
    const def = buildFlow(
      [
        ['t', 'trigger.ivr', 'ivr'],
        [
          'c',
          'condition',
          'check',
          {
            rules: [
              { handle: 'a', left: '1', op: 'eq', right: '2' },
              { handle: 'b', left: '1', op: 'eq', right: '1' },
              { handle: 'c', left: '1', op: 'eq', right: '1' },
            ],
          },
        ],
      ],
      [['t', 'c']],
    );
    const r = await engine.run(engine.compile(def), {});
    expect(r.steps[1]).toMatchObject({ handle: 'b', output: { matched: 'b' } });
  });

  it('set keeps value types and later values see earlier ones', async () => {
    const def = chain([
      [
        's',
        'set',
        'vals',
        {
          values: [
            { name: 'n', value: '{{call.durationSec}}' },
            { name: 'agent', value: '{{call.agent}}' },
            { name: 'label', value: 'call {{call.id}} took {{vars.n}}s' },
          ],
        },
      ],
      ['r', 'respond', 'answer', { body: { type: 'json', template: '{{json vars}}' } }],
    ]);
    const r = await engine.run(engine.compile(def), { call: { id: 'x', durationSec: 7, agent: { id: 3 } } });
    expect(r.output).toEqual({ n: 7, agent: { id: 3 }, label: 'call x took 7s' });
  });

  it('respond renders status, headers and a text or XML body', async () => {
    const headers = [{ name: 'X-Queue', value: '{{call.queue}}' }];
    const respond = { status: 201, headers, body: { type: 'xml', template: '<q>{{call.queue}}</q>' } };
    const def = chain([['r', 'respond', 'answer', respond]]);
    const r = await engine.run(engine.compile(def), { call: { queue: 'a&b' } });
    expect(r.respond).toMatchObject({
      status: 201,
      headers: { 'X-Queue': 'a&b' },
      raw: '<q>a&amp;b</q>',
      contentType: 'application/xml',
    });
  });

  it('only the first respond answers', async () => {
    const def = chain([
      ['r1', 'respond', 'first', { body: { type: 'json', template: '{"n":1}' } }],
      ['r2', 'respond', 'second', { body: { type: 'json', template: '{"n":2}' } }],
    ]);
    const answers: unknown[] = [];
    const r = await engine.run(engine.compile(def), {}, { hooks: { onRespond: (x) => answers.push(x.body) } });
    expect(r.output).toEqual({ n: 1 });
    expect(answers).toEqual([{ n: 1 }]);
    expect(r.steps).toHaveLength(3);
  });
});
