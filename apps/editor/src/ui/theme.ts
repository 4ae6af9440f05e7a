/**
 * Light or dark: the system's setting (prefers-color-scheme) unless the user picked one. The choice is
 * kept in localStorage per user (and as this browser's last choice, for the sign-in page); the theme
 * in force is `<html data-theme="light|dark">`, which styles.css turns into its palette.
 */
import { useSyncExternalStore } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

const LAST_KEY = 'callflow.theme';
const userKey = (userId: string) => `callflow.theme.${userId}`;

let choice: ThemeChoice = 'system';
let userId: string | null = null;
const listeners = new Set<() => void>();
const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

function read(key: string): ThemeChoice | null {
  try {
    const v = localStorage.getItem(key);
    return v === 'system' || v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

function resolved(): Theme {
  return choice === 'system' ? (media?.matches ? 'dark' : 'light') : choice;
}

function apply(): void {
  const theme = resolved();
  const root = document.documentElement;
  if (root.dataset.theme !== theme) root.dataset.theme = theme;
  root.dataset.themeChoice = choice;
  for (const l of listeners) l();
}

/** Applies the stored choice and follows the system's setting from then on (called once at start). */
export function startTheme(): void {
  choice = read(LAST_KEY) ?? 'system';
  media?.addEventListener('change', apply);
  apply();
}

/** The signed-in user changed: their own choice, if they made one, replaces this browser's last one. */
export function themeForUser(id: string | null): void {
  if (id === userId) return;
  userId = id;
  const own = id ? read(userKey(id)) : null;
  if (own && own !== choice) {
    choice = own;
    apply();
  }
}

export function setTheme(next: ThemeChoice): void {
  choice = next;
  try {
    localStorage.setItem(LAST_KEY, next);
    if (userId) localStorage.setItem(userKey(userId), next);
  } catch {
    // storage unavailable: the choice lasts until the tab closes
  }
  apply();
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
const snapshot = () => `${choice}:${resolved()}`;

/** The user's choice and the theme in force; re-renders when either changes. */
export function useTheme(): { choice: ThemeChoice; theme: Theme } {
  const [c, t] = useSyncExternalStore(subscribe, snapshot).split(':') as [ThemeChoice, Theme];
  return { choice: c, theme: t };
}
