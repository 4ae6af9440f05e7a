import fc from 'fast-check';

/**
 * Arbitraries for flow definitions: realistic valid ones (a generator over node types, configs
 * and edges), then mutations of them (dropped/duplicated nodes, random configs, wrong types, huge
 * strings, `__proto__` keys, deep nesting, cycles, bad templates), plus fc.anything().
 */

type Json = Record<string, unknown>;

const TOKENS = [
  'call.callerId',
  'call.id',
  'call.custom.x',
  'contact.firstName',
  'contact.phone',
  'ivr.digits',
  'vars.v1',
  'now',
  'campaign.name',
  'event.type',
];

/** A template that validates: text with tokens and helpers. */
const goodTemplate = fc.oneof(
  fc.constantFrom(...TOKENS).map((t) => `{{${t}}}`),
  fc
    .tuple(
      fc.string({ maxLength: 12 }).map((s) => s.replace(/[{}]/g, '')),
      fc.constantFrom(...TOKENS),
    )
    .map(([s, t]) => `${s}{{${t}}}`),
  fc.constantFrom(...TOKENS).map((t) => `{{md5 ${t}}}`),
  fc.constantFrom(...TOKENS).map((t) => `{{default ${t} "x"}}`),
  fc.constantFrom(...TOKENS).map((t) => `{{#if ${t}}}yes{{else}}no{{/if}}`),
  fc.constant('plain text'),
);

/** Templates the validator must reject (or at least survive). */
const badTemplate = fc.constantFrom(
  '{{#if}}',
  '{{#if call.id}}',
  '{{/if}}',
  '{{> partial}}',
  '{{unknownHelper call.id}}',
  '{{',
  '}}',
  '{{{call.id}}',
  '{{call.__proto__}}',
  '{{constructor.constructor "return 1"}}',
  '{{lookup this "__proto__"}}',
  '{{#each call}}{{@key}}{{/each}}',
  '{{#with call}}{{../../../x}}{{/with}}',
  '{{!-- unterminated',
  '{{md5}}',
  '{{formatDate now "YYYY" "Mars/Olympus"}}',
  '{{#unless}}{{/unless}}',
  '{{call.id',
  '\u0000{{call.id}}\uFFFF',
);

const anyTemplate = fc.oneof({ weight: 4, arbitrary: goodTemplate }, { weight: 1, arbitrary: badTemplate });

const jsonTemplate = fc.oneof(
  fc.constantFrom(...TOKENS).map((t) => `{"v":"{{${t}}}","n":1}`),
  fc.constantFrom(...TOKENS).map((t) => `{"v":{{json ${t}}}}`),
  fc.constant('{}'),
  fc.constant('{"broken": '),
  badTemplate.map((b) => `{"v":"${b}"}`),
);

const nameValues = fc.array(
  fc.record({ name: fc.constantFrom('a', 'b', 'phone', 'X-Trace', 'q'), value: anyTemplate }),
  { maxLength: 3 },
);
const urlT = fc.oneof(
  fc.constant('http://127.0.0.1:9/x?phone={{call.callerId}}'),
  fc.constant('https://crm.example.com/customers/{{call.id}}'),
  fc.constant('{{{vars.base}}}/path'),
  fc.constant('not a url'),
  anyTemplate,
);

const httpConfig = fc.record(
  {
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
    url: urlT,
    query: nameValues,
    headers: fc.array(fc.record({ name: fc.constantFrom('Accept', 'X-Caller', 'Authorization'), value: anyTemplate }), {
      maxLength: 2,
    }),
    body: fc.oneof(
      fc.constant({ type: 'none' }),
      jsonTemplate.map((template) => ({ type: 'json', template })),
      anyTemplate.map((t) => ({ type: 'xml', template: `<r>${t}</r>` })),
      anyTemplate.map((template) => ({ type: 'text', template })),
      nameValues.map((fields) => ({ type: 'form', fields })),
    ),
    timeoutMs: fc.integer({ min: 1, max: 120_000 }),
    retry: fc.record({ attempts: fc.integer({ min: 1, max: 10 }), backoffMs: fc.integer({ min: 0, max: 60_000 }) }),
    responseType: fc.constantFrom('auto', 'json', 'text', 'xml'),
  },
  { requiredKeys: ['url'] },
);

const soapArg: fc.Arbitrary<unknown> = fc.letrec<{ arg: unknown }>((tie) => ({
  arg: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyTemplate,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('arg'), { maxLength: 2 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'phone'), tie('arg'), { maxKeys: 2 }),
  ),
})).arg;

const soapConfig = fc.record(
  {
    wsdlUrl: fc.constantFrom('http://127.0.0.1:9/crm?wsdl', 'https://soap.example.com/svc?wsdl', '{{{vars.wsdl}}}'),
    service: fc.constant('CrmService'),
    port: fc.constant('CrmPort'),
    operation: fc.constantFrom('GetCustomer', 'Hang', ''),
    args: fc.dictionary(fc.constantFrom('phone', 'filter'), soapArg, { maxKeys: 2 }),
    timeoutMs: fc.integer({ min: 1, max: 120_000 }),
  },
  { requiredKeys: ['wsdlUrl', 'operation'] },
);

const ops = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith', 'matches', 'exists', 'empty'] as const;
const conditionConfig = fc
  .uniqueArray(fc.constantFrom('vip', 'gold', 'h1', 'h2', 'h3'), { minLength: 1, maxLength: 3 })
  .chain((handles) =>
    fc
      .tuple(
        ...handles.map((handle) =>
          fc.record({
            handle: fc.constant(handle),
            left: anyTemplate,
            op: fc.constantFrom(...ops),
            right: fc.oneof(anyTemplate, fc.constant('(a+)+$')),
          }),
        ),
      )
      .map((rules) => ({ rules })),
  );
const setConfig = fc
  .array(fc.record({ name: fc.constantFrom('v1', 'v2', 'base', 'wsdl', '_x'), value: anyTemplate }), {
    minLength: 1,
    maxLength: 3,
  })
  .map((values) => ({ values }));
const respondConfig = fc.record(
  { status: fc.integer({ min: 200, max: 599 }), body: jsonTemplate.map((template) => ({ type: 'json', template })) },
  { requiredKeys: [] },
);

const triggerConfig: Record<string, fc.Arbitrary<Json>> = {
  'trigger.ivr': fc.record(
    {
      deadlineMs: fc.integer({ min: 50, max: 30_000 }),
      fallback: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    },
    { requiredKeys: [] },
  ),
  'trigger.end_of_call': fc.record(
    { directions: fc.subarray(['in', 'out']), dispositions: fc.subarray(['answered', 'no_answer', 'busy']) },
    { requiredKeys: [] },
  ),
  'trigger.campaign': fc.record(
    { campaignIds: fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 3 }) },
    { requiredKeys: [] },
  ),
  'trigger.webhook': fc.record(
    { methods: fc.subarray(['GET', 'POST']), allowedOrigins: fc.constantFrom([], ['https://crm.example.com'], ['*']) },
    { requiredKeys: [] },
  ),
};

type NodeKind = 'http' | 'soap' | 'condition' | 'set' | 'respond';
const configOf: Record<NodeKind, fc.Arbitrary<unknown>> = {
  http: httpConfig,
  soap: soapConfig,
  condition: conditionConfig,
  set: setConfig,
  respond: respondConfig,
};
const handlesOf = (kind: NodeKind, config: unknown): string[] => {
  if (kind === 'http' || kind === 'soap') return ['success', 'error'];
  if (kind === 'condition')
    return [...(config as { rules: { handle: string }[] }).rules.map((r) => r.handle), 'default'];
  return ['next'];
};

/** A realistic definition: one trigger, 0–7 nodes, each reached from an earlier node (a DAG). */
export const validDefinition: fc.Arbitrary<Json> = fc
  .tuple(
    fc
      .constantFrom(...Object.keys(triggerConfig))
      .chain((type) => triggerConfig[type]!.map((config) => ({ type, config }))),
    fc.array(
      fc
        .constantFrom<NodeKind>('http', 'soap', 'condition', 'set', 'respond')
        .chain((kind) => configOf[kind].map((config) => ({ kind, config }))),
      { maxLength: 7 },
    ),
    fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
  )
  .map(([trigger, body, picks]) => {
    const nodes: Json[] = [
      { id: 't', type: trigger.type, name: 'start', position: { x: 0, y: 0 }, config: trigger.config },
    ];
    const edges: Json[] = [];
    const handles: string[][] = [['next']];
    body.forEach((n, i) => {
      const id = `n${i + 1}`;
      nodes.push({
        id,
        type: n.kind,
        name: `${n.kind}${i + 1}`,
        position: { x: (i + 1) * 200, y: 0 },
        config: n.config,
      });
      const from = picks[i]! % nodes.length === nodes.length - 1 ? 0 : picks[i]! % (nodes.length - 1);
      const fromHandles = handles[from]!;
      const handle = fromHandles[picks[15 - i]! % fromHandles.length]!;
      edges.push({
        id: `e${i + 1}`,
        source: nodes[from]!.id,
        target: id,
        ...(handle === 'next' ? {} : { sourceHandle: handle }),
      });
      handles.push(handlesOf(n.kind, n.config));
    });
    return { schemaVersion: 1, nodes, edges };
  });

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Builds `depth` nested objects or arrays. */
function deep(depth: number, array: boolean): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = array ? [v] : { a: v };
  return v;
}

/** `inner` with own `__proto__` and `constructor` keys added (as JSON.parse makes them: own data properties). */
const protoKeyed = (inner: unknown): Json => {
  const body = inner && typeof inner === 'object' && !Array.isArray(inner) ? JSON.stringify(inner).slice(1, -1) : '';
  return JSON.parse(
    `{"__proto__": {"polluted": true, "nodes": []}, ` +
      `"constructor": {"prototype": {"polluted": true}}${body ? `, ${body}` : ''}}`,
  ) as Json;
};

type Mutation = (d: Json, r: number) => unknown;
const nodesOf = (d: Json) => (Array.isArray(d.nodes) ? (d.nodes as Json[]) : []);
const edgesOf = (d: Json) => (Array.isArray(d.edges) ? (d.edges as Json[]) : []);
const pick = <T>(xs: T[], r: number): T | undefined => (xs.length ? xs[r % xs.length] : undefined);

const WRONG_TYPE_VALUES: unknown[] = [null, 0, -1, 1e308, true, 'x', [], {}, [[]], '{{call.id}}', NaN, '💥'];
/** A fresh copy each time (mutations must never share, or later ones build cycles). */
const WRONG_TYPES = new Proxy(WRONG_TYPE_VALUES, {
  get: (target, p) =>
    typeof p === 'string' && /^\d+$/.test(p) ? structuredClone(target[Number(p)]) : Reflect.get(target, p),
});

const MUTATIONS: Record<string, Mutation> = {
  dropNode: (d, r) => (nodesOf(d).splice(r % Math.max(1, nodesOf(d).length), 1), d),
  dropTrigger: (d) => ((d.nodes = nodesOf(d).filter((n) => !String(n.type).startsWith('trigger.'))), d),
  duplicateNode: (d, r) => (nodesOf(d).push(clone(pick(nodesOf(d), r) ?? {})), d),
  duplicateName: (d, r) => {
    const ns = nodesOf(d);
    if (ns.length > 1) ns[ns.length - 1]!.name = ns[r % (ns.length - 1)]!.name;
    return d;
  },
  secondTrigger: (d) => (nodesOf(d).push({ id: 't2', type: 'trigger.ivr', name: 'again', config: {} }), d),
  cycle: (d) => {
    const ns = nodesOf(d);
    if (ns.length > 1)
      edgesOf(d).push({ id: 'back', source: ns[ns.length - 1]!.id, target: ns[1]!.id, sourceHandle: 'success' });
    edgesOf(d).push({ id: 'self', source: 't', target: 't' });
    return d;
  },
  danglingEdge: (d) => (edgesOf(d).push({ id: 'ghost', source: 't', target: 'nowhere', sourceHandle: 'nope' }), d),
  duplicateEdgeId: (d) => (edgesOf(d).push(clone(edgesOf(d)[0] ?? { id: 'e1', source: 't', target: 't' })), d),
  randomConfig: (d, r) => {
    const n = pick(nodesOf(d), r);
    if (n) n.config = WRONG_TYPES[r % WRONG_TYPES.length];
    return d;
  },
  wrongFieldType: (d, r) => {
    const n = pick(nodesOf(d), r);
    if (n) {
      const key = pick(['id', 'type', 'name', 'position', 'config'], r >> 3)!;
      n[key] = WRONG_TYPES[(r >> 5) % WRONG_TYPES.length];
    }
    return d;
  },
  wrongConfigField: (d, r) => {
    const n = pick(nodesOf(d), r);
    const c = n?.config;
    if (c && typeof c === 'object' && !Array.isArray(c)) {
      const keys = Object.keys(c);
      const key = pick(keys, r >> 2) ?? 'extra';
      (c as Json)[key] = WRONG_TYPES[(r >> 4) % WRONG_TYPES.length];
    }
    return d;
  },
  unknownType: (d, r) => {
    const n = pick(nodesOf(d), r);
    if (n)
      n.type = pick(['script', 'eval', 'trigger.unknown', '', 'HTTP', '__proto__', 'constructor', 'toString'], r >> 3);
    return d;
  },
  hugeString: (d, r) => {
    const n = pick(nodesOf(d), r);
    const huge = 'A{{call.id}}'.repeat(1000 + (r % 20_000));
    if (n) n.name = r % 2 ? huge : n.name;
    if (n && !(r % 2))
      n.config = { ...(typeof n.config === 'object' && n.config ? n.config : {}), url: huge, template: huge };
    return d;
  },
  hugeNodeCount: (d, r) => {
    const count = 200 + (r % 2000);
    for (let i = 0; i < count; i++)
      nodesOf(d).push({
        id: `x${i}`,
        type: 'set',
        name: `x${i}`,
        config: { values: [{ name: 'v', value: '{{call.id}}' }] },
      });
    return d;
  },
  protoKeys: (d, r) => {
    const n = pick(nodesOf(d), r);
    if (n) n.config = protoKeyed(n.config ?? {});
    return protoKeyed(d);
  },
  protoNames: (d, r) => {
    const n = pick(nodesOf(d), r);
    if (n) {
      n.id = pick(['__proto__', 'constructor', 'prototype', 'hasOwnProperty'], r >> 2);
      n.name = pick(['__proto__', 'constructor', 'toString', 'valueOf'], r >> 4);
    }
    return d;
  },
  deepNesting: (d, r) => {
    const n = pick(nodesOf(d), r);
    const nested = deep(50 + (r % 3000), Boolean(r % 2));
    if (n)
      n.config = {
        ...(typeof n.config === 'object' && n.config ? n.config : {}),
        args: { phone: nested },
        deep: nested,
      };
    return d;
  },
  badTemplates: (d, r) => {
    const bad = ['{{#if}}', '{{> partial}}', '{{nope call.id}}', '{{#each}}', '{{', '{{lookup . "constructor"}}'][
      r % 6
    ]!;
    for (const n of nodesOf(d)) {
      const c = n.config as Json | undefined;
      if (!c || typeof c !== 'object') continue;
      if (typeof c.url === 'string') c.url = `${c.url}${bad}`;
      if (c.body && typeof c.body === 'object' && 'template' in (c.body as Json)) (c.body as Json).template = bad;
      if (Array.isArray(c.values)) c.values = [{ name: 'v', value: bad }];
    }
    return d;
  },
  schemaVersion: (d, r) => ((d.schemaVersion = WRONG_TYPES[r % WRONG_TYPES.length] ?? 2), d),
  nodesNotArray: (d, r) => ((d.nodes = WRONG_TYPES[r % WRONG_TYPES.length]), d),
  edgesNotArray: (d, r) => ((d.edges = { length: 1e9, 0: 'x', r }), d),
  strayTopLevel: (d) => ({ ...d, extra: { a: 1 }, positions: [] }),
};
export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** A valid definition with 1–3 mutations applied. */
export const mutatedDefinition: fc.Arbitrary<unknown> = fc
  .tuple(
    validDefinition,
    fc.array(fc.tuple(fc.constantFrom(...MUTATION_NAMES), fc.nat()), { minLength: 1, maxLength: 3 }),
  )
  .map(([valid, muts]) =>
    muts.reduce<unknown>(
      (acc, [name, r]) =>
        acc && typeof acc === 'object' && !Array.isArray(acc) ? MUTATIONS[name]!(acc as Json, r) : acc,
      structuredClone(valid),
    ),
  );

/** `fc.anything()` as a definition: JSON-representable values (undefined/functions drop out in transit). */
const anythingDefinition = fc.anything({
  maxDepth: 4,
  withObjectString: true,
  withNullPrototype: true,
  withBoxedValues: true,
  withSparseArray: true,
});

/** The mix the fuzzer sends: valid, mutated, arbitrary. */
export const anyDefinition: fc.Arbitrary<{ kind: 'valid' | 'mutated' | 'anything'; definition: unknown }> = fc.oneof(
  { weight: 3, arbitrary: validDefinition.map((definition) => ({ kind: 'valid' as const, definition })) },
  { weight: 5, arbitrary: mutatedDefinition.map((definition) => ({ kind: 'mutated' as const, definition })) },
  { weight: 2, arbitrary: anythingDefinition.map((definition) => ({ kind: 'anything' as const, definition })) },
);
