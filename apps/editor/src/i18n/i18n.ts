/**
 * The editor's languages: English, Italian and Russian. Every string people read goes through `t(id)`
 * (ids: the area files of locales/en/; ICU messages, so plurals and values are the language's own).
 * The chosen locale's catalog is compiled at build time into a chunk of its own, loaded before the
 * first render and on a switch. The choice: the user's own (kept per user), else this browser's last,
 * else the browser's languages, else English. Dates and numbers follow the locale (Intl).
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient module: nothing to import
/// <reference path="./catalogs.d.ts" />
import { i18n, type Messages } from '@lingui/core';
import { createElement, Fragment, useSyncExternalStore, type ReactNode } from 'react';
import type { MessageId } from './keys';

export type { MessageId } from './keys';

/** The languages the UI is written in (each has every message: src/i18n/catalogs test). */
export const LOCALES = ['en', 'it', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];

const loaders: Record<Locale, () => Promise<{ messages: Messages }>> = {
  en: () => import('virtual:callflow-catalog/en'),
  it: () => import('virtual:callflow-catalog/it'),
  ru: () => import('virtual:callflow-catalog/ru'),
};

const LAST_KEY = 'callflow.locale';
const userKey = (userId: string) => `callflow.locale.${userId}`;

const loaded = new Set<Locale>();
let userId: string | null = null;
let pending: Promise<void> | null = null;
const listeners = new Set<() => void>();

/** A locale id if `v` names one of ours ('it-IT' → 'it'). */
function asLocale(v: unknown): Locale | null {
  if (typeof v !== 'string') return null;
  const base = v.toLowerCase().split(/[-_]/)[0];
  return (LOCALES as readonly string[]).includes(base!) ? (base as Locale) : null;
}

function stored(key: string): Locale | null {
  try {
    return asLocale(localStorage.getItem(key));
  } catch {
    return null;
  }
}

function store(key: string, locale: Locale): void {
  try {
    localStorage.setItem(key, locale);
  } catch {
    // Private mode or storage full: the choice holds for this page only.
  }
}

/** The browser's preferred languages, the first we speak (else English). */
function fromBrowser(languages: readonly string[] = navigator.languages ?? [navigator.language]): Locale {
  for (const l of languages) {
    const ours = asLocale(l);
    if (ours) return ours;
  }
  return 'en';
}

async function activate(locale: Locale): Promise<void> {
  if (!loaded.has(locale)) {
    const { messages } = await loaders[locale]();
    i18n.load(locale, messages);
    loaded.add(locale);
  }
  i18n.activate(locale);
  document.documentElement.lang = locale;
  for (const l of listeners) l();
}

/** Loads the language to start in (called once, before the first render). */
export function startI18n(): Promise<void> {
  pending = activate(stored(LAST_KEY) ?? fromBrowser()).catch(() => activate('en'));
  return pending;
}

/** Switches the UI's language, kept for this user (and as this browser's last choice). */
export async function setLocale(locale: Locale): Promise<void> {
  store(LAST_KEY, locale);
  if (userId) store(userKey(userId), locale);
  await activate(locale);
}

/**
 * The signed-in user changed: their own choice (`saved`, from the server, else this browser's record
 * of it) replaces this browser's last one.
 */
export async function localeForUser(id: string | null, saved?: string | null): Promise<void> {
  userId = id;
  const own = asLocale(saved) ?? (id ? stored(userKey(id)) : null);
  if (!own) return;
  if (id) store(userKey(id), own);
  await pending;
  if (own !== i18n.locale) await activate(own);
}

/** The language in force. */
export function currentLocale(): Locale {
  return asLocale(i18n.locale) ?? 'en';
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The language in force, re-rendering on a switch. */
export function useLocale(): Locale {
  return useSyncExternalStore(subscribe, currentLocale);
}

/** A message in the language in force; `values` fill its `{name}` placeholders and plurals. */
export function t(id: MessageId, values?: Record<string, unknown>): string {
  return i18n._(id, values);
}

/** @public True when the catalog has this id (for ids built at run time, e.g. from a node type). */
export function hasMessage(id: string): id is MessageId {
  return Object.prototype.hasOwnProperty.call(i18n.messages, id);
}

/**
 * @public
 * A message with markup: `<name>text</name>` in the message becomes `parts.name(text)` (a link, code,
 * bold), so translators can move it within the sentence.
 */
export function tRich(
  id: MessageId,
  parts: Record<string, (text: string) => ReactNode>,
  values?: Record<string, unknown>,
): ReactNode {
  const text = t(id, values);
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(/<(\w+)>(.*?)<\/\1>/gs)) {
    const part = parts[m[1]!];
    if (!part) continue;
    out.push(text.slice(last, m.index), createElement(Fragment, { key: out.length }, part(m[2]!)));
    last = m.index! + m[0].length;
  }
  out.push(text.slice(last));
  return createElement(Fragment, null, ...out);
}

const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function cached<F>(cache: Map<string, F>, key: string, make: () => F): F {
  let f = cache.get(key);
  if (!f) cache.set(key, (f = make()));
  return f;
}

/** A number as the language writes it (1,234.5 / 1.234,5 / 1 234,5). */
export function formatNumber(n: number, options?: Intl.NumberFormatOptions): string {
  const locale = currentLocale();
  const key = `${locale}|${JSON.stringify(options ?? {})}`;
  return cached(numberFormats, key, () => new Intl.NumberFormat(locale, options)).format(n);
}

/** A moment as the language writes it: `datetime` (default), `date` or `time` (hours and minutes). */
export function formatDate(at: string | number | Date, style: 'datetime' | 'date' | 'time' = 'datetime'): string {
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime())) return '—';
  const locale = currentLocale();
  const options: Intl.DateTimeFormatOptions =
    style === 'date'
      ? { dateStyle: 'medium' }
      : style === 'time'
        ? { hour: '2-digit', minute: '2-digit' }
        : { dateStyle: 'medium', timeStyle: 'medium' };
  return cached(dateFormats, `${locale}|${style}`, () => new Intl.DateTimeFormat(locale, options)).format(d);
}

const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();

/** "3 minutes ago", "now": a distance in time as the language says it (`value` < 0: in the past). */
export function formatRelative(value: number, unit: Intl.RelativeTimeFormatUnit): string {
  const locale = currentLocale();
  const make = () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  return cached(relativeFormats, locale, make).format(value, unit);
}
