import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { FlowStats, StatsRange } from '@callflow/flow';
import { FlowsService } from '../flows/flows.service';
import { statsOf, windowOf, type BucketRow } from './stats-window';

/**
 * A window's rollup rows summed per (node, bucket) in PostgreSQL, histograms too (as their non-zero
 * buckets): a few hundred rows per answer whatever the run rate. Reads the primary key's range
 * (tenant, flow, span, at).
 */
const READ = `WITH s AS (
    SELECT node_id, floor(extract(epoch FROM at) / $6)::bigint AS b, runs, errors, fallbacks, deadline_misses,
      max_ms, hist
    FROM flow_stats WHERE tenant_id = $1 AND flow_id = $2 AND span = $3 AND at >= $4 AND at < $5
  ), counts AS (
    SELECT node_id, b, sum(runs)::float8 AS runs, sum(errors)::float8 AS errors, sum(fallbacks)::float8 AS fallbacks,
      sum(deadline_misses)::float8 AS misses, max(max_ms) AS max_ms
    FROM s GROUP BY node_id, b
  ), bins AS (
    SELECT node_id, b, i, sum(n)::float8 AS n FROM s, unnest(s.hist) WITH ORDINALITY AS u(n, i)
    WHERE n > 0 GROUP BY node_id, b, i
  ), hists AS (
    SELECT node_id, b, array_agg(i::int ORDER BY i) AS idx, array_agg(n ORDER BY i) AS cnt FROM bins GROUP BY node_id, b
  )
  SELECT c.node_id, c.b, c.runs, c.errors, c.fallbacks, c.misses, c.max_ms, h.idx, h.cnt
  FROM counts c LEFT JOIN hists h USING (node_id, b)`;

/** Reads a flow's run statistics (flow_stats), within the caller's tenant. */
@Injectable()
export class FlowStatsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly flows: FlowsService,
  ) {}

  /** The flow's stats over the last hour, day or week; 404 for a flow not in the tenant. */
  async read(tenantId: string, flowId: string, range: StatsRange): Promise<FlowStats<Date>> {
    const flow = await this.flows.find(tenantId, flowId);
    const w = windowOf(range, Date.now());
    const rows: BucketRow[] = await this.db.query(READ, [tenantId, flowId, w.span, w.from, w.to, w.bucketSeconds]);
    return statsOf(flowId, flow.definition, w, rows);
  }
}
