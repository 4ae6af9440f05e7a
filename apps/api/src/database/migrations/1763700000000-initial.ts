import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants, users, API keys, flows and versions, executions and event idempotency. */
export class Initial1763700000000 implements MigrationInterface {
  name = 'Initial1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tenants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      email text NOT NULL,
      password_hash text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      permissions text[] NOT NULL DEFAULT '{}',
      is_bootstrap boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE UNIQUE INDEX users_tenant_email_uq ON users (tenant_id, email)`);
    await q.query(`CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      name text NOT NULL,
      key_hash text NOT NULL,
      key_prefix text NOT NULL,
      scopes text[] NOT NULL,
      flow_keys text[],
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz)`);
    await q.query(`CREATE UNIQUE INDEX api_keys_hash_uq ON api_keys (key_hash)`);
    await q.query(`CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id)`);
    await q.query(`CREATE TABLE flows (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      key text NOT NULL,
      name text NOT NULL,
      description text NOT NULL DEFAULT '',
      definition jsonb NOT NULL,
      revision int NOT NULL DEFAULT 1,
      published_version int,
      latest_version int NOT NULL DEFAULT 0,
      updated_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE UNIQUE INDEX flows_tenant_key_uq ON flows (tenant_id, key)`);
    await q.query(`CREATE TABLE flow_versions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      flow_id uuid NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
      version int NOT NULL,
      definition jsonb NOT NULL,
      trigger_type text NOT NULL,
      trigger_config jsonb NOT NULL DEFAULT '{}',
      note text NOT NULL DEFAULT '',
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE UNIQUE INDEX flow_versions_flow_version_uq ON flow_versions (flow_id, version)`);
    await q.query(`CREATE INDEX flow_versions_tenant_trigger_idx ON flow_versions (tenant_id, trigger_type)`);
    await q.query(`CREATE TABLE executions (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      flow_id uuid,
      flow_version int,
      trigger_type text NOT NULL,
      status text NOT NULL,
      event_id text,
      call_id text,
      phone text,
      input jsonb NOT NULL,
      output jsonb,
      error jsonb,
      steps jsonb NOT NULL DEFAULT '[]',
      retry_of uuid,
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      duration_ms int)`);
    await q.query(`CREATE INDEX executions_tenant_started_idx ON executions (tenant_id, started_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX executions_tenant_flow_started_idx ON executions (tenant_id, flow_id, started_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX executions_tenant_call_idx ON executions (tenant_id, call_id)`);
    await q.query(`CREATE INDEX executions_tenant_phone_idx ON executions (tenant_id, phone)`);
    await q.query(`CREATE TABLE event_runs (
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      flow_id uuid NOT NULL,
      event_id text NOT NULL,
      execution_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, flow_id, event_id))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['event_runs', 'executions', 'flow_versions', 'flows', 'api_keys', 'users', 'tenants'])
      await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
