import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RunInput } from '@callflow/engine';
import type { CampaignRetryRequest, CampaignRetryResult } from '@callflow/flow';
import { DataSource, type QueryRunner } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { countQueued, markRetried } from '../executions/campaign-counts';
import { PublishedFlowsService, type PublishedFlow } from '../flows/published-flows.service';
import { rowsOn } from '../platform/database/raw-rows';
import { uuidv7 } from '../platform/ids/uuid7';
import { maxConcurrentRunsOf, type FlowRunJob } from '../queue/flow-runs.queue';
import { QueueService } from '../queue/queue.service';
import { campaignNotFound, retryRequestReused } from './campaign-errors';
import { CampaignProgressService } from './campaign-progress.service';

/** Runs read and queued per statement (a campaign may have 100,000 failed runs). */
const CHUNK = 1000;

/**
 * The campaign's failed (and timed-out) runs not retried yet, locked, in id order (two retry-alls
 * lock in the same order; the second then skips what the first retried). `campaign_id > ''` lets
 * the planner use the campaign index (its predicate) whatever the parameter.
 */
const TARGETS_SQL = `
  SELECT id, flow_id FROM executions
  WHERE tenant_id = $1 AND campaign_id = $2 AND campaign_id > ''
    AND status IN ('failed', 'timeout') AND retried_by IS NULL
    AND ($3::uuid IS NULL OR flow_id = $3) AND ($4::text IS NULL OR coalesce(error->>'code', 'UNKNOWN') = $4)
  ORDER BY id FOR UPDATE`;

type Body = Pick<CampaignRetryRequest, 'requestId' | 'flowId' | 'code'>;
/** A queued retry, as far as counting it goes. */
type QueuedRetry = Pick<FlowRunJob, 'executionId' | 'flowId' | 'trigger' | 'campaignId'> & { retryOf: string };

/**
 * Retry-all: queues a retry of every failed run of a campaign (or of one flow, or one error code)
 * in one transaction, each on its flow's currently published version, as the single retry does
 * (runs/retry.service.ts). Idempotent as events are: the caller names the action with a request id,
 * recorded first (a concurrent repeat waits for the first to commit, then answers what it did,
 * `repeated: true`); and each failed run is retried at most once (`retried_by`, set under the row
 * lock), so a second action with a new id queues only what failed since.
 */
@Injectable()
export class CampaignRetryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly progress: CampaignProgressService,
    private readonly published: PublishedFlowsService,
    private readonly queue: QueueService,
    private readonly audit: AuditService,
  ) {}

  async retryAll(tenantId: string, userId: string, campaignId: string, body: Body): Promise<CampaignRetryResult> {
    if (!(await this.progress.exists(tenantId, campaignId))) throw campaignNotFound(campaignId);
    const flowId = body.flowId ?? null;
    const code = body.code ?? null;
    const result = await this.db.transaction(async (m) => {
      const tx = m.queryRunner!;
      const sql = rowsOn(tx);
      const claimed = await sql(
        `INSERT INTO campaign_retries (tenant_id, campaign_id, request_id, flow_id, code, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING request_id`,
        [tenantId, campaignId, body.requestId, flowId, code, userId],
      );
      if (claimed.length === 0) {
        const [first] = await sql<{ flow_id: string | null; code: string | null; queued: number; skipped: number }>(
          `SELECT flow_id, code, queued, skipped FROM campaign_retries
           WHERE tenant_id = $1 AND campaign_id = $2 AND request_id = $3`,
          [tenantId, campaignId, body.requestId],
        );
        if (first!.flow_id !== flowId || first!.code !== code) throw retryRequestReused(body.requestId);
        return { requestId: body.requestId, queued: first!.queued, skipped: first!.skipped, repeated: true };
      }
      const targets = await sql<{ id: string; flow_id: string }>(TARGETS_SQL, [tenantId, campaignId, flowId, code]);
      const versions = await this.versionsOf(tenantId, targets);
      const runnable = targets.filter((r) => versions.get(r.flow_id));
      const jobs: QueuedRetry[] = [];
      for (let i = 0; i < runnable.length; i += CHUNK)
        jobs.push(...(await this.queueChunk(tx, tenantId, campaignId, runnable.slice(i, i + CHUNK), versions)));
      // Last, as every counter writer: the counter rows stay locked until the commit only.
      await markRetried(
        tx,
        tenantId,
        jobs.map((j) => ({ id: j.retryOf, retryId: j.executionId })),
      );
      await countQueued(tx, tenantId, jobs);
      const skipped = targets.length - runnable.length;
      await sql(
        `UPDATE campaign_retries SET queued = $4, skipped = $5
         WHERE tenant_id = $1 AND campaign_id = $2 AND request_id = $3`,
        [tenantId, campaignId, body.requestId, jobs.length, skipped],
      );
      const details = { requestId: body.requestId, flowId, code, queued: jobs.length, skipped };
      const entry = { tenantId, actorUserId: userId, targetType: 'campaign', targetId: campaignId, details };
      await this.audit.record({ ...entry, action: 'campaign.retried' }, m);
      return { requestId: body.requestId, queued: jobs.length, skipped, repeated: false };
    });
    if (result.queued > 0 && !result.repeated) this.queue.committed();
    return result;
  }

  /** The version each flow's retries run: the one published now (null: not published, its runs are skipped). */
  private async versionsOf(
    tenantId: string,
    targets: { flow_id: string }[],
  ): Promise<Map<string, PublishedFlow | null>> {
    const versions = new Map<string, PublishedFlow | null>();
    for (const flowId of new Set(targets.map((t) => t.flow_id)))
      versions.set(flowId, await this.published.currentByFlowId(tenantId, flowId));
    return versions;
  }

  /** Queues the retries of one chunk of locked runs (rows and jobs; counted by the caller). */
  private async queueChunk(
    tx: QueryRunner,
    tenantId: string,
    campaignId: string,
    chunk: { id: string; flow_id: string }[],
    versions: Map<string, PublishedFlow | null>,
  ): Promise<QueuedRetry[]> {
    const rows = await rowsOn(tx)<{ id: string; flow_id: string; input: RunInput; event_id: string | null }>(
      `SELECT id, flow_id, input, event_id FROM executions WHERE tenant_id = $1 AND id = ANY($2::uuid[]) ORDER BY id`,
      [tenantId, chunk.map((r) => r.id)],
    );
    const jobs = rows.map((old): FlowRunJob => {
      const flow = versions.get(old.flow_id)!;
      return {
        executionId: uuidv7(),
        tenantId,
        flowId: flow.flowId,
        versionId: flow.versionId,
        version: flow.version,
        trigger: 'retry',
        eventId: old.event_id,
        retryOf: old.id,
        maxConcurrentRuns: maxConcurrentRunsOf(flow.triggerConfig),
        input: old.input,
        campaignId,
      };
    });
    await this.queue.insertRuns(tx, tenantId, jobs);
    // Only what the counting needs is kept (not 100,000 inputs).
    return jobs.map((j) => ({
      executionId: j.executionId,
      retryOf: j.retryOf!,
      flowId: j.flowId,
      trigger: j.trigger,
      campaignId,
    }));
  }
}
