import type { StepRecord } from './api/executions';
import { flowDefinitionSchema } from './definition';
import { httpNode } from './nodes/http';
import { batchNode } from './nodes/batch';
import { setNode } from './nodes/logic';
import { soapNode } from './nodes/soap';
import { combineShapes, outputShape, outputTokenPaths, pinnedOutputShape, stepOutput } from './output-shapes';
import { ivrFlow, nodeById } from './testing/flows';
import { validateFlow } from './validate';

const step = (over: Partial<StepRecord>): StepRecord => ({
  seq: 1,
  nodeId: 'n',
  name: 'n',
  type: 'http',
  status: 'succeeded',
  startedAt: '2026-01-01T00:00:00Z',
  durationMs: 1,
  ...over,
});

/** The IVR flow whose lookup node pinned `sample` as its response, the respond node reading `token`. */
function flowReading(token: string, sample?: unknown) {
  const f = ivrFlow();
  if (sample !== undefined) nodeById(f, 'lookup').config.sampleResponse = sample;
  nodeById(f, 'r1').config.body = { type: 'json', template: `{"name": "${token}"}` };
  return f;
}

const SAMPLE = { customer: { name: 'Jeanne', tier: 'gold' }, vip: true, orders: [{ id: 7 }] };

describe('a pinned sample response (HTTP)', () => {
  it('is stored in the config and passes the definition schema; it must be plain JSON', () => {
    const f = flowReading('{{nodes.lookup.body.customer.name}}', SAMPLE);
    expect(flowDefinitionSchema.safeParse(f).success).toBe(true);
    expect(validateFlow(f).valid).toBe(true);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    const bad = validateFlow(flowReading('{{nodes.lookup.body}}', { deep }));
    expect(bad.errors).toEqual([
      expect.objectContaining({
        nodeId: 'lookup',
        path: 'config.sampleResponse',
        message: expect.stringMatching(/nested more than 32/),
      }),
    ]);
  });

  it('makes a token path the sample lacks a warning (not an error) at the field, with the near key', () => {
    const r = validateFlow(flowReading('{{nodes.lookup.body.custmer.name}}', SAMPLE));
    expect(r.valid).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      {
        nodeId: 'r1',
        path: 'config.body.template',
        code: 'token_shape',
        severity: 'warning',
        message:
          'line 1, column 13: {{nodes.lookup.body.custmer.name}}: ' +
          'nodes.lookup.body has no "custmer" in the pinned sample; did you mean "customer"?',
      },
    ]);
  });

  it('checks nested paths, list items and scalars; says nothing of fields the sample does not cover', () => {
    const warn = (token: string) =>
      validateFlow(flowReading(token, SAMPLE)).warnings.map((w) => w.message.replace(/^line 1, column \d+: /, ''));
    expect(warn('{{nodes.lookup.body.customer.tier}}')).toEqual([]);
    expect(warn('{{nodes.lookup.body.orders.[0].id}}')).toEqual([]);
    expect(warn('{{nodes.lookup.body.orders.0.id}}')).toEqual([]);
    expect(warn('{{nodes.lookup.status}}')).toEqual([]);
    expect(warn('{{nodes.lookup.headers.x-anything}}')).toEqual([]);
    expect(warn('{{nodes.lookup.body.orders.id}}')).toEqual([
      '{{nodes.lookup.body.orders.id}}: nodes.lookup.body.orders is a list ' +
        'in the pinned sample; read an item as nodes.lookup.body.orders.[0].id',
    ]);
    expect(warn('{{nodes.lookup.body.vip.level}}')).toEqual([
      '{{nodes.lookup.body.vip.level}}: nodes.lookup.body.vip is a boolean in the pinned sample, so it has no "level"',
    ]);
    expect(warn('{{nodes.lookup.body.zzz}}')).toEqual([
      '{{nodes.lookup.body.zzz}}: nodes.lookup.body has no "zzz" in the pinned sample (it has customer, vip, orders)',
    ]);
  });

  it('without a sample nothing is judged', () => {
    expect(validateFlow(flowReading('{{nodes.lookup.body.custmer}}')).warnings).toEqual([]);
  });
});

describe('validateFlow with output shapes known outside the definition (the editor)', () => {
  it('warns from a shape it is given by node id, naming its source; a pinned sample adds to it', () => {
    const shapes = new Map([
      ['lookup', { shape: outputShape({ body: { account: { id: 1 }, vip: false } }), source: 'the last test run' }],
    ]);
    const given = validateFlow(flowReading('{{nodes.lookup.body.acount.id}}'), undefined, { outputShapes: shapes });
    expect(given.warnings.map((w) => w.message)).toEqual([
      'line 1, column 13: {{nodes.lookup.body.acount.id}}: ' +
        'nodes.lookup.body has no "acount" in the last test run; did you mean "account"?',
    ]);
    // Either source having the path is enough: shapes are samples.
    const both = validateFlow(flowReading('{{nodes.lookup.body.customer.name}}', SAMPLE), undefined, {
      outputShapes: shapes,
    });
    expect(both.warnings).toEqual([]);
    const neither = validateFlow(flowReading('{{nodes.lookup.body.nope}}', SAMPLE), undefined, {
      outputShapes: shapes,
    });
    expect(neither.warnings[0]!.message).toMatch(/in the pinned sample and the last test run/);
  });
});

describe('node outputs as step records and samples show them', () => {
  it('an HTTP step: its response, unless truncated (a failed one too: its error path reads it)', () => {
    const response = { status: 200, headers: { 'content-type': 'application/json' }, body: { a: 1 } };
    expect(stepOutput(httpNode, step({ response }))).toEqual(response);
    expect(stepOutput(httpNode, step({ response: { ...response, truncated: true } }))).toBeUndefined();
    expect(stepOutput(httpNode, step({ status: 'failed', response }))).toEqual(response);
  });

  it('a logic node: its recorded output; a batch: the summary of its record; SOAP: nothing recorded', () => {
    expect(stepOutput(setNode, step({ output: { x: 1 } }))).toEqual({ x: 1 });
    const record = { total: 3, chunks: 1, succeeded: 1, failed: 0, skipped: 0, recordedChunks: [0], firstResults: [] };
    expect(stepOutput(batchNode, step({ output: record }))).toEqual({
      total: 3,
      chunks: 1,
      succeeded: 1,
      failed: 0,
      skipped: 0,
    });
    expect(stepOutput(soapNode, step({ response: { status: 200, body: '<xml/>' } }))).toBeUndefined();
  });

  it('pinned shapes come from the spec; combining names every source; tokens below nodes.<name>', () => {
    expect(pinnedOutputShape(httpNode, { url: 'x' })).toBeUndefined();
    const pinned = pinnedOutputShape(httpNode, { sampleResponse: { id: 1 } })!;
    const run = { shape: outputShape({ status: 200, body: { name: 'x' } }), source: 'the last test run' };
    const both = combineShapes([pinned, undefined, run])!;
    expect(both.source).toBe('the pinned sample and the last test run');
    expect(outputTokenPaths('crm', both.shape).map((p) => p.token)).toEqual([
      'nodes.crm.body',
      'nodes.crm.status',
      'nodes.crm.body.id',
      'nodes.crm.body.name',
    ]);
  });
});
