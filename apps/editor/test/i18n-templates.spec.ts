/**
 * The flow templates' texts (the `templates` area): every template the API's registry defines has
 * its name, description and required connections' descriptions in every language, the English ones
 * equal to what GET /flow-templates serves (editing a template's text fails here until the catalogs
 * follow), and src/i18n/template-text.ts shows the language in force, else the API's English.
 */
import { join } from 'node:path';
import { i18n } from '@lingui/core';
import { FLOW_TEMPLATES } from '../../api/src/flow-templates/flow-templates.registry';
import { compileCatalog, readCatalog } from '../i18n-catalogs';
import { templateConnectionText, templateDescription, templateName } from '../src/i18n/template-text';

const DIR = join(__dirname, '../src/i18n/locales');
const LOCALES = ['en', 'it', 'ru'] as const;
const raw = Object.fromEntries(LOCALES.map((l) => [l, readCatalog(DIR, l)]));
for (const l of LOCALES) i18n.load(l, compileCatalog(raw[l]!));

/** Every text a template shows, by message id. */
const texts = FLOW_TEMPLATES.flatMap((tpl) => [
  { id: `templates.${tpl.id}.name`, en: tpl.name, shown: () => templateName(tpl) },
  { id: `templates.${tpl.id}.description`, en: tpl.description, shown: () => templateDescription(tpl) },
  ...(tpl.requires.connections ?? []).map((c) => ({
    id: `templates.${tpl.id}.connection.${c.purpose}`,
    en: c.description,
    shown: () => templateConnectionText(tpl.id, c),
  })),
]);

describe('flow template texts', () => {
  afterAll(() => i18n.activate('en'));

  it('covers every template of the registry', () => {
    expect(FLOW_TEMPLATES.length).toBeGreaterThan(0);
    expect(texts.length).toBeGreaterThanOrEqual(FLOW_TEMPLATES.length * 2);
  });

  it.each(LOCALES)('has every template text in %s', (locale) => {
    expect(texts.map((x) => x.id).filter((id) => !(id in raw[locale]!))).toEqual([]);
  });

  it('has no template ids the registry lacks', () => {
    const known = new Set(texts.map((x) => x.id));
    expect(Object.keys(raw.en!).filter((id) => id.startsWith('templates.') && !known.has(id))).toEqual([]);
  });

  it("shows the API's English text exactly in English", () => {
    i18n.activate('en');
    expect(texts.filter((x) => x.shown() !== x.en).map((x) => `${x.id}: ${x.shown()}`)).toEqual([]);
  });

  it.each(['it', 'ru'] as const)('shows the %s translation, not the English', (locale) => {
    i18n.activate(locale);
    for (const x of texts) {
      const shown = x.shown();
      expect(shown).toBe(i18n._(x.id));
      expect(shown).not.toContain("'{'");
    }
    expect(texts.filter((x) => x.shown() === x.en && !x.id.endsWith('.name')).map((x) => x.id)).toEqual([]);
  });

  it("falls back to the API's English for a template the catalog lacks", () => {
    i18n.activate('it');
    const unknown = { id: 'not-in-the-catalog', name: 'Brand new', description: 'Does things' };
    expect(templateName(unknown)).toBe('Brand new');
    expect(templateDescription(unknown)).toBe('Does things');
    expect(templateConnectionText(unknown.id, { purpose: 'crm', description: 'The CRM' })).toBe('The CRM');
  });
});
