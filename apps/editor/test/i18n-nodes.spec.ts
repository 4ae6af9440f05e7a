/**
 * The node types' texts (the `nodes` area): for every type in libs/flow's registry, the English
 * catalog says what its spec says (editing a label or description in libs/flow fails here until the
 * catalogs follow), Italian and Russian have every id, and src/i18n/node-text.ts shows them.
 */
import { join } from 'node:path';
import { i18n } from '@lingui/core';
import { NODE_SPECS, type NodeSpec } from '@callflow/flow';
import { compileCatalog, readCatalog } from '../i18n-catalogs';
import {
  categoryLabel,
  handleLabel,
  nodeDescription,
  nodeLabel,
  nodeShortLabel,
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
  ...fixedHandles(s).map((h) => ({ id: `nodes.handle.${h}`, en: h, shown: () => handleLabel(s.type, h) })),
  { id: `nodes.category.${s.category}`, en: undefined, shown: () => categoryLabel(s.category) },
]);

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

  it("keeps a condition rule's own output name, and an unknown type's name", () => {
    i18n.activate('it');
    expect(handleLabel('condition', 'vip')).toBe('vip');
    expect(handleLabel('condition', 'default')).toBe(i18n._('nodes.handle.default'));
    expect(nodeLabel('custom.thing')).toBe('custom.thing');
    expect(nodeDescription('custom.thing')).toBeUndefined();
    expect(triggerWaits('trigger.campaign', 1000)).toBeUndefined();
  });
});
