/**
 * The editor's catalogs (src/i18n/locales): every language has every message, each compiles, keeps
 * the English one's placeholders, is translated, and every English id is used by the code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { catalogFiles, compileCatalog, readCatalog } from '../i18n-catalogs';

const DIR = join(__dirname, '../src/i18n/locales');
const SRC = join(__dirname, '../src');
const LOCALES = ['en', 'it', 'ru'];
const OTHERS = LOCALES.filter((l) => l !== 'en');
const catalogs = Object.fromEntries(LOCALES.map((l) => [l, readCatalog(DIR, l)]));

/** Ids whose text is rightly the same in every language (names of languages, of protocols, of products). */
const SAME_IN_ALL = new Set([
  'shell.language.en',
  'shell.language.it',
  'shell.language.ru',
  // Protocol values (answered, no_answer, …), and the product words Italian UIs keep in English.
  'editor.tokens.detail.callDisposition',
  'flows.list.trigger',
  'flows.starter.webhook.name',
  'shell.product',
  'shell.duration.ms',
  'shell.trigger.webhook',
  'shell.login.password',
  'settings.audit.no',
  'settings.connection.password',
  'settings.connection.token',
  'settings.connection.type.wsSecurity',
  'runs.trigger.webhook',
  'runs.version',
  // Italian says "webhook" too.
  'nodes.trigger.webhook.label',
  'nodes.trigger.webhook.shortLabel',
  // Milliseconds: "ms" in Italian too.
  'panels.unit.ms',
]);
/** Ids the code builds at run time (`nodes.${type}.label`): used when their prefix is. */
const DYNAMIC_PREFIXES = ['nodes.', 'templates.', 'settings.permission.', 'settings.role.builtin.'];

/** Placeholder names in a compiled message (a list of text and [name, format?, branches?]), sorted. */
function argumentsOf(message: unknown, into = new Set<string>()): string[] {
  for (const part of Array.isArray(message) ? message : []) {
    if (!Array.isArray(part)) continue;
    const [name, , branches] = part as [string, string?, Record<string, unknown>?];
    into.add(name);
    for (const branch of Object.values(branches ?? {})) argumentsOf(branch, into);
  }
  return [...into].sort();
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'locales' ? [] : sources(p);
    return /\.tsx?$/.test(f) ? [p] : [];
  });
}

describe('i18n catalogs', () => {
  it('has the same area files in every language', () => {
    const areas = (l: string) => catalogFiles(DIR, l).map((f) => relative(join(DIR, l), f));
    for (const l of OTHERS) expect(areas(l)).toEqual(areas('en'));
  });

  it('has every English message in every language, and nothing else', () => {
    const en = Object.keys(catalogs.en!).sort();
    expect(en.length).toBeGreaterThan(0);
    for (const l of OTHERS) {
      const ids = Object.keys(catalogs[l]!);
      expect({ locale: l, missing: en.filter((id) => !(id in catalogs[l]!)) }).toEqual({ locale: l, missing: [] });
      expect({ locale: l, extra: ids.filter((id) => !(id in catalogs.en!)) }).toEqual({ locale: l, extra: [] });
    }
  });

  it('keeps each area file to ids of its area (the file name starts every id)', () => {
    for (const l of LOCALES)
      for (const file of catalogFiles(DIR, l)) {
        const area = file.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
        const stray = Object.keys(JSON.parse(readFileSync(file, 'utf8'))).filter((id) => !id.startsWith(`${area}.`));
        expect({ file: relative(DIR, file), stray }).toEqual({ file: relative(DIR, file), stray: [] });
      }
  });

  it('compiles every message, with the English placeholders', () => {
    const compiled = Object.fromEntries(LOCALES.map((l) => [l, compileCatalog(catalogs[l]!)]));
    const wrong: string[] = [];
    for (const id of Object.keys(catalogs.en!)) {
      const want = argumentsOf(compiled.en![id]);
      for (const l of OTHERS) {
        const got = argumentsOf(compiled[l]![id]);
        if (got.join() !== want.join()) wrong.push(`${l} ${id}: {${got.join('}{')}} instead of {${want.join('}{')}}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lists only existing ids as the same in every language', () => {
    expect([...SAME_IN_ALL].filter((id) => !(id in catalogs.en!))).toEqual([]);
  });

  it('translates every message (the same text as English only where it is a name)', () => {
    const untranslated: string[] = [];
    for (const [id, en] of Object.entries(catalogs.en!)) {
      if (SAME_IN_ALL.has(id) || !/\p{L}{2}/u.test(en) || /^[\p{Lu}\d\s/._+-]+$/u.test(en)) continue;
      for (const l of OTHERS) if (catalogs[l]![id] === en) untranslated.push(`${l} ${id}: ${en}`);
    }
    expect(untranslated).toEqual([]);
  });

  it('gives Russian plurals all their forms (one, few, many, other)', () => {
    const short: string[] = [];
    for (const [id, ru] of Object.entries(catalogs.ru!))
      for (const m of ru.matchAll(/\{\s*\w+\s*,\s*plural\s*,((?:[^{}]|\{[^{}]*\})*)\}/g))
        for (const form of ['one', 'few', 'many', 'other'])
          if (!new RegExp(`(^|\\s)${form}\\s*\\{`).test(m[1]!)) short.push(`${id}: no "${form}"`);
    expect(short).toEqual([]);
  });

  it('uses every English id somewhere in the code', () => {
    const code = sources(SRC)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unused = Object.keys(catalogs.en!).filter(
      (id) => !code.includes(`'${id}'`) && !DYNAMIC_PREFIXES.some((p) => id.startsWith(p)),
    );
    expect(unused).toEqual([]);
  });
});
