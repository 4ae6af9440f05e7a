/**
 * Keeps the session's permissions current: GET /me after sign-in, on every navigation and when
 * the window regains focus, so a grant given or taken on the Roles page shows without signing in
 * again. The server enforces the permissions regardless; this only hides what would be refused.
 */
import { useEffect } from 'react';
import { useLocation } from 'react-router';
import { api } from '../api/client';
import { session, type User } from '../api/session';
import type { Me } from '../api/access-types';
import { setLocale, type Locale } from '../i18n/i18n';

let inFlight: Promise<void> | null = null;

export function refreshMe(): Promise<void> {
  if (!session.token) return Promise.resolve();
  inFlight ??= api
    .me()
    .then((me) => session.update(userOf(me)))
    .catch(() => undefined) // a 401 already ended the session; anything else keeps the last known set
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
}

/** What the session keeps of a /me answer. */
export function userOf(me: Me): User {
  const { id, email, tenantId, locale } = me;
  return { id, email, tenantId, locale: locale ?? null, permissions: [...me.permissions].sort() };
}

/** The user picked a language (the rail's switch): shown at once, and kept on the server for their other devices. */
export async function chooseLocale(locale: Locale): Promise<void> {
  await setLocale(locale);
  if (!session.token) return;
  const me = await api.updateMe({ locale }).catch(() => null); // offline: this browser still remembers it
  if (me) session.update(userOf(me));
}

export function useMeRefresh(): void {
  const location = useLocation();
  useEffect(() => {
    void refreshMe();
  }, [location.pathname]);
  useEffect(() => {
    const onFocus = () => void refreshMe();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, []);
}
