/**
 * The setting of the campaign-progress benchmark (bench/progress.bench.ts): a PostgreSQL with the
 * migrated schema and the pg-boss queue as the API makes them, filled with N executions, and the
 * API's own pieces (queue, writer, fetch, progress reads) driven in-process against it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { CampaignProgressService } from '../apps/api/src/campaigns/campaign-progress.service';
import type { CampaignFeed } from '../apps/api/src/campaigns/campaign-feed.service';
import { dataSourceOptions } from '../apps/api/src/database/data-source';
import { migrate } from '../apps/api/src/database/migrate';
import { ExecutionWriter } from '../apps/api/src/executions/execution-writer.service';
import type { AppConfig } from '../apps/api/src/platform/config/app-config';
import type { MetricsService } from '../apps/api/src/platform/metrics/metrics.service';
import { QueueService } from '../apps/api/src/queue/queue.service';
import { postgresPids } from './cpu';
import { startPgServer, type PgServer } from './pg-server';
import { ROOT } from './processes';

/** The campaign every refresh reads: a fifth of the executions. */
export const BIG = 'big';
/** The other campaigns of the fill, 7.5 % of the executions each; the other half are IVR runs. */
const OTHERS = ['c1', 'c2', 'c3', 'c4'];
const FILL_CHUNK = 100_000;

/** One step record of an http node, as a run's `steps` holds it (~0.6 KB). */
const STEPS = JSON.stringify([
  {
    seq: 1,
    nodeId: 't',
    name: 'campaign',
    type: 'trigger.campaign',
    status: 'succeeded',
    startedAt: '2026-12-06T08:00:00.000Z',
    durationMs: 0,
  },
  {
    seq: 2,
    nodeId: 'h',
    name: 'crm',
    type: 'http',
    status: 'succeeded',
    handle: 'success',
    startedAt: '2026-12-06T08:00:00.001Z',
    durationMs: 11,
    attempts: 1,
    request: {
      method: 'POST',
      url: 'http://127.0.0.1:9000/contacts',
      headers: { 'content-type': 'application/json' },
      body: '{"phone":"+15550100","name":"Ada","campaign":"big"}',
    },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: { ok: true, id: 'k-1' } },
  },
]);

export interface ProgressSetting {
  pg: PgServer;
  db: DataSource;
  queue: QueueService;
  writer: ExecutionWriter;
  progress: CampaignProgressService;
  tenantId: string;
  /** The flow of the fill (campaign runs), and the flow the per-run phases queue. */
  fillFlow: string;
  runFlow: string;
  /**
   * The postgres backends serving client connections (the statements' own CPU): autovacuum, the
   * checkpointer and the WAL writer work later and in bursts, and would only add their noise.
   */
  pgPids(): number[];
  close(): Promise<void>;
}

/** PostgreSQL in .data/bench-progress (wiped), migrated, with the flow-runs queue and its indexes. */
export async function startSetting(log: (m: string) => void): Promise<ProgressSetting> {
  const dir = path.join(ROOT, '.data/bench-progress');
  const pg = await startPgServer(dir, { log });
  await migrate(pg.url);
  const db = new DataSource(dataSourceOptions(pg.url));
  await db.initialize();
  const config = {
    ROLE: 'api',
    EVENT_RETRY_LIMIT: 3,
    EVENT_RETRY_DELAY_SECONDS: 2,
    RUN_DEADLINE_MS: 60_000,
    EXECUTIONS_RETENTION_DAYS: 14,
  } as AppConfig;
  const writer = new ExecutionWriter(db);
  const metrics = { queueDepth: { set: () => undefined } } as unknown as MetricsService;
  const queue = new QueueService(config, db, metrics, writer);
  await queue.onModuleInit();
  const progress = new CampaignProgressService(db, {} as CampaignFeed);
  const [{ id: tenantId }] = await db.query(`INSERT INTO tenants (name) VALUES ('bench') RETURNING id`);
  const flow = async (key: string) =>
    (
      await db.query(`INSERT INTO flows (tenant_id, key, name, definition) VALUES ($1, $2, $2, '{}') RETURNING id`, [
        tenantId,
        key,
      ])
    )[0].id as string;
  const fillFlow = await flow('dialer');
  const runFlow = await flow('bench-runs');
  return {
    pg,
    db,
    queue,
    writer,
    progress,
    tenantId,
    fillFlow,
    runFlow,
    pgPids: () => postgresPids(path.join(dir, 'pg')).filter(isClientBackend),
    close: async () => {
      await queue.onApplicationShutdown();
      await writer.onApplicationShutdown();
      await db.destroy();
      await pg.close();
    },
  };
}

/** `postgres: <user> <db> <host>(<port>) <state>`: a backend serving a client connection. */
function isClientBackend(pid: number): boolean {
  try {
    return /^postgres: \S+ \S+ \S+\(\d+\)/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Fills executions with `n` rows as a busy site has them: half IVR runs (no campaign), half runs of
 * campaign flows (BIG a fifth of all, four others), 90 % succeeded, 8 % failed with two error
 * codes, 2 % still queued; then the counters as the inserts and the trigger would have kept them
 * (one GROUP BY here, instead of counting each row as it moved).
 */
export async function fill(s: ProgressSetting, n: number, log: (m: string) => void): Promise<void> {
  const campaign = `CASE WHEN g % 10 < 4 THEN '${BIG}' ELSE (ARRAY['${OTHERS.join("','")}'])[(g / 2) % 4 + 1] END`;
  for (let from = 0; from < n; from += FILL_CHUNK) {
    const to = Math.min(n, from + FILL_CHUNK) - 1;
    await s.db.query(
      `INSERT INTO executions (id, tenant_id, flow_id, flow_version, trigger_type, status, event_id, call_id, phone,
         input, output, error, steps, campaign_id, started_at, finished_at, duration_ms)
       SELECT gen_random_uuid(), $1, $2, 1,
         CASE WHEN g % 2 = 0 THEN 'event' ELSE 'ivr' END,
         CASE WHEN g % 50 = 0 THEN 'queued' WHEN g % 25 < 2 THEN 'failed' ELSE 'succeeded' END,
         CASE WHEN g % 2 = 0 THEN 'e-' || g END, 'c-' || g, '+1555' || lpad((g % 10000000)::text, 7, '0'),
         json_build_object('contact', json_build_object('phone', '+1555' || g), 'campaign',
           json_build_object('id', ${campaign})),
         '{"ok":true}',
         CASE WHEN g % 25 < 2 THEN json_build_object('code', CASE WHEN g % 3 = 0 THEN 'HTTP_NETWORK'
           ELSE 'HTTP_STATUS' END, 'message', 'HTTP 500 from 127.0.0.1:9000') END,
         $3::json,
         CASE WHEN g % 2 = 0 THEN ${campaign} END,
         now() - make_interval(secs => ($4 - g) * 0.01), now() - make_interval(secs => ($4 - g) * 0.01), 11
       FROM generate_series($5::int, $6::int) g`,
      [s.tenantId, s.fillFlow, STEPS, n, from, to],
    );
    log(`progress: filled ${to + 1} executions`);
  }
  await s.db.query(
    `INSERT INTO campaign_counters (tenant_id, campaign_id, flow_id, accepted, queued, succeeded, failed)
     SELECT tenant_id, campaign_id, flow_id, count(*), count(*) FILTER (WHERE status = 'queued'),
       count(*) FILTER (WHERE status = 'succeeded'), count(*) FILTER (WHERE status = 'failed')
     FROM executions WHERE campaign_id IS NOT NULL GROUP BY 1, 2, 3`,
  );
  await s.db.query(
    `INSERT INTO campaign_failures (tenant_id, campaign_id, flow_id, code, failed, example_id)
     SELECT tenant_id, campaign_id, flow_id, error->>'code', count(*), (max(id::text))::uuid
     FROM executions WHERE campaign_id IS NOT NULL AND status = 'failed' GROUP BY 1, 2, 3, 4`,
  );
  await s.db.query('VACUUM ANALYZE executions');
  await s.db.query('VACUUM ANALYZE campaign_counters');
}

/** What a campaign's refresh would read without counters: the same figures counted from its executions. */
export const COUNTED_DETAIL = [
  `SELECT flow_id, count(*) FILTER (WHERE trigger_type = 'event') AS accepted,
     count(*) FILTER (WHERE trigger_type = 'retry') AS retried,
     count(*) FILTER (WHERE status = 'queued' AND retried_by IS NULL) AS queued,
     count(*) FILTER (WHERE status = 'running' AND retried_by IS NULL) AS running,
     count(*) FILTER (WHERE status = 'succeeded' AND retried_by IS NULL) AS succeeded,
     count(*) FILTER (WHERE status IN ('failed', 'timeout') AND retried_by IS NULL) AS failed
   FROM executions WHERE tenant_id = $1 AND campaign_id = $2 AND campaign_id > '' GROUP BY flow_id`,
  `SELECT flow_id, coalesce(error->>'code', 'UNKNOWN') AS code, count(*), (max(id::text))::uuid AS example
   FROM executions WHERE tenant_id = $1 AND campaign_id = $2 AND campaign_id > ''
     AND status IN ('failed', 'timeout') AND retried_by IS NULL GROUP BY 1, 2`,
];

/** The list without counters: every campaign of the tenant counted by state. */
export const COUNTED_LIST = `SELECT campaign_id, flow_id, count(*) FILTER (WHERE trigger_type = 'event') AS accepted,
    count(*) FILTER (WHERE status = 'queued' AND retried_by IS NULL) AS queued,
    count(*) FILTER (WHERE status = 'running' AND retried_by IS NULL) AS running,
    count(*) FILTER (WHERE status = 'succeeded' AND retried_by IS NULL) AS succeeded,
    count(*) FILTER (WHERE status IN ('failed', 'timeout') AND retried_by IS NULL) AS failed
  FROM executions WHERE tenant_id = $1 AND campaign_id IS NOT NULL GROUP BY 1, 2`;

/** A finished run's row as a worker writes it (a succeeded http call, its steps). */
export const FINISHED_STEPS = JSON.parse(STEPS) as unknown[];
