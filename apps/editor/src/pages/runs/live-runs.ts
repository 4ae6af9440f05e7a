/**
 * Keeps a runs list current: every few seconds while the tab is visible, the first page is read
 * again and merged in (new runs on top, changed statuses in place, pages loaded further down kept).
 */
import { useEffect } from 'react';
import type { ExecutionSummary } from '../../api/types';

/** How often a visible runs list reads its first page again. */
export const LIVE_INTERVAL_MS = 3000;

/** `current` with `fresh` (the newest page) merged in: new rows first, known rows replaced in place. */
export function mergeRuns(current: ExecutionSummary[], fresh: ExecutionSummary[]): ExecutionSummary[] {
  const byId = new Map(fresh.map((r) => [r.id, r]));
  const known = new Set(current.map((r) => r.id));
  const added = fresh.filter((r) => !known.has(r.id));
  const kept = current.map((r) => byId.get(r.id) ?? r);
  return added.length ? [...added, ...kept] : kept;
}

/** Calls `refresh` every LIVE_INTERVAL_MS while `on` and the page is visible (and once when it shows again). */
export function useLiveRefresh(on: boolean, refresh: () => Promise<void>): void {
  useEffect(() => {
    if (!on) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let inFlight = false;
    const tick = async () => {
      inFlight = true;
      if (document.visibilityState === 'visible') await refresh().catch(() => undefined);
      inFlight = false;
      if (!stopped) timer = setTimeout(() => void tick(), LIVE_INTERVAL_MS);
    };
    timer = setTimeout(() => void tick(), LIVE_INTERVAL_MS);
    const onShow = () => {
      if (document.visibilityState !== 'visible' || inFlight) return;
      clearTimeout(timer);
      void tick();
    };
    document.addEventListener('visibilitychange', onShow);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onShow);
    };
  }, [on, refresh]);
}
