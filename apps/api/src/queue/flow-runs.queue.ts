import type { RunInput } from '@callflow/engine';
import type { AppConfig } from '../platform/config/app-config';

/** The pg-boss queue of event-triggered and retried runs. */
export const FLOW_RUNS_QUEUE = 'flow-runs';
/** pg-boss keeps its tables in this schema of the application database. */
export const QUEUE_SCHEMA = 'pgboss';

/**
 * One queued run. The job id is the execution id, and the data names the exact version that
 * matched when the event was accepted (a later publish does not change what a queued run runs).
 */
export interface FlowRunJob {
  executionId: string;
  tenantId: string;
  flowId: string;
  versionId: string;
  version: number;
  trigger: 'event' | 'retry';
  eventId: string | null;
  retryOf: string | null;
  /**
   * The matched version's `maxConcurrentRuns` (null: no limit): at most this many jobs of the flow
   * are active at once, across every worker process (limited-fetch.ts). Jobs queued before the
   * field existed lack it and count as unlimited.
   */
  maxConcurrentRuns: number | null;
  input: RunInput;
  /**
   * The campaign the run is counted under (campaign_counters): the event's campaign id, `''` for an
   * event without one, the retried run's for a retry; null or absent (jobs queued before campaign
   * progress, retries of IVR or webhook runs): not counted, never paused.
   */
  campaignId?: string | null;
}

/** The per-flow run limit set on an event trigger's config (`maxConcurrentRuns`), or null for none. */
export function maxConcurrentRunsOf(triggerConfig: Record<string, unknown>): number | null {
  const n = triggerConfig.maxConcurrentRuns;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : null;
}

/**
 * Seconds after which an active job whose worker died is retried (QUEUE_EXPIRE_SECONDS, default run
 * deadline + 30 s).
 */
export function queueExpireSeconds(config: AppConfig): number {
  return config.QUEUE_EXPIRE_SECONDS ?? Math.ceil(config.RUN_DEADLINE_MS / 1000) + 30;
}

/** How often pg-boss maintenance (which expires such jobs) runs: a quarter of the expiry, between 1 s and 60 s. */
export function queueMaintenanceSeconds(config: AppConfig): number {
  return Math.min(60, Math.max(1, Math.floor(queueExpireSeconds(config) / 4)));
}
