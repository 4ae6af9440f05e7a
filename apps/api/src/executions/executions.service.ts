import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RunInput } from '@callflow/engine';
import type {
  ExecutionDetail as ExecutionDetailView,
  ExecutionSummary as ExecutionSummaryView,
  LatestRun,
} from '@callflow/flow';
import { decodeCursor, encodeCursor, UUID_RE } from '../platform/cursors/cursor';
import type { ExecutionEntity } from './execution.entity';
import type { ListExecutionsQuery } from './dto/list-executions.query';
import { genericQuery } from './generic-query';

/** A list item: everything but the input, output and steps (libs/flow/src/api/executions.ts). */
export type ExecutionSummary = ExecutionSummaryView<Date>;
/** The whole row (steps already redacted by the engine), without the tenant. */
export type ExecutionDetail = ExecutionDetailView<Date>;

const DEFAULT_LIMIT = 50;
const SUMMARY_COLUMNS = `id, flow_id, flow_version, trigger_type, status, event_id, call_id, phone,
  started_at, finished_at, duration_ms, error, retry_of,
  to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_ts`;

interface Row {
  id: string;
  flow_id: string | null;
  flow_version: number | null;
  trigger_type: ExecutionEntity['triggerType'];
  status: ExecutionEntity['status'];
  event_id: string | null;
  call_id: string | null;
  phone: string | null;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  error: ExecutionEntity['error'];
  retry_of: string | null;
  cursor_ts: string;
  input?: RunInput;
  output?: unknown;
  steps?: ExecutionEntity['steps'];
}

/** Reads executions, always within the caller's tenant. */
@Injectable()
export class ExecutionsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Newest first, keyset-paginated on (started_at, id). */
  async list(tenantId: string, q: ListExecutionsQuery): Promise<{ items: ExecutionSummary[]; nextCursor?: string }> {
    const limit = q.limit ?? DEFAULT_LIMIT;
    const params: unknown[] = [tenantId];
    const where = ['tenant_id = $1'];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.flowId) add('flow_id = ?', q.flowId);
    if (q.status) add('status = ?', q.status);
    if (q.triggerType) add('trigger_type = ?', q.triggerType);
    if (q.from) add('started_at >= ?::timestamptz', q.from);
    if (q.to) add('started_at < ?::timestamptz', q.to);
    if (q.callId) add('call_id = ?', q.callId);
    if (q.phone) add('phone = ?', q.phone);
    if (q.cursor) {
      const [ts, id] = decodeCursor(
        q.cursor,
        2,
        ([a, b]) => typeof a === 'string' && !Number.isNaN(Date.parse(a)) && typeof b === 'string' && UUID_RE.test(b),
      );
      params.push(ts, id);
      where.push(`(started_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    // Generic plan: planned once per session and filter set, not per call for every partition.
    const rows = await genericQuery<Row>(
      this.db,
      `SELECT ${SUMMARY_COLUMNS} FROM executions WHERE ${where.join(' AND ')} ` +
        `ORDER BY started_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(summary),
      ...(rows.length > limit && last ? { nextCursor: encodeCursor([last.cursor_ts, last.id]) } : {}),
    };
  }

  /**
   * Each flow's newest run, one index probe per flow (executions_tenant_flow_started_idx), however
   * many runs a flow has: the flows list shows it beside each flow.
   */
  async latestByFlow(tenantId: string, flowIds: string[]): Promise<{ items: LatestRun<Date>[] }> {
    const rows: { flow_id: string; id: string; status: LatestRun['status']; started_at: Date }[] = await this.db.query(
      `SELECT f.id AS flow_id, x.id, x.status, x.started_at
         FROM unnest($2::uuid[]) AS f(id)
         CROSS JOIN LATERAL (
           SELECT id, status, started_at FROM executions
            WHERE tenant_id = $1 AND flow_id = f.id ORDER BY started_at DESC LIMIT 1
         ) AS x`,
      [tenantId, [...new Set(flowIds)]],
    );
    return { items: rows.map((r) => ({ flowId: r.flow_id, id: r.id, status: r.status, startedAt: r.started_at })) };
  }

  async get(tenantId: string, id: string): Promise<ExecutionDetail> {
    const rows: Row[] = await this.db.query(
      `SELECT ${SUMMARY_COLUMNS}, input, output, steps FROM executions WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
    );
    const row = rows[0];
    if (!row) throw new NotFoundException('execution not found');
    return { ...summary(row), input: row.input ?? {}, output: row.output ?? null, steps: row.steps ?? [] };
  }
}

function summary(r: Row): ExecutionSummary {
  return {
    id: r.id,
    flowId: r.flow_id,
    flowVersion: r.flow_version,
    triggerType: r.trigger_type,
    status: r.status,
    eventId: r.event_id,
    callId: r.call_id,
    phone: r.phone,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    error: r.error,
    retryOf: r.retry_of,
  };
}
