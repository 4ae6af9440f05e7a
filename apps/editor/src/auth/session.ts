/**
 * The signed-in user: token and permissions, kept in localStorage so a reload keeps the
 * session. `expire()` is called by the API client on 401; the app listens and shows the login.
 */
import { useSyncExternalStore } from 'react';
import type { User } from '../api/types';

const KEY = 'callflow.session';

interface Stored {
  token: string;
  user: User;
}

type Listener = () => void;

class Session {
  private state: Stored | null = read();
  /** Why the last session ended (shown on the login page). */
  endedReason: string | null = null;
  private listeners = new Set<Listener>();

  get token(): string | null {
    return this.state?.token ?? null;
  }

  get user(): User | null {
    return this.state?.user ?? null;
  }

  /** Whether the user holds a permission (the server enforces it regardless). */
  can(permission: string): boolean {
    return !!this.state?.user.permissions.includes(permission);
  }

  signIn(token: string, user: User): void {
    this.state = { token, user };
    this.endedReason = null;
    try {
      localStorage.setItem(KEY, JSON.stringify(this.state));
    } catch {
      // private mode: the session lasts for this tab only
    }
    this.emit();
  }

  /** Replaces the user (GET /me answers): a grant given or taken shows without signing in again. */
  update(user: User): void {
    if (!this.state) return;
    const same = this.state.user.email === user.email && this.state.user.permissions.join() === user.permissions.join();
    if (same) return;
    this.signIn(this.state.token, { ...this.state.user, ...user });
  }

  signOut(): void {
    this.state = null;
    try {
      localStorage.removeItem(KEY);
    } catch {
      // ignore
    }
    this.emit();
  }

  expire(reason: string): void {
    if (!this.state) return;
    this.endedReason = reason;
    this.signOut();
  }

  subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  snapshot = (): Stored | null => this.state;

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

function read(): Stored | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Stored;
    return s && typeof s.token === 'string' && s.user ? s : null;
  } catch {
    return null;
  }
}

export const session = new Session();

/** Re-renders when the session (or its permissions) changes; `can(p)` as of the last GET /me. */
export function useCan(): (permission: string) => boolean {
  const user = useSyncExternalStore(session.subscribe, session.snapshot)?.user;
  return (permission: string) => !!user?.permissions.includes(permission);
}

/** Re-renders when the session changes; returns the user or null. */
export function useSession(): User | null {
  return useSyncExternalStore(session.subscribe, session.snapshot)?.user ?? null;
}
