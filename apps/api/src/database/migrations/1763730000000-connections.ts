import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-tenant connections (named credentials); secrets are sealed per value with the SECRETS_KEY. */
export class Connections1763730000000 implements MigrationInterface {
  name = 'Connections1763730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE connections (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      name text NOT NULL,
      type text NOT NULL,
      description text,
      config jsonb NOT NULL DEFAULT '{}',
      fields jsonb NOT NULL DEFAULT '{}',
      secrets jsonb NOT NULL DEFAULT '{}',
      key_id text NOT NULL,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE UNIQUE INDEX connections_tenant_name_uq ON connections (tenant_id, name)`);
    await q.query(`CREATE INDEX connections_key_id_idx ON connections (key_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS connections`);
  }
}
