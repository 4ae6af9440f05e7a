import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RunInput } from '@callflow/engine';
import { DataSource } from 'typeorm';
import { maxConcurrentRunsOf } from '../queue/flow-runs.queue';
import { QueueService } from '../queue/queue.service';
import { PublishedFlowsService } from '../flows/published-flows.service';
import { uuidv7 } from '../platform/ids/uuid7';

const RETRYABLE = ['failed', 'timeout'];

/**
 * Re-runs a failed or timed-out execution with the same input on the flow's CURRENTLY published
 * version (a fix published since is what an admin retries for), as a new execution with
 * `retry_of` = the old one. Every retry is queued (durable, answered 202 at once), whatever
 * triggered the original: its caller is long gone.
 */
@Injectable()
export class RetryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly published: PublishedFlowsService,
    private readonly queue: QueueService,
  ) {}

  async retry(tenantId: string, executionId: string): Promise<{ executionId: string }> {
    const rows: { id: string; flow_id: string | null; status: string; input: RunInput; event_id: string | null }[] =
      await this.db.query(
        'SELECT id, flow_id, status, input, event_id FROM executions WHERE id = $1 AND tenant_id = $2',
        [executionId, tenantId],
      );
    const old = rows[0];
    if (!old) throw new NotFoundException('execution not found');
    if (!RETRYABLE.includes(old.status))
      throw new ConflictException(`only failed or timed-out executions can be retried; this one is ${old.status}`);
    if (!old.flow_id)
      throw new ConflictException('a test run of an unsaved draft cannot be retried; run it again from the editor');
    const flow = await this.published.currentByFlowId(tenantId, old.flow_id);
    if (!flow) throw new ConflictException('the flow is not published (or was deleted); publish it to retry');
    const id = uuidv7();
    await this.db.transaction((m) =>
      this.queue.enqueue(m.queryRunner!, tenantId, [
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
        },
      ]),
    );
    this.queue.committed();
    return { executionId: id };
  }
}
