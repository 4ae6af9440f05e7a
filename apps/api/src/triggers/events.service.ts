import { setImmediate as nextTurn } from 'node:timers/promises';
import { ForbiddenException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RunInput } from '@callflow/engine';
import { campaignIdOf, matchesTrigger } from '@callflow/flow';
import { DataSource, type QueryRunner } from 'typeorm';
import { countQueued } from '../executions/campaign-counts';
import { maxConcurrentRunsOf, type FlowRunJob } from '../queue/flow-runs.queue';
import { QueueService } from '../queue/queue.service';
import type { ApiKeyPrincipal } from '../access/principal';
import { PublishedFlowsService, type PublishedVersionRef } from '../flows/published-flows.service';
import { keyAllowsFlow } from './sync-flows.service';
import type { AcceptedEventDto } from './dto/trigger-answers.dto';
import type { EventDto } from './dto/event.dto';
import { parseEventBatch } from './event-batch';
import { claimAndEnqueue, runsDocument } from './event-enqueue';
import { uuidv7 } from '../platform/ids/uuid7';

const pairKey = (flowId: string, eventId: string) => `${flowId}|${eventId}`;

/**
 * `POST /events`: matches each event against the tenant's published event-triggered versions
 * and, in ONE transaction, records (event, flow) idempotency rows, inserts `queued` executions and
 * enqueues one job per new pair, so the work is durable before the 202: one statement for all of
 * that (event-enqueue.ts), one for the campaign counts, whatever the batch size. A repeated event
 * id for a flow is not run again; the answer lists the execution it started the first time.
 */
@Injectable()
export class EventsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly published: PublishedFlowsService,
    private readonly queue: QueueService,
  ) {}

  async accept(principal: ApiKeyPrincipal, body: unknown): Promise<{ accepted: AcceptedEventDto[] }> {
    const { tenantId } = principal;
    const flows = eventFlowsFor(principal, await this.published.eventTriggered(tenantId));
    const events = parseEventBatch(body);
    // A turn of the event loop between parsing and building (IVR calls on this process go on).
    await nextTurn();
    const acceptedAt = new Date().toISOString();

    // A repeated id within the batch is the same event: the first occurrence counts.
    const distinct = new Map<string, EventDto>();
    for (const e of events) if (!distinct.has(e.id)) distinct.set(e.id, e);
    const candidates: FlowRunJob[] = [];
    for (const e of distinct.values()) {
      const input = inputOf(e, acceptedAt);
      // Counted per campaign (campaign_counters); an event without one under ''.
      const campaignId = campaignIdOf(e) ?? '';
      for (const f of flows) {
        if (!matchesTrigger(f.triggerType, f.triggerConfig, e)) continue;
        // The run keeps the matched version's limit, as it keeps the version.
        const maxConcurrentRuns = maxConcurrentRunsOf(f.triggerConfig);
        candidates.push({
          executionId: uuidv7(),
          tenantId,
          flowId: f.flowId,
          versionId: f.versionId,
          version: f.version,
          trigger: 'event',
          eventId: e.id,
          retryOf: null,
          maxConcurrentRuns,
          input,
          campaignId,
        });
      }
    }

    const executionIds = new Map<string, string[]>();
    if (candidates.length > 0) {
      // Same lock order in every request: concurrent overlapping batches cannot deadlock.
      candidates.sort((a, b) =>
        a.flowId === b.flowId ? (a.eventId! < b.eventId! ? -1 : 1) : a.flowId < b.flowId ? -1 : 1,
      );
      const document = await runsDocument(candidates);
      await this.db.transaction(async (m) => {
        const tx = m.queryRunner!;
        const claimed = await claimAndEnqueue(tx, tenantId, document);
        const existing =
          claimed === candidates.length ? new Map<string, string>() : await this.existing(tx, tenantId, candidates);
        // Last: the campaign counter rows stay locked until the commit only (campaign-counts.ts).
        await countQueued(
          tx,
          tenantId,
          candidates.filter((c) => !existing.has(pairKey(c.flowId, c.eventId!))),
        );
        for (const c of candidates) {
          const id = existing.get(pairKey(c.flowId, c.eventId!)) ?? c.executionId;
          executionIds.set(c.eventId!, [...(executionIds.get(c.eventId!) ?? []), id]);
        }
      });
      this.queue.committed();
    }
    return { accepted: events.map((e) => ({ eventId: e.id, executionIds: executionIds.get(e.id) ?? [] })) };
  }

  /**
   * The execution ids of the pairs of `runs` that another request had claimed (claimAndEnqueue
   * inserted the others, with their runs' ids): read after the claim, which waited for such a
   * request to commit.
   */
  private async existing(tx: QueryRunner, tenantId: string, runs: FlowRunJob[]): Promise<Map<string, string>> {
    const rows: { flow_id: string; event_id: string; execution_id: string }[] = await tx.query(
      `SELECT r.flow_id, r.event_id, r.execution_id FROM event_runs r
       JOIN unnest($2::uuid[], $3::text[]) AS x(flow_id, event_id) ON r.flow_id = x.flow_id AND r.event_id = x.event_id
       WHERE r.tenant_id = $1`,
      [tenantId, runs.map((r) => r.flowId), runs.map((r) => r.eventId)],
    );
    const mine = new Set(runs.map((r) => r.executionId));
    const existing = new Map<string, string>();
    for (const r of rows) if (!mine.has(r.execution_id)) existing.set(pairKey(r.flow_id, r.event_id), r.execution_id);
    return existing;
  }
}

/**
 * The event-triggered flows an API key may start: all of the tenant's, or those its `flowKeys`
 * list. 403 when the list names none of them (a key made for one webhook starts no end-of-call flow).
 */
function eventFlowsFor(principal: ApiKeyPrincipal, flows: PublishedVersionRef[]): PublishedVersionRef[] {
  if (principal.flowKeys === null) return flows;
  const allowed = flows.filter((f) => keyAllowsFlow(principal, f.key));
  if (allowed.length === 0) {
    const listed = principal.flowKeys.map((k) => `"${k}"`).join(', ') || 'no flow';
    const why = 'none of them is a published end-of-call or campaign flow';
    throw new ForbiddenException(`this API key may trigger only ${listed}, and ${why}`);
  }
  return allowed;
}

/** The run input of an event: its call/contact/campaign parts, and `event` {type, id, at}. */
function inputOf(e: EventDto, acceptedAt: string): RunInput {
  const input: RunInput = { event: { type: e.type, id: e.id, at: e.at ?? acceptedAt } };
  if (e.call) input.call = e.call;
  if (e.contact) input.contact = e.contact;
  if (e.campaign) input.campaign = e.campaign;
  return input;
}
