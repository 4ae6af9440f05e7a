/**
 * IVR timing: the worst time a synchronous trigger can wait for its answer, from the request
 * nodes' timeouts and retries on the slowest path to the first respond node. The IVR gives up at
 * `deadlineMs` and plays the fallback, so a path slower than that is worth a warning.
 */
import { getNodeSpec, respondNode } from '@callflow/flow';
import { t } from '../i18n/i18n';
import { msValue } from '../i18n/node-text';
import type { EditorEdge, EditorNode } from './convert';

export interface TimingStep {
  nodeId: string;
  name: string;
  ms: number;
  detail: string;
}

export interface TimingBudget {
  deadlineMs: number;
  /** Worst case until a respond node answers; null when no respond node is reachable. */
  worstMs: number | null;
  /** The slowest path's request nodes. */
  path: TimingStep[];
}

const DEFAULT_TIMEOUT = 10_000;
/** A trigger's answer deadline when neither its config nor its spec sets one. */
const DEFAULT_DEADLINE = 10_000;

/** The answer deadline of a trigger node: its config's `deadlineMs`, else its spec's default. */
export function triggerDeadlineMs(trigger: EditorNode): number {
  const own = (trigger.data.config as { deadlineMs?: unknown }).deadlineMs;
  if (typeof own === 'number') return own;
  return getNodeSpec(trigger.type ?? '')?.trigger?.deadlineMs ?? DEFAULT_DEADLINE;
}

/** Worst-case time a request node can take (every attempt timing out, plus the backoff delays). */
export function requestWorstMs(config: Record<string, unknown>): { ms: number; detail: string } {
  const timeout = typeof config.timeoutMs === 'number' ? config.timeoutMs : DEFAULT_TIMEOUT;
  const retry = (config.retry ?? {}) as { attempts?: number; backoffMs?: number };
  const attempts = typeof retry.attempts === 'number' && retry.attempts >= 1 ? Math.floor(retry.attempts) : 1;
  const backoff = typeof retry.backoffMs === 'number' ? retry.backoffMs : 500;
  const delays = backoff * (2 ** (attempts - 1) - 1);
  const ms = timeout * attempts + delays;
  const values = { attempts, timeout: msValue(timeout), delays: msValue(delays) };
  const detail = attempts > 1 ? t('editor.timing.retries', values) : t('editor.timing.timeout', values);
  return { ms, detail };
}

export function timingBudget(nodes: readonly EditorNode[], edges: readonly EditorEdge[]): TimingBudget | null {
  const trigger = nodes.find((n) => getNodeSpec(n.type ?? '')?.trigger?.mode === 'sync');
  if (!trigger) return null;
  const deadlineMs = triggerDeadlineMs(trigger);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out = new Map<string, string[]>();
  for (const e of edges) (out.get(e.source) ?? out.set(e.source, []).get(e.source)!).push(e.target);

  const memo = new Map<string, { ms: number; path: TimingStep[] } | null>();
  const visiting = new Set<string>();
  const worst = (id: string): { ms: number; path: TimingStep[] } | null => {
    if (memo.has(id)) return memo.get(id)!;
    if (visiting.has(id)) return null; // a cycle: the validator reports it
    visiting.add(id);
    const node = byId.get(id);
    let result: { ms: number; path: TimingStep[] } | null = null;
    if (node) {
      const spec = getNodeSpec(node.type ?? '');
      let own: TimingStep | null = null;
      if (spec?.category === 'request') {
        const w = requestWorstMs(node.data.config);
        own = { nodeId: id, name: node.data.name, ms: w.ms, detail: w.detail };
      }
      if (node.type === respondNode.type) result = { ms: own?.ms ?? 0, path: own ? [own] : [] };
      else {
        for (const next of out.get(id) ?? []) {
          const r = worst(next);
          if (r && (!result || r.ms > result.ms)) result = r;
        }
        if (result && own) result = { ms: result.ms + own.ms, path: [own, ...result.path] };
      }
    }
    visiting.delete(id);
    memo.set(id, result);
    return result;
  };
  const r = worst(trigger.id);
  return { deadlineMs, worstMs: r ? r.ms : null, path: r?.path ?? [] };
}
