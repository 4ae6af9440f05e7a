/**
 * The access texts the server sends in English (the `settings` area): for every permission the API
 * defines, the English catalog says what its description says (editing one in apps/api fails here
 * until the catalogs follow), likewise the built-in roles' names; Italian and Russian have every id,
 * and src/i18n/access-text.ts shows them (a role the tenant created keeps its own name).
 */
import { join } from 'node:path';
import { i18n } from '@lingui/core';
import { PERMISSION_DESCRIPTIONS, PERMISSIONS } from '../../api/src/access/permissions';
import { BUILT_IN_ROLES } from '../../api/src/roles/built-in-roles';
import { compileCatalog, readCatalog } from '../i18n-catalogs';
import { permissionDescription, roleName } from '../src/i18n/access-text';

const DIR = join(__dirname, '../src/i18n/locales');
const LOCALES = ['en', 'it', 'ru'] as const;
const raw = Object.fromEntries(LOCALES.map((l) => [l, readCatalog(DIR, l)]));
for (const l of LOCALES) i18n.load(l, compileCatalog(raw[l]!));

/** Every id the access texts need, with the API's English. */
const needed = [
  ...PERMISSIONS.map((p) => ({
    id: `settings.permission.${p}`,
    en: PERMISSION_DESCRIPTIONS[p],
    shown: () => permissionDescription(p, PERMISSION_DESCRIPTIONS[p]),
  })),
  ...BUILT_IN_ROLES.map((r) => ({
    id: `settings.role.builtin.${r.key}`,
    en: r.name,
    shown: () => roleName({ name: r.name, builtIn: r.key }),
  })),
];

describe('access texts', () => {
  afterAll(() => i18n.activate('en'));

  it.each(LOCALES)('has every permission and built-in role text in %s', (locale) => {
    expect(needed.map((x) => x.id).filter((id) => !(id in raw[locale]!))).toEqual([]);
  });

  it('says in English what the API says', () => {
    i18n.activate('en');
    const wrong = needed.filter((x) => x.shown() !== x.en);
    expect(wrong.map((x) => `${x.id}: "${x.shown()}" instead of "${x.en}"`)).toEqual([]);
  });

  it.each(['it', 'ru'] as const)('shows the %s texts', (locale) => {
    i18n.activate(locale);
    for (const x of needed) {
      expect(x.shown()).toBe(i18n._(x.id));
      expect(x.shown()).not.toBe(x.en);
    }
  });

  it('keeps the name of a role the tenant created, and the English of a text the catalog lacks', () => {
    i18n.activate('ru');
    expect(roleName({ name: 'Viewer', builtIn: null })).toBe('Viewer');
    expect(permissionDescription('future.perm', 'Do the future thing')).toBe('Do the future thing');
  });
});
