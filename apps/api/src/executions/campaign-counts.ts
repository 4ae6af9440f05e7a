/**
 * The writes of campaign counters that are not the executions trigger's (migration
 * 1763800000000-campaign-progress): counting `queued` rows as they are inserted, and marking failed
 * runs as retried (the trigger then takes them out of the counts). Both run in the caller's
 * transaction; call them after the transaction's other writes, so the counter rows stay locked only
 * until its commit (every worker finishing a run of the campaign waits on them).
 */
import type { QueryRunner } from 'typeorm';
import { rowsOn } from '../platform/database/raw-rows';
import type { QueuedRun } from './execution-writer.service';

/** Adds queued runs of each (campaign, flow) to its counters, in key order (the trigger's too). */
const COUNT_QUEUED = `
  INSERT INTO campaign_counters AS c (tenant_id, campaign_id, flow_id, accepted, retried, queued)
  SELECT $1::uuid, x.campaign_id, x.flow_id, x.accepted, x.retried, x.queued
  FROM unnest($2::text[], $3::uuid[], $4::int[], $5::int[], $6::int[])
    AS x(campaign_id, flow_id, accepted, retried, queued)
  ORDER BY x.campaign_id, x.flow_id
  ON CONFLICT (tenant_id, campaign_id, flow_id) DO UPDATE SET
    accepted = c.accepted + EXCLUDED.accepted,
    retried = c.retried + EXCLUDED.retried,
    queued = c.queued + EXCLUDED.queued,
    updated_at = now()`;

/**
 * Points failed runs at their retries; a run already retried keeps its first retry. The trigger
 * moves each newly marked run out of its counts. Returns the ids that were marked.
 */
const MARK_RETRIED = `
  UPDATE executions e SET retried_by = x.retry_id
  FROM unnest($2::uuid[], $3::uuid[]) AS x(id, retry_id)
  WHERE e.id = x.id AND e.tenant_id = $1 AND e.retried_by IS NULL
  RETURNING e.id`;

/** Counts the queued rows of `runs` that belong to a campaign (campaignId set), one statement. */
export async function countQueued(
  tx: QueryRunner,
  tenantId: string,
  runs: readonly Pick<QueuedRun, 'campaignId' | 'flowId' | 'trigger'>[],
): Promise<void> {
  const groups = new Map<
    string,
    { campaignId: string; flowId: string; accepted: number; retried: number; n: number }
  >();
  for (const r of runs) {
    if (r.campaignId === null || r.campaignId === undefined) continue;
    const key = `${r.flowId}\u0000${r.campaignId}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { campaignId: r.campaignId, flowId: r.flowId, accepted: 0, retried: 0, n: 0 }));
    g.n++;
    if (r.trigger === 'event') g.accepted++;
    else if (r.trigger === 'retry') g.retried++;
  }
  if (groups.size === 0) return;
  const list = [...groups.values()];
  await tx.query(COUNT_QUEUED, [
    tenantId,
    list.map((g) => g.campaignId),
    list.map((g) => g.flowId),
    list.map((g) => g.accepted),
    list.map((g) => g.retried),
    list.map((g) => g.n),
  ]);
}

/** Marks each `pairs[i].id` as retried by `pairs[i].retryId` (unless it was already); returns the ids marked. */
export async function markRetried(
  tx: QueryRunner,
  tenantId: string,
  pairs: readonly { id: string; retryId: string }[],
): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const rows = await rowsOn(tx)<{ id: string }>(MARK_RETRIED, [
    tenantId,
    pairs.map((p) => p.id),
    pairs.map((p) => p.retryId),
  ]);
  return new Set(rows.map((r) => r.id));
}
