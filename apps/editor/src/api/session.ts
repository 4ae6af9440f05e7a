/**
 * The signed-in user: the access token and permissions, kept in this page's memory only, so no
 * script can read a stored session (docs/security.md). The refresh token is an HttpOnly cookie
 * the server sets; a reload or a new tab restores the session with POST /auth/refresh
 * (restoreSession in api/client.ts), and `restoring` is true until that has answered.
 * `expire()` is called by the API client when the session cannot be renewed; the app then shows
 * the login.
 */
import { useSyncExternalStore } from 'react';
import type { Me } from '@callflow/flow';

/** What the session keeps of the signed-in user (GET /me, or the login answer's `user`). */
export type User = Pick<Me, 'id' | 'email' | 'tenantId' | 'permissions' | 'locale'>;

/** Where earlier versions kept the session (token included) in localStorage: removed at start. */
const LEGACY_KEY = 'callflow.session';

interface State {
  token: string | null;
  user: User | null;
  restoring: boolean;
}

type Listener = () => void;

class Session {
  private state: State = { token: null, user: null, restoring: true };
  /** Why the last session ended (shown on the login page). */
  endedReason: string | null = null;
  private listeners = new Set<Listener>();

  get token(): string | null {
    return this.state.token;
  }

  get user(): User | null {
    return this.state.user;
  }

  get restoring(): boolean {
    return this.state.restoring;
  }

  /** Whether the user holds a permission (the server enforces it regardless). */
  can(permission: string): boolean {
    return !!this.state.user?.permissions.includes(permission);
  }

  signIn(token: string, user: User): void {
    this.state = { token, user, restoring: false };
    this.endedReason = null;
    this.emit();
  }

  /** Replaces the user (GET /me answers): a grant given or taken shows without signing in again. */
  update(user: User): void {
    const current = this.state.user;
    if (!current || !this.state.token) return;
    const same =
      current.email === user.email &&
      current.locale === user.locale &&
      current.permissions.join() === user.permissions.join();
    if (same) return;
    this.signIn(this.state.token, { ...current, ...user });
  }

  /** The start-up restore has answered (signed in or not). */
  restored(): void {
    if (!this.state.restoring) return;
    this.state = { ...this.state, restoring: false };
    this.emit();
  }

  signOut(): void {
    this.state = { token: null, user: null, restoring: false };
    this.emit();
  }

  expire(reason: string): void {
    if (!this.state.token) return;
    this.endedReason = reason;
    this.signOut();
  }

  subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  snapshot = (): State => this.state;

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

try {
  localStorage.removeItem(LEGACY_KEY);
} catch {
  // storage unavailable: nothing stored either
}

export const session = new Session();

/** Re-renders when the session (or its permissions) changes; `can(p)` as of the last GET /me. */
export function useCan(): (permission: string) => boolean {
  const user = useSyncExternalStore(session.subscribe, session.snapshot).user;
  return (permission: string) => !!user?.permissions.includes(permission);
}

/** Re-renders when the session changes; returns the user or null. */
export function useSession(): User | null {
  return useSyncExternalStore(session.subscribe, session.snapshot).user;
}

/** True until the start-up restore (POST /auth/refresh with the cookie) has answered. */
export function useRestoring(): boolean {
  return useSyncExternalStore(session.subscribe, session.snapshot).restoring;
}
