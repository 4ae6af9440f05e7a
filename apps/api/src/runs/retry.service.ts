import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RunInput } from '@callflow/engine';
import { DataSource } from 'typeorm';
import { maxConcurrentRunsOf } from '../queue/flow-runs.queue';
import { QueueService } from '../queue/queue.service';
import { PublishedFlowsService } from '../flows/published-flows.service';
import { rowsOn } from '../platform/database/raw-rows';
import { uuidv7 } from '../platform/ids/uuid7';

const RETRYABLE = ['failed', 'timeout'];

interface OldRun {
  id: string;
  flow_id: string | null;
  status: string;
  input: RunInput;
  event_id: string | null;
  campaign_id: string | null;
}

/**
 * Re-runs a failed or timed-out execution with the same input on the flow's CURRENTLY published
 * version (a fix published since is what an admin retries for), as a new execution with
 * `retry_of` = the old one. Every retry is queued (durable, answered 202 at once), whatever
 * triggered the original: its caller is long gone. A campaign run's retry counts in its campaign,
 * and the old run is marked retried (leaving the campaign's failed runs) unless it was already.
 */
@Injectable()
export class RetryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly published: PublishedFlowsService,
    private readonly queue: QueueService,
  ) {}

  async retry(tenantId: string, executionId: string): Promise<{ executionId: string }> {
    const id = uuidv7();
    await this.db.transaction(async (m) => {
      const tx = m.queryRunner!;
      // Locked first: the campaign counters are written last (see QueueService.enqueue).
      const [old] = await rowsOn(tx)<OldRun>(
        `SELECT id, flow_id, status, input, event_id, campaign_id FROM executions
         WHERE id = $1 AND tenant_id = $2 FOR UPDATE`,
        [executionId, tenantId],
      );
      if (!old) throw new NotFoundException('execution not found');
      if (!RETRYABLE.includes(old.status))
        throw new ConflictException(`only failed or timed-out executions can be retried; this one is ${old.status}`);
      if (!old.flow_id)
        throw new ConflictException('a test run of an unsaved draft cannot be retried; run it again from the editor');
      const flow = await this.published.currentByFlowId(tenantId, old.flow_id);
      if (!flow) throw new ConflictException('the flow is not published (or was deleted); publish it to retry');
      await this.queue.enqueue(
        tx,
        tenantId,
        [
          {
            executionId: id,
            tenantId,
            flowId: flow.flowId,
            versionId: flow.versionId,
            version: flow.version,
            trigger: 'retry',
            eventId: old.event_id,
            retryOf: old.id,
            // The limit of the version the retry runs (the current one).
            maxConcurrentRuns: maxConcurrentRunsOf(flow.triggerConfig),
            input: old.input,
            campaignId: old.campaign_id,
          },
        ],
        old.campaign_id === null ? [] : [{ id: old.id, retryId: id }],
      );
    });
    this.queue.committed();
    return { executionId: id };
  }
}
