/**
 * Completion that knows the data (issue 18 §1): output shapes from a pinned sample, the last run
 * and a WSDL; paths in the token list; the field a run key inserts into; the pinned sample input.
 */
import { validateFlow, type FlowDefinition, type SoapDescription } from '@callflow/flow';
import type { RunInput, StepRecord } from '../src/api/types';
import { fromDefinition } from '../src/editor/convert';
import { allShapes, extraShapes } from '../src/editor/output-shapes';
import { loadTestInput, saveTestInput, stableJson } from '../src/editor/samples';
import { rememberDescription } from '../src/editor/soap-descriptions';
import { useEditor } from '../src/editor/store';
import { pickToken, rememberField } from '../src/editor/token-target';
import { filterTokens, tokensForNode } from '../src/editor/tokens';
import { makeStore, meta } from './store-fixtures';
import { loadCatalog } from './load-catalog';

// The editor's messages as people read them in English.
beforeAll(() => loadCatalog('en'));

/** IVR → crm (HTTP) → soap → answer (respond); `other` runs after nothing. */
function flow(sampleResponse?: unknown): FlowDefinition {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 't', type: 'trigger.ivr', name: 'ivr', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'h',
        type: 'http',
        name: 'crm',
        position: { x: 300, y: 0 },
        config: { url: 'https://crm.example.com/c', ...(sampleResponse === undefined ? {} : { sampleResponse }) },
      },
      {
        id: 's',
        type: 'soap',
        name: 'legacy',
        position: { x: 600, y: 0 },
        config: { wsdlUrl: 'https://legacy.example.com/?wsdl', operation: 'Add', args: {} },
      },
      {
        id: 'r',
        type: 'respond',
        name: 'answer',
        position: { x: 900, y: 0 },
        config: { body: { type: 'json', template: '{"n": "{{nodes.crm.body.customer.name}}"}' } },
      },
      {
        id: 'o',
        type: 'set',
        name: 'other',
        position: { x: 0, y: 300 },
        config: { values: [{ name: 'x', value: '1' }] },
      },
    ],
    edges: [
      { id: 'e1', source: 't', target: 'h' },
      { id: 'e2', source: 'h', sourceHandle: 'success', target: 's' },
      { id: 'e3', source: 's', sourceHandle: 'success', target: 'r' },
    ],
  };
}

const step = (over: Partial<StepRecord>): StepRecord => ({
  seq: 1,
  nodeId: 'h',
  name: 'crm',
  type: 'http',
  status: 'succeeded',
  startedAt: '2026-01-01T00:00:00Z',
  durationMs: 3,
  ...over,
});

const RESPONSE = {
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: { customer: { name: 'Jeanne' } },
};

const SOAP: SoapDescription = {
  services: [
    {
      name: 'Calc',
      ports: [
        {
          name: 'CalcSoap',
          operations: [
            {
              name: 'Add',
              input: { type: 'object', fields: [{ name: 'a', type: 'xs:int' }] },
              output: { type: 'object', fields: [{ name: 'AddResult', type: 'xs:int' }] },
            },
          ],
        },
      ],
    },
  ],
};

describe('completion offers the fields of earlier nodes’ outputs', () => {
  it('from the last run: nested paths with their type and a preview, for upstream nodes only', () => {
    const { nodes, edges } = fromDefinition(flow());
    const shapes = allShapes(nodes, [step({ response: RESPONSE })]);
    const items = tokensForNode('r', nodes, edges, undefined, shapes);
    const name = items.find((i) => i.token === 'nodes.crm.body.customer.name');
    expect(name).toMatchObject({ group: 'nodes', type: 'string', example: '"Jeanne"' });
    expect(items.find((i) => i.token === 'nodes.crm.body')).toMatchObject({ type: 'object' });
    expect(items.find((i) => i.token === 'nodes.crm.status')).toMatchObject({ type: 'number', example: '200' });
    // `other` does not run before the respond node; the crm node cannot read itself.
    expect(tokensForNode('h', nodes, edges, undefined, shapes).some((i) => i.token.startsWith('nodes.crm'))).toBe(
      false,
    );
    expect(tokensForNode('o', nodes, edges, undefined, shapes).some((i) => i.token.startsWith('nodes.crm'))).toBe(
      false,
    );
  });

  it('from a pinned sample response, without any run', () => {
    const { nodes, edges } = fromDefinition(flow({ orders: [{ id: 7, sku: 'A' }] }));
    const tokens = tokensForNode('r', nodes, edges, undefined, allShapes(nodes, undefined)).map((i) => i.token);
    expect(tokens).toEqual(expect.arrayContaining(['nodes.crm.body.orders.[0].id', 'nodes.crm.body.orders.[0].sku']));
  });

  it("from a SOAP operation's described output once its WSDL is loaded", () => {
    const { nodes, edges } = fromDefinition(flow());
    const before = tokensForNode('r', nodes, edges, undefined, allShapes(nodes, undefined)).map((i) => i.token);
    expect(before).not.toContain('nodes.legacy.result.AddResult');
    rememberDescription({ wsdlUrl: 'https://legacy.example.com/?wsdl' }, SOAP);
    const items = tokensForNode('r', nodes, edges, undefined, allShapes(nodes, undefined));
    expect(items.find((i) => i.token === 'nodes.legacy.result.AddResult')).toMatchObject({
      type: 'number',
      example: 'xs:int',
    });
  });

  it('lists a typed path’s own fields first; .0 and .[0] match alike', () => {
    const { nodes, edges } = fromDefinition(
      flow({ customer: { name: 'J', address: { city: 'Lyon' } }, list: [{ a: 1 }] }),
    );
    const items = tokensForNode('r', nodes, edges, undefined, allShapes(nodes, undefined));
    expect(filterTokens(items, 'nodes.crm.body.customer.').map((i) => i.token)).toEqual([
      'nodes.crm.body.customer.name',
      'nodes.crm.body.customer.address',
      'nodes.crm.body.customer.address.city',
    ]);
    expect(filterTokens(items, 'nodes.crm.body.list.0.').map((i) => i.token)).toEqual(['nodes.crm.body.list.[0].a']);
    expect(filterTokens(items, 'nodes.crm.body.list.[').map((i) => i.token)[0]).toBe('nodes.crm.body.list.[0]');
  });
});

describe('token paths the known shape lacks are warnings in live validation', () => {
  it('from the last run (the editor passes its shapes to validateFlow)', () => {
    const def = flow();
    (def.nodes[3]!.config as { body: { template: string } }).body.template = '{"n": "{{nodes.crm.body.custmer.name}}"}';
    const { nodes } = fromDefinition(def);
    const shapeWarnings = (r: ReturnType<typeof validateFlow>) => r.warnings.filter((w) => w.code === 'token_shape');
    expect(shapeWarnings(validateFlow(def))).toEqual([]);
    const ran = validateFlow(def, undefined, { outputShapes: extraShapes(nodes, [step({ response: RESPONSE })]) });
    expect(ran.errors).toEqual([]);
    expect(shapeWarnings(ran)).toEqual([
      expect.objectContaining({
        nodeId: 'r',
        code: 'token_shape',
        message: expect.stringContaining(
          'nodes.crm.body has no "custmer" in the last test run; did you mean "customer"?',
        ),
      }),
    ]);
    // A failed step (an error body) says nothing about the shape of success.
    const failed = extraShapes(nodes, [step({ status: 'failed', response: { status: 500, body: { error: 'x' } } })]);
    expect(shapeWarnings(validateFlow(def, undefined, { outputShapes: failed }))).toEqual([]);
  });
});

describe('a key clicked in a run inserts its token into the field focused last', () => {
  beforeEach(() => {
    // The toasts' timers would outlive the test.
    jest.useFakeTimers();
    useEditor.getState().load({ meta, definition: flow() });
  });
  afterEach(() => jest.useRealTimers());

  it('at the caret of that field, through the store (the field may be gone), one undo step', async () => {
    rememberField('r', 'config.body.template', '{"n": "'.length);
    await pickToken('nodes.crm.status');
    const body = () =>
      (useEditor.getState().nodes.find((n) => n.id === 'r')!.data.config.body as { template: string }).template;
    expect(body()).toBe('{"n": "{{nodes.crm.status}}{{nodes.crm.body.customer.name}}"}');
    // The caret follows: the next token goes after it.
    await pickToken('nodes.crm.body');
    expect(body()).toMatch(/^\{"n": "\{\{nodes\.crm\.status\}\}\{\{nodes\.crm\.body\}\}\{\{nodes/);
    useEditor.getState().undo();
    useEditor.getState().undo();
    expect(body()).toBe('{"n": "{{nodes.crm.body.customer.name}}"}');
  });

  it('not into a field of another flow, nor where the path holds no text', async () => {
    rememberField('r', 'config.body.template', 0);
    useEditor.getState().load({ meta: { ...meta, id: 'another' }, definition: flow() });
    await pickToken('nodes.crm.status');
    const template = (useEditor.getState().nodes.find((n) => n.id === 'r')!.data.config.body as { template: string })
      .template;
    expect(template).not.toContain('nodes.crm.status');
    rememberField('h', 'config.headers.0.value', 0);
    await pickToken('nodes.crm.status');
    expect(useEditor.getState().nodes.find((n) => n.id === 'h')!.data.config.headers).toBeUndefined();
  });
});

describe('the pinned sample input', () => {
  const store = new Map<string, string>();
  beforeAll(() => {
    (globalThis as { localStorage?: Pick<Storage, 'getItem' | 'setItem'> }).localStorage = {
      getItem: (k) => store.get(k) ?? null,
      setItem: (k, v) => void store.set(k, v),
    };
  });
  afterAll(() => delete (globalThis as { localStorage?: unknown }).localStorage);

  it('is part of the definition the store saves; pinning marks the draft changed', () => {
    const { store: s } = makeStore();
    const pinned: RunInput = { call: { callerId: '+331' } };
    s.getState().load({ meta, definition: { ...flow(), sampleInput: pinned } });
    expect(s.getState().definition().sampleInput).toEqual(pinned);
    const seq = s.getState().changeSeq;
    s.getState().setSampleInput(undefined);
    expect(s.getState().definition()).not.toHaveProperty('sampleInput');
    expect(s.getState().changeSeq).toBe(seq + 1);
    s.getState().load({ meta, definition: flow() }, { readOnly: true });
    s.getState().setSampleInput(pinned);
    expect(s.getState().sampleInput).toBeUndefined();
  });

  it('the drawer starts from it unless this browser typed on top of that same pinned input', () => {
    const pinned: RunInput = { call: { callerId: '+331', id: 'c1' } };
    expect(loadTestInput('f9', 'trigger.ivr', pinned)).toEqual(pinned);
    saveTestInput('f9', { call: { callerId: '+332' } }, pinned);
    // Keys in another order (jsonb) are the same pinned input.
    expect(loadTestInput('f9', 'trigger.ivr', { call: { id: 'c1', callerId: '+331' } })).toEqual({
      call: { callerId: '+332' },
    });
    // Someone pinned another input since: it wins.
    const newer: RunInput = { call: { callerId: '+333' } };
    expect(loadTestInput('f9', 'trigger.ivr', newer)).toEqual(newer);
    // Nothing pinned: this browser's input, else the trigger's sample; the old format still reads.
    expect(loadTestInput('f9', 'trigger.ivr')).toEqual({ call: { callerId: '+332' } });
    store.set('callflow.testinput.f8', JSON.stringify({ call: { callerId: '+334' } }));
    expect(loadTestInput('f8', 'trigger.ivr')).toEqual({ call: { callerId: '+334' } });
    expect(loadTestInput('f7', 'trigger.ivr').ivr).toBeDefined();
    expect(stableJson({ b: 1, a: { d: 1, c: 2 } })).toBe(stableJson({ a: { c: 2, d: 1 }, b: 1 }));
  });
});
