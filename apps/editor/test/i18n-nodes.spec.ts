/**
 * The node types' texts (the `nodes` area): for every type in libs/flow's registry, the English
 * catalog says what its spec says (editing a label or description in libs/flow fails here until the
 * catalogs follow), Italian and Russian have every id, and src/i18n/node-text.ts shows them.
 */
import { join } from 'node:path';
import { i18n } from '@lingui/core';
import { getNodeSpec, NODE_SPECS, type NodeSpec } from '@callflow/flow';
import { compileCatalog, readCatalog } from '../i18n-catalogs';
import {
  categoryLabel,
  handleLabel,
  nodeDescription,
  nodeLabel,
  nodeShortLabel,
  nodeSummary,
  triggerShape,
  triggerWaits,
} from '../src/i18n/node-text';

const DIR = join(__dirname, '../src/i18n/locales');
const LOCALES = ['en', 'it', 'ru'] as const;
const raw = Object.fromEntries(LOCALES.map((l) => [l, readCatalog(DIR, l)]));
for (const l of LOCALES) i18n.load(l, compileCatalog(raw[l]!));
const specs: readonly NodeSpec[] = NODE_SPECS;

/** The outputs every node of the type has (a condition's rules add their own). */
const fixedHandles = (s: NodeSpec) => (s.draftHandles ? s.draftHandles({}) : s.handles({} as never));
/** What the respond panel says about a synchronous trigger, in the spec's English. */
const englishWaits = (t: NonNullable<NodeSpec['trigger']>, ms: number) =>
  `${t.waiter ?? 'The caller'} waits for this answer for up to ${ms} ms` +
  `${t.late ? `; after that it gets ${t.late}` : ''}.`;

/** Every id a type needs, with its English (`ms` filled in for the waiter's sentence). */
const needed = specs.flatMap((s) => [
  { id: `nodes.${s.type}.label`, en: s.label, shown: () => nodeLabel(s.type) },
  { id: `nodes.${s.type}.shortLabel`, en: s.shortLabel, shown: () => nodeShortLabel(s.type) },
  { id: `nodes.${s.type}.description`, en: s.description, shown: () => nodeDescription(s.type) },
  ...(s.trigger?.mode === 'sync'
    ? [{ id: `nodes.${s.type}.waits`, en: englishWaits(s.trigger, 1234), shown: () => triggerWaits(s.type, 1234) }]
    : []),
  ...(s.trigger ? [{ id: `nodes.${s.type}.shape`, en: s.trigger.call.shape, shown: () => triggerShape(s.type) }] : []),
  ...fixedHandles(s).map((h) => ({ id: `nodes.handle.${h}`, en: h, shown: () => handleLabel(s.type, h) })),
  { id: `nodes.category.${s.category}`, en: undefined, shown: () => categoryLabel(s.category) },
]);

/** Configs whose summaries have words, each way they can read. */
const SUMMARY_CASES: [string, Record<string, unknown>][] = [
  ['trigger.ivr', {}],
  ['trigger.ivr', { deadlineMs: 2500 }],
  ['trigger.end_of_call', {}],
  ['trigger.end_of_call', { dispositions: ['answered', 'busy'], maxConcurrentRuns: 5 }],
  ['trigger.campaign', { maxConcurrentRuns: 2 }],
  ['trigger.campaign', { campaignIds: ['spring', 'winback'] }],
  ['trigger.webhook', { methods: ['GET', 'POST'] }],
  ['trigger.webhook', { auth: { in: 'query', name: 'clientId' } }],
  ['trigger.webhook', { auth: { in: 'header', name: 'X-Secret' } }],
  ['batch', { items: '{{request.body.calls}}' }],
  ['batch', { items: '{{x}}', size: 10, concurrency: 3 }],
  ['batch', { items: '{{x}}', onError: 'continue' }],
  ['batch', { items: '{{x}}', concurrency: 2, onError: 'continue' }],
  ['respond', { status: 302, body: { type: 'redirect', location: '/r' } }],
  ['respond', { body: { type: 'passthrough', node: 'fetch' } }],
  ['respond', { body: { type: 'json', template: '{}' } }],
  ['http', { method: 'POST', url: 'https://crm.example.com/calls' }],
  ['condition', { rules: [{ handle: 'vip', left: '{{x}}', op: 'exists' }] }],
];
const summaries = SUMMARY_CASES.map(([type, config]) => {
  const parsed = getNodeSpec(type)!.configSchema.parse(config);
  return { type, parsed, en: getNodeSpec(type)!.summary(parsed as never) };
});

describe('node type texts', () => {
  afterAll(() => i18n.activate('en'));

  it.each(LOCALES)('has every node type text in %s', (locale) => {
    expect([...new Set(needed.map((x) => x.id))].filter((id) => !(id in raw[locale]!))).toEqual([]);
  });

  it('says in English what the specs say', () => {
    i18n.activate('en');
    const wrong = needed.filter((x) => x.en !== undefined && x.shown() !== x.en);
    expect(wrong.map((x) => `${x.id}: "${x.shown()}" instead of "${x.en}"`)).toEqual([]);
  });

  it.each(['it', 'ru'] as const)('shows the %s texts', (locale) => {
    i18n.activate(locale);
    for (const x of needed) expect(x.shown()).toBe(i18n._(x.id, { ms: '1234' }));
  });

  it('summarises a node card as the spec does, in English', () => {
    i18n.activate('en');
    expect(summaries.map((x) => nodeSummary(x.type, x.parsed))).toEqual(summaries.map((x) => x.en));
  });

  it.each(['it', 'ru'] as const)('summarises with %s words', (locale) => {
    i18n.activate(locale);
    const worded = summaries.filter((x) => /[a-z]{3} [a-z]/.test(x.en));
    expect(worded.length).toBeGreaterThan(10);
    expect(worded.filter((x) => nodeSummary(x.type, x.parsed) === x.en).map((x) => x.en)).toEqual([]);
    expect(nodeSummary('http', summaries.find((x) => x.type === 'http')!.parsed)).toBe('POST crm.example.com/calls');
  });

  it("keeps a condition rule's own output name, and an unknown type's name", () => {
    i18n.activate('it');
    expect(handleLabel('condition', 'vip')).toBe('vip');
    expect(handleLabel('condition', 'default')).toBe(i18n._('nodes.handle.default'));
    expect(nodeLabel('custom.thing')).toBe('custom.thing');
    expect(nodeDescription('custom.thing')).toBeUndefined();
    expect(triggerWaits('trigger.campaign', 1000)).toBeUndefined();
  });
});
