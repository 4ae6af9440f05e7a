import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live campaign progress (apps/api/src/campaigns): counters kept as runs move, instead of a
 * `COUNT(*)` over millions of executions per refresh; failed runs per error code; paused campaigns;
 * retry-all requests (idempotency).
 *
 * - `executions.campaign_id`: set on queued runs of event-triggered flows (the event's campaign id,
 *   `''` when it has none) and on their retries; NULL for every other run (IVR, webhook, test), which
 *   are never counted. `executions.retried_by`: the retry queued for a failed run (a retried run
 *   leaves the counts; its retry stands for it). Both nullable without default: adding them rewrites
 *   nothing. Runs queued before this migration have no campaign and are not counted.
 * - `campaign_counters`: one row per (tenant, campaign, flow). A queued row's insert is counted by
 *   its inserter in the same transaction (ExecutionWriter.countQueued, after the jobs: the row lock
 *   is held until the commit only); every later change of a counted row (claimed → `running`,
 *   finished, failed by the abandoned-runs sweep, retried) is counted by the statement-level trigger
 *   below, in the statement that makes it. The trigger reads the statement's transition tables:
 *   -1 for each counted old row, +1 for each counted new row, summed per counter row, so an UPDATE
 *   of N runs costs one upsert per (campaign, flow) it touched. Inserts (the IVR's COPY of execution
 *   rows included) fire nothing: there is no INSERT trigger.
 * - `campaign_failures`: the same for failed (and timed-out) runs per error code, with the latest
 *   such run as an example.
 * - fillfactor 50 on both: the rows are rewritten at the run rate; free room on their page keeps
 *   those updates HOT (no index entry per update).
 * - `campaign_pauses`: a row per paused campaign; the workers' fetch skips its queued jobs.
 * - `campaign_retries`: one row per retry-all request id (as event_runs for events).
 */
export class CampaignProgress1763800000000 implements MigrationInterface {
  name = 'CampaignProgress1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE executions ADD COLUMN campaign_id text, ADD COLUMN retried_by uuid`);
    // Retry-all and the tests' counts read a campaign's runs; the predicate's column never changes
    // after insert, so it does not stop updates from being HOT.
    await q.query(
      `CREATE INDEX executions_tenant_campaign_idx ON executions (tenant_id, campaign_id, id) WHERE campaign_id > ''`,
    );
    await q.query(`CREATE TABLE campaign_counters (
      tenant_id uuid NOT NULL,
      campaign_id text NOT NULL,
      flow_id uuid NOT NULL,
      accepted bigint NOT NULL DEFAULT 0,
      retried bigint NOT NULL DEFAULT 0,
      queued bigint NOT NULL DEFAULT 0,
      running bigint NOT NULL DEFAULT 0,
      succeeded bigint NOT NULL DEFAULT 0,
      failed bigint NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT campaign_counters_pkey PRIMARY KEY (tenant_id, campaign_id, flow_id)
    ) WITH (fillfactor = 50)`);
    await q.query(`CREATE TABLE campaign_failures (
      tenant_id uuid NOT NULL,
      campaign_id text NOT NULL,
      flow_id uuid NOT NULL,
      code text NOT NULL,
      failed bigint NOT NULL DEFAULT 0,
      example_id uuid,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT campaign_failures_pkey PRIMARY KEY (tenant_id, campaign_id, flow_id, code)
    ) WITH (fillfactor = 50)`);
    await q.query(`CREATE TABLE campaign_pauses (
      tenant_id uuid NOT NULL,
      campaign_id text NOT NULL,
      paused_at timestamptz NOT NULL DEFAULT now(),
      paused_by uuid,
      CONSTRAINT campaign_pauses_pkey PRIMARY KEY (tenant_id, campaign_id)
    )`);
    await q.query(`CREATE TABLE campaign_retries (
      tenant_id uuid NOT NULL,
      campaign_id text NOT NULL,
      request_id text NOT NULL,
      flow_id uuid,
      code text,
      queued int NOT NULL DEFAULT 0,
      skipped int NOT NULL DEFAULT 0,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT campaign_retries_pkey PRIMARY KEY (tenant_id, campaign_id, request_id)
    )`);
    await q.query(COUNTERS_FUNCTION);
    await q.query(`CREATE TRIGGER executions_campaign_counters AFTER UPDATE ON executions
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION campaign_counters_on_update()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS executions_campaign_counters ON executions`);
    await q.query(`DROP FUNCTION IF EXISTS campaign_counters_on_update()`);
    await q.query(`DROP TABLE IF EXISTS campaign_retries`);
    await q.query(`DROP TABLE IF EXISTS campaign_pauses`);
    await q.query(`DROP TABLE IF EXISTS campaign_failures`);
    await q.query(`DROP TABLE IF EXISTS campaign_counters`);
    await q.query(`DROP INDEX IF EXISTS executions_tenant_campaign_idx`);
    await q.query(`ALTER TABLE executions DROP COLUMN IF EXISTS retried_by, DROP COLUMN IF EXISTS campaign_id`);
  }
}

/**
 * The counts of an UPDATE of executions. A row counts while it has a campaign and was not retried;
 * a timed-out run counts as failed. Groups whose deltas are all 0 (a `running` row written again, a
 * final row repeated) are left alone; rows are upserted in key order, as every counter writer does,
 * so two statements never wait on each other's counter rows in a circle.
 */
const COUNTERS_FUNCTION = `
CREATE FUNCTION campaign_counters_on_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  -- campaign_id is never changed by an UPDATE: no counted new row means no counted old row either.
  IF NOT EXISTS (SELECT 1 FROM new_rows WHERE campaign_id IS NOT NULL) THEN
    RETURN NULL;
  END IF;

  INSERT INTO campaign_counters AS c (tenant_id, campaign_id, flow_id, queued, running, succeeded, failed)
  SELECT tenant_id, campaign_id, flow_id,
    coalesce(sum(d) FILTER (WHERE status = 'queued'), 0),
    coalesce(sum(d) FILTER (WHERE status = 'running'), 0),
    coalesce(sum(d) FILTER (WHERE status = 'succeeded'), 0),
    coalesce(sum(d) FILTER (WHERE status IN ('failed', 'timeout')), 0)
  FROM (
    SELECT tenant_id, campaign_id, flow_id, status, -1 AS d FROM old_rows
    WHERE campaign_id IS NOT NULL AND retried_by IS NULL AND flow_id IS NOT NULL
    UNION ALL
    SELECT tenant_id, campaign_id, flow_id, status, 1 FROM new_rows
    WHERE campaign_id IS NOT NULL AND retried_by IS NULL AND flow_id IS NOT NULL
  ) x
  GROUP BY tenant_id, campaign_id, flow_id
  HAVING (
    coalesce(sum(d) FILTER (WHERE status = 'queued'), 0) <> 0 OR
    coalesce(sum(d) FILTER (WHERE status = 'running'), 0) <> 0 OR
    coalesce(sum(d) FILTER (WHERE status = 'succeeded'), 0) <> 0 OR
    coalesce(sum(d) FILTER (WHERE status IN ('failed', 'timeout')), 0) <> 0)
  ORDER BY tenant_id, campaign_id, flow_id
  ON CONFLICT (tenant_id, campaign_id, flow_id) DO UPDATE SET
    queued = c.queued + EXCLUDED.queued,
    running = c.running + EXCLUDED.running,
    succeeded = c.succeeded + EXCLUDED.succeeded,
    failed = c.failed + EXCLUDED.failed,
    updated_at = now();

  INSERT INTO campaign_failures AS f (tenant_id, campaign_id, flow_id, code, failed, example_id)
  SELECT tenant_id, campaign_id, flow_id, code, sum(d), max(example)::uuid
  FROM (
    SELECT tenant_id, campaign_id, flow_id, coalesce(error->>'code', 'UNKNOWN') AS code, -1 AS d, NULL::text AS example
    FROM old_rows
    WHERE campaign_id IS NOT NULL AND retried_by IS NULL AND flow_id IS NOT NULL AND status IN ('failed', 'timeout')
    UNION ALL
    SELECT tenant_id, campaign_id, flow_id, coalesce(error->>'code', 'UNKNOWN'), 1, id::text
    FROM new_rows
    WHERE campaign_id IS NOT NULL AND retried_by IS NULL AND flow_id IS NOT NULL AND status IN ('failed', 'timeout')
  ) x
  GROUP BY tenant_id, campaign_id, flow_id, code
  HAVING sum(d) <> 0 OR max(example) IS NOT NULL
  ORDER BY tenant_id, campaign_id, flow_id, code
  ON CONFLICT (tenant_id, campaign_id, flow_id, code) DO UPDATE SET
    failed = f.failed + EXCLUDED.failed,
    example_id = coalesce(EXCLUDED.example_id, f.example_id),
    updated_at = now();
  RETURN NULL;
END
$fn$`;
