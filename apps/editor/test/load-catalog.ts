/**
 * Unit tests read the editor's real messages: `loadCatalog('en')` compiles a locale's catalog from
 * src/i18n/locales (as the Vite plugin does for the browser) and activates it, so `t()` in the code
 * under test returns the text people read and the tests keep checking it.
 */
import { join } from 'node:path';
import { i18n } from '@lingui/core';
import { compileCatalog, readCatalog } from '../i18n-catalogs';

export function loadCatalog(locale: 'en' | 'it' | 'ru' = 'en'): void {
  i18n.load(locale, compileCatalog(readCatalog(join(__dirname, '../src/i18n/locales'), locale)));
  i18n.activate(locale);
}
