import { transition } from 'xstate';
import { FlowEngine } from '../engine';
import { EngineError } from '../errors';
import { NODE_FAILED } from './compile';
import type { StepRecord } from '../types';
import { buildFlow, chain } from '../../test/flows';
import { LoopbackServer } from '../../test/loopback';

describe('running a flow', () => {
  let crm: LoopbackServer;
  let engine: FlowEngine;

  beforeAll(async () => {
    crm = await LoopbackServer.start();
    crm.on('POST /customers/lookup', (req, res) => {
      const { phone } = JSON.parse(req.body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          phone,
          vip: phone === '+390612345678',
          queue: phone === '+390612345678' ? 'gold' : 'standard',
        }),
      );
    });
    engine = new FlowEngine({ outbound: { allow: ['127.0.0.1'] } });
  });
  afterAll(async () => {
    await engine.close();
    await crm.close();
  });

  function ivrFlow() {
    return buildFlow(
      [
        ['t', 'trigger.ivr', 'ivr', { deadlineMs: 2000, fallback: { queue: 'default' } }],
        ['s', 'set', 'prep', { values: [{ name: 'phone', value: '{{e164 call.callerId country="39"}}' }] }],
        [
          'h',
          'http',
          'lookup',
          {
            method: 'POST',
            url: `${crm.base}/customers/lookup`,
            body: { type: 'json', template: '{"phone":"{{vars.phone}}"}' },
          },
        ],
        [
          'c',
          'condition',
          'isVip',
          { rules: [{ handle: 'vip', left: '{{nodes.lookup.body.vip}}', op: 'eq', right: 'true' }] },
        ],
        [
          'r1',
          'respond',
          'vipAnswer',
          { body: { type: 'json', template: '{"queue":"{{nodes.lookup.body.queue}}","vip":true}' } },
        ],
        [
          'r2',
          'respond',
          'stdAnswer',
          { body: { type: 'json', template: '{"queue":"{{nodes.lookup.body.queue}}","vip":false}' } },
        ],
        ['r3', 'respond', 'failAnswer', { status: 200, body: { type: 'json', template: '{"queue":"fallback"}' } }],
      ],
      [
        ['t', 's'],
        ['s', 'h'],
        ['h', 'c', 'success'],
        ['h', 'r3', 'error'],
        ['c', 'r1', 'vip'],
        ['c', 'r2', 'default'],
      ],
    );
  }

  it('runs trigger → set → http → condition → respond and records every step', async () => {
    const steps: StepRecord[] = [];
    const responds: unknown[] = [];
    const events: string[] = [];
    const compiled = engine.compile(ivrFlow());
    const result = await engine.run(
      compiled,
      { call: { id: 'c1', callerId: '06 1234 5678' } },
      {
        hooks: {
          onNodeStart: (id) => events.push(`start ${id}`),
          onStep: (s) => (steps.push(s), events.push(`done ${s.nodeId}`)),
          onRespond: (r) => responds.push(r.body),
        },
      },
    );

    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual({ queue: 'gold', vip: true });
    expect(result.steps.map((s) => [s.name, s.status, s.handle])).toEqual([
      ['ivr', 'succeeded', 'next'],
      ['prep', 'succeeded', 'next'],
      ['lookup', 'succeeded', 'success'],
      ['isVip', 'succeeded', 'vip'],
      ['vipAnswer', 'succeeded', 'next'],
    ]);
    expect(steps).toEqual(result.steps);
    // Each node is announced before it runs, then recorded: the editor shows which one is running.
    expect(events).toEqual(result.steps.flatMap((s) => [`start ${s.nodeId}`, `done ${s.nodeId}`]));
    expect(responds).toEqual([{ queue: 'gold', vip: true }]);
    const http = result.steps[2]!;
    expect(http.request).toMatchObject({
      method: 'POST',
      url: `${crm.base}/customers/lookup`,
      body: '{"phone":"+390612345678"}',
    });
    expect(http.response).toMatchObject({ status: 200, body: { phone: '+390612345678', vip: true, queue: 'gold' } });
    expect(http.durationMs).toBeGreaterThan(0);
    expect(result.steps[1]!.output).toEqual({ phone: '+390612345678' });
    expect(crm.seen.at(-1)!.headers['content-type']).toBe('application/json');
  });

  it('takes the default branch when no rule matches', async () => {
    const result = await engine.run(engine.compile(ivrFlow()), { call: { callerId: '+39 02 555 0000' } });
    expect(result.output).toEqual({ queue: 'standard', vip: false });
    expect(result.steps.map((s) => s.name)).toContain('stdAnswer');
  });

  it('follows the error edge when the remote side fails, and exposes the failure to templates', async () => {
    const def = ivrFlow();
    (def.nodes[2]!.config as { url: string }).url = `${crm.base}/missing`;
    (def.nodes[6]!.config as { body: unknown }).body = {
      type: 'json',
      template: '{"status":{{nodes.lookup.status}},"code":"{{nodes.lookup.error.code}}"}',
    };
    const result = await engine.run(engine.compile(def), { call: { callerId: '0612345678' } });
    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual({ status: 404, code: 'HTTP_STATUS' });
    expect(result.steps[2]).toMatchObject({
      name: 'lookup',
      status: 'failed',
      handle: 'error',
      error: { code: 'HTTP_STATUS' },
    });
  });

  it('fails the run on an unhandled error', async () => {
    const def = chain([['h', 'http', 'lookup', { url: `${crm.base}/missing` }]]);
    const result = await engine.run(engine.compile(def), {});
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'HTTP_STATUS', nodeId: 'h' });
  });

  it('answers through onRespond before the run ends, and the run goes on', async () => {
    crm.on('/slow', (_req, res) => void setTimeout(() => (res.writeHead(200), res.end('done')), 300));
    const def = chain([
      ['r', 'respond', 'answer', { body: { type: 'json', template: '{"ok":true}' } }],
      ['h', 'http', 'after', { url: `${crm.base}/slow` }],
    ]);
    const t0 = Date.now();
    let answeredAt = 0;
    const result = await engine.run(engine.compile(def), {}, { hooks: { onRespond: () => (answeredAt = Date.now()) } });
    expect(result.status).toBe('succeeded');
    expect(answeredAt - t0).toBeLessThan(150);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(result.steps.map((s) => s.name)).toEqual(['ivr', 'answer', 'after']);
  });

  it('ends with status timeout at the run deadline and aborts the request in flight', async () => {
    const hang = await LoopbackServer.start();
    hang.on('/hang', () => undefined);
    try {
      const def = chain([['h', 'http', 'hang', { url: `${hang.base}/hang`, timeoutMs: 10_000 }]]);
      const t0 = Date.now();
      const result = await engine.run(engine.compile(def), {}, { limits: { deadlineMs: 300 } });
      expect(Date.now() - t0).toBeLessThan(1500);
      expect(result.status).toBe('timeout');
      expect(result.error).toMatchObject({ code: 'RUN_DEADLINE', nodeId: 'h' });
      await new Promise((r) => setTimeout(r, 100));
      expect(hang.closedSockets).toBe(hang.connections);
    } finally {
      await hang.close();
    }
  });

  it('reports the deadline, not a remote timeout, when the request timeout is capped by it', async () => {
    const hang = await LoopbackServer.start();
    hang.on('/hang', () => undefined);
    try {
      const compiled = engine.compile(chain([['h', 'http', 'hang', { url: `${hang.base}/hang`, timeoutMs: 150 }]]));
      const results = await Promise.all(
        Array.from({ length: 8 }, () => engine.run(compiled, {}, { limits: { deadlineMs: 150 } })),
      );
      expect(results.map((r) => [r.status, r.error?.code])).toEqual(Array(8).fill(['timeout', 'RUN_DEADLINE']));
    } finally {
      await hang.close();
    }
  });

  it('stops at maxSteps and maxOutboundCalls', async () => {
    crm.json('/ok', { ok: true });
    const def = chain([
      ['a', 'http', 'a', { url: `${crm.base}/ok` }],
      ['b', 'http', 'b', { url: `${crm.base}/ok` }],
      ['c', 'http', 'c', { url: `${crm.base}/ok` }],
    ]);
    const compiled = engine.compile(def);
    const bySteps = await engine.run(compiled, {}, { limits: { maxSteps: 2 } });
    expect(bySteps.status).toBe('failed');
    expect(bySteps.error?.code).toBe('MAX_STEPS');
    const byCalls = await engine.run(compiled, {}, { limits: { maxOutboundCalls: 2 } });
    expect(byCalls.error).toMatchObject({ code: 'MAX_OUTBOUND_CALLS', nodeId: 'c' });
  });

  it('can be cancelled', async () => {
    const hang = await LoopbackServer.start();
    hang.on('/hang', () => undefined);
    try {
      const ac = new AbortController();
      const pending = engine.run(
        engine.compile(chain([['h', 'http', 'hang', { url: `${hang.base}/hang` }]])),
        {},
        { signal: ac.signal },
      );
      setTimeout(() => ac.abort(), 50);
      const result = await pending;
      expect(result.status).toBe('failed');
      expect(result.error?.code).toBe('RUN_ABORTED');
    } finally {
      await hang.close();
    }
  });

  it('compiles a definition into an XState machine with one state per node, cached per key', () => {
    const a = engine.compile(ivrFlow(), 'flow-1@3');
    const b = engine.compile({ nonsense: true }, 'flow-1@3');
    expect(b).toBe(a);
    expect(Object.keys(a.machine.config.states!).sort()).toEqual([
      'completed',
      'failed',
      'node_c',
      'node_h',
      'node_r1',
      'node_r2',
      'node_r3',
      'node_s',
      'node_t',
    ]);
    expect(a.machine.implementations.guards).toHaveProperty('leftBy');
    expect(a.machine.config.states!.node_h!.entry).toEqual({ type: 'execute', params: { nodeId: 'h' } });
  });

  it("follows the machine's own transitions, computed once per (state, outcome) and reused", () => {
    const a = engine.compile(ivrFlow(), 'flow-1@4');
    expect(a.start()).toEqual({ state: 'node_t', execute: 't', done: false });
    // The same answers as asking XState directly.
    const [snap, actions] = transition(a.machine, a.machine.resolveState({ value: 'node_h', context: {} }), {
      type: 'node.done',
      output: { handle: 'error' },
    });
    expect(snap.value).toBe('node_r3');
    expect(actions.map((x) => [x.type, x.params])).toEqual([['execute', { nodeId: 'r3' }]]);
    expect(a.next('node_h', 'error')).toEqual({ state: 'node_r3', execute: 'r3', done: false });
    expect(a.next('node_h', 'success')).toEqual({ state: 'node_c', execute: 'c', done: false });
    expect(a.next('node_c', 'nonsense')).toEqual({ state: 'completed', execute: null, done: true });
    expect(a.next('node_c', NODE_FAILED)).toEqual({ state: 'failed', execute: null, done: true });
    expect(a.next('node_h', 'error')).toBe(a.next('node_h', 'error'));
  });

  it('refuses an invalid definition with the validator errors', () => {
    let err: unknown;
    try {
      engine.compile(chain([['h', 'http', 'lookup', { url: '' }]]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('FLOW_INVALID');
    expect((err as EngineError).details?.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ nodeId: 'h', path: 'config.url' })]),
    );
  });

  it('never lets input keys such as __proto__ reach Object.prototype', async () => {
    const input = JSON.parse(
      '{"call":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"callerId":"1"}}',
    );
    const def = chain([
      [
        's',
        'set',
        'copy',
        {
          values: [
            { name: 'c', value: '{{call}}' },
            { name: 'p', value: '{{call.__proto__.polluted}}' },
          ],
        },
      ],
      ['r', 'respond', 'answer', { body: { type: 'json', template: '{"c":{{json vars.c}}}' } }],
    ]);
    const result = await engine.run(engine.compile(def), input);
    expect(result.status).toBe('succeeded');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((result.output as { c: Record<string, unknown> }).c.callerId).toBe('1');
  });
});
