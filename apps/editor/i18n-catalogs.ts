/**
 * The editor's message catalogs on disk (src/i18n/locales/<locale>/<area>.json: flat id → ICU message),
 * read and compiled for Lingui's runtime. Used by the Vite plugin (vite.config.ts), the catalog test
 * and unit tests; never by the browser, which receives the compiled catalog of one locale.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileMessage } from '@lingui/message-utils/compileMessage';

/** The areas of one locale (one file each: each part of the UI keeps its own), under `dir`. */
export function catalogFiles(dir: string, locale: string): string[] {
  return readdirSync(join(dir, locale))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, locale, f));
}

/** Every message of a locale, as written (an id found in two areas is an error). */
export function readCatalog(dir: string, locale: string): Record<string, string> {
  const all: Record<string, string> = {};
  for (const file of catalogFiles(dir, locale)) {
    const area = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    for (const [id, message] of Object.entries(area)) {
      if (typeof message !== 'string') throw new Error(`${file}: "${id}" is not a string`);
      if (id in all) throw new Error(`${file}: "${id}" is defined twice in ${locale}`);
      all[id] = message;
    }
  }
  return all;
}

/** Compiled for @lingui/core (which, built for production, has no compiler of its own). */
export function compileCatalog(raw: Record<string, string>): Record<string, ReturnType<typeof compileMessage>> {
  const out: Record<string, ReturnType<typeof compileMessage>> = {};
  for (const [id, message] of Object.entries(raw)) out[id] = compileMessage(message);
  return out;
}
