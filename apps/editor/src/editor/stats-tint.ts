/**
 * The canvas's "Colour by" (issue 19 §2): nodes tinted by their p95 duration or error rate over the
 * last hour, day or week of the published flow's runs (GET /flows/:id/stats, fetched when chosen).
 * Its own small store: a card subscribes to its node's row only.
 */
import { create } from 'zustand';
import { errorText } from '../api/client';
import { statsApi, type NodeStats, type StatsRange } from '../api/stats';
import type { TintMode } from '../stats/format';

export interface StatsTintState {
  flowId: string | null;
  mode: TintMode | 'none';
  range: StatsRange;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  byNode: ReadonlyMap<string, NodeStats>;
}

const EMPTY = new Map<string, NodeStats>();

export const useStatsTint = create<StatsTintState>(() => ({
  flowId: null,
  mode: 'none',
  range: 'day',
  status: 'idle',
  error: null,
  byNode: EMPTY,
}));

let seq = 0;

async function load(): Promise<void> {
  const { flowId, mode, range } = useStatsTint.getState();
  if (!flowId || mode === 'none') return;
  const mine = ++seq;
  useStatsTint.setState({ status: 'loading', error: null });
  try {
    const stats = await statsApi.flow(flowId, range);
    if (mine !== seq) return;
    useStatsTint.setState({ status: 'ready', byNode: new Map(stats.nodes.map((n) => [n.nodeId, n])) });
  } catch (err) {
    if (mine === seq) useStatsTint.setState({ status: 'error', error: errorText(err), byNode: EMPTY });
  }
}

/** Another flow opened: no tint until one is chosen for it. */
export function tintFlow(flowId: string | null): void {
  if (useStatsTint.getState().flowId === flowId) return;
  seq++;
  useStatsTint.setState({ flowId, mode: 'none', status: 'idle', error: null, byNode: EMPTY });
}

export function setTint(mode: TintMode | 'none', range = useStatsTint.getState().range): void {
  useStatsTint.setState({ mode, range });
  if (mode === 'none') {
    seq++;
    useStatsTint.setState({ status: 'idle', byNode: EMPTY });
  } else void load();
}

/** What a card shows: its node's stats, `null` for no runs in the window, undefined when not tinted. */
export function useNodeTint(nodeId: string): { mode: TintMode; stats: NodeStats | null } | undefined {
  const mode = useStatsTint((s) => s.mode);
  const ready = useStatsTint((s) => s.status === 'ready');
  const stats = useStatsTint((s) => s.byNode.get(nodeId));
  if (mode === 'none' || !ready) return undefined;
  return { mode, stats: stats ?? null };
}
