import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  CampaignCounts,
  CampaignDetail,
  CampaignFailureGroup,
  CampaignFlowProgress,
  CampaignList,
  CampaignProgress,
} from '@callflow/flow';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { campaignNotFound } from './campaign-errors';
import { CampaignFeed } from './campaign-feed.service';
import { PaceMeter } from './campaign-pace';

/** Most counter rows a list reads (a tenant's campaigns × their flows), latest activity first. */
const LIST_LIMIT = 1000;

const COUNTER_COLUMNS = `c.campaign_id, c.flow_id, c.accepted, c.retried, c.queued, c.running, c.succeeded, c.failed,
  c.created_at, c.updated_at, f.name AS flow_name, f.key AS flow_key`;
const FLOW_JOIN = `LEFT JOIN flows f ON f.id = c.flow_id AND f.tenant_id = c.tenant_id`;

interface CounterRow {
  campaign_id: string;
  flow_id: string;
  accepted: string;
  retried: string;
  queued: string;
  running: string;
  succeeded: string;
  failed: string;
  created_at: Date;
  updated_at: Date;
  flow_name: string | null;
  flow_key: string | null;
}

interface FailureRow {
  flow_id: string;
  code: string;
  failed: string;
  example_id: string | null;
  message: string | null;
  flow_name: string | null;
}

export type CampaignDetailView = CampaignDetail<Date>;
export type CampaignListView = CampaignList<Date>;
type FlowView = CampaignFlowProgress<Date>;

/**
 * Reads campaign progress from the counters (campaign_counters, campaign_failures, campaign_pauses:
 * a few rows per campaign, whatever its size), always within the caller's tenant, with each
 * campaign's and flow's pace as this process measures it (campaign-pace.ts).
 */
@Injectable()
export class CampaignProgressService {
  private readonly pace = new PaceMeter();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly feed: CampaignFeed,
  ) {}

  /** GET /campaigns: the list as JSON, or as `campaigns` events while it changes (campaign-feed.service.ts). */
  watchList(tenantId: string, req: Request, res: Response): Promise<void> {
    return this.feed.serve(req, res, `list\u0000${tenantId}`, 'campaigns', () => this.list(tenantId));
  }

  /** GET /campaigns/:campaignId: the campaign as JSON, or as `progress` events (404 before any). */
  watchDetail(tenantId: string, campaignId: string, req: Request, res: Response): Promise<void> {
    const key = `detail\u0000${tenantId}\u0000${campaignId}`;
    return this.feed.serve(req, res, key, 'progress', () => this.detail(tenantId, campaignId));
  }

  /** The tenant's campaigns (latest activity first) and its event-triggered flows over all of them. */
  async list(tenantId: string): Promise<CampaignListView> {
    const [rows, pauses] = await Promise.all([
      this.db.query(
        `SELECT ${COUNTER_COLUMNS} FROM campaign_counters c ${FLOW_JOIN}
         WHERE c.tenant_id = $1 ORDER BY c.updated_at DESC LIMIT ${LIST_LIMIT}`,
        [tenantId],
      ) as Promise<CounterRow[]>,
      this.pauses(tenantId),
    ]);
    const byCampaign = new Map<string, CounterRow[]>();
    const byFlow = new Map<string, CounterRow[]>();
    for (const r of rows) {
      if (r.campaign_id !== '') push(byCampaign, r.campaign_id, r);
      push(byFlow, r.flow_id, r);
    }
    const items = [...byCampaign].map(([id, list]) => this.campaign(tenantId, id, list, pauses.get(id) ?? null));
    const flows = [...byFlow.values()].map((list) => {
      const first = list[0]!;
      const merged = {
        ...first,
        ...countsRow(sum(list.map(counts))),
        created_at: earliest(list),
        updated_at: latest(list),
      };
      return this.flow(`${tenantId}//${first.flow_id}`, merged, false);
    });
    return { items, flows };
  }

  /** One campaign with its flows and failure groups; 404 when the tenant has no such campaign. */
  async detail(tenantId: string, campaignId: string): Promise<CampaignDetailView> {
    const [rows, failures, pauses] = await Promise.all([
      this.db.query(
        `SELECT ${COUNTER_COLUMNS} FROM campaign_counters c ${FLOW_JOIN}
         WHERE c.tenant_id = $1 AND c.campaign_id = $2 ORDER BY f.name, c.flow_id`,
        [tenantId, campaignId],
      ) as Promise<CounterRow[]>,
      this.db.query(
        `SELECT g.flow_id, g.code, g.failed, g.example_id, e.error->>'message' AS message, f.name AS flow_name
         FROM campaign_failures g
         LEFT JOIN executions e ON e.id = g.example_id AND e.tenant_id = g.tenant_id
         LEFT JOIN flows f ON f.id = g.flow_id AND f.tenant_id = g.tenant_id
         WHERE g.tenant_id = $1 AND g.campaign_id = $2 AND g.failed > 0
         ORDER BY g.failed DESC, g.code, g.flow_id`,
        [tenantId, campaignId],
      ) as Promise<FailureRow[]>,
      this.pauses(tenantId, campaignId),
    ]);
    if (rows.length === 0 || campaignId === '') throw campaignNotFound(campaignId);
    return {
      ...this.campaign(tenantId, campaignId, rows, pauses.get(campaignId) ?? null),
      failures: failures.map(failureGroup),
    };
  }

  /** True when the tenant has runs of this campaign (retry-all, pause and resume act on known campaigns only). */
  async exists(tenantId: string, campaignId: string): Promise<boolean> {
    if (campaignId === '') return false;
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM campaign_counters WHERE tenant_id = $1 AND campaign_id = $2 LIMIT 1`,
      [tenantId, campaignId],
    );
    return rows.length > 0;
  }

  private async pauses(tenantId: string, campaignId?: string): Promise<Map<string, Date>> {
    const rows: { campaign_id: string; paused_at: Date }[] = await this.db.query(
      `SELECT campaign_id, paused_at FROM campaign_pauses
       WHERE tenant_id = $1 AND ($2::text IS NULL OR campaign_id = $2)`,
      [tenantId, campaignId ?? null],
    );
    return new Map(rows.map((r) => [r.campaign_id, r.paused_at]));
  }

  private campaign(tenantId: string, id: string, rows: CounterRow[], pausedAt: Date | null): CampaignProgress<Date> {
    const key = `${tenantId}/${id}`;
    const paused = pausedAt !== null;
    const flows = rows.map((r) => this.flow(`${key}/${r.flow_id}`, r, paused));
    const total = sum(rows.map(counts));
    return {
      campaignId: id,
      paused,
      pausedAt,
      ...total,
      ...this.pace.read(key, total.succeeded + total.failed, total.queued + total.running, paused),
      startedAt: earliest(rows),
      updatedAt: latest(rows),
      flows,
    };
  }

  private flow(key: string, r: CounterRow, paused: boolean): FlowView {
    const c = counts(r);
    return {
      flowId: r.flow_id,
      flowName: r.flow_name,
      flowKey: r.flow_key,
      ...c,
      ...this.pace.read(key, c.succeeded + c.failed, c.queued + c.running, paused),
      startedAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }
}

function counts(r: CounterRow): CampaignCounts {
  return {
    accepted: Number(r.accepted),
    retried: Number(r.retried),
    queued: Number(r.queued),
    running: Number(r.running),
    succeeded: Number(r.succeeded),
    failed: Number(r.failed),
  };
}

function countsRow(c: CampaignCounts): Pick<CounterRow, keyof CampaignCounts> {
  return {
    accepted: String(c.accepted),
    retried: String(c.retried),
    queued: String(c.queued),
    running: String(c.running),
    succeeded: String(c.succeeded),
    failed: String(c.failed),
  };
}

function sum(list: CampaignCounts[]): CampaignCounts {
  const total: CampaignCounts = { accepted: 0, retried: 0, queued: 0, running: 0, succeeded: 0, failed: 0 };
  for (const c of list) for (const k of Object.keys(total) as (keyof CampaignCounts)[]) total[k] += c[k];
  return total;
}

function earliest(rows: CounterRow[]): Date {
  return new Date(Math.min(...rows.map((r) => r.created_at.getTime())));
}

function latest(rows: CounterRow[]): Date {
  return new Date(Math.max(...rows.map((r) => r.updated_at.getTime())));
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function failureGroup(r: FailureRow): CampaignFailureGroup {
  return {
    flowId: r.flow_id,
    flowName: r.flow_name,
    code: r.code,
    count: Number(r.failed),
    example: r.example_id ? { executionId: r.example_id, message: r.message } : null,
  };
}
