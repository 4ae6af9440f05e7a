/**
 * Keeps the session's permissions current: GET /me after sign-in, on every navigation and when
 * the window regains focus, so a grant given or taken on the Roles page shows without signing in
 * again. The server enforces the permissions regardless; this only hides what would be refused.
 */
import { useEffect } from 'react';
import { useLocation } from 'react-router';
import { api } from '../api/client';
import { session } from '../api/session';

let inFlight: Promise<void> | null = null;

export function refreshMe(): Promise<void> {
  if (!session.token) return Promise.resolve();
  inFlight ??= api
    .me()
    .then((me) =>
      session.update({ id: me.id, email: me.email, tenantId: me.tenantId, permissions: [...me.permissions].sort() }),
    )
    .catch(() => undefined) // a 401 already ended the session; anything else keeps the last known set
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
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
