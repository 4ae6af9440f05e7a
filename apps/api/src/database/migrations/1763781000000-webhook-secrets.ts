import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-flow webhook secrets (sealed with the SECRETS_KEY), deleted with their flow. */
export class WebhookSecrets1763781000000 implements MigrationInterface {
  name = 'WebhookSecrets1763781000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE flow_webhook_secrets (
      flow_id uuid PRIMARY KEY REFERENCES flows(id) ON DELETE CASCADE,
      tenant_id uuid NOT NULL,
      sealed text NOT NULL,
      key_id text NOT NULL,
      fingerprint text NOT NULL,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX flow_webhook_secrets_tenant_idx ON flow_webhook_secrets (tenant_id)`);
    await q.query(`CREATE INDEX flow_webhook_secrets_key_id_idx ON flow_webhook_secrets (key_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS flow_webhook_secrets`);
  }
}
