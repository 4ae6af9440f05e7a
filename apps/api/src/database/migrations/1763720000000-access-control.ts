import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The built-in roles as of this migration (frozen here; roles/built-in-roles.ts seeds new tenants). */
const BUILT_IN_ROLES = [
  {
    key: 'admin',
    name: 'Admin',
    permissions: [
      'flows.read',
      'flows.write',
      'flows.publish',
      'flows.run',
      'executions.read',
      'connections.read',
      'connections.write',
      'access.manage',
      'api_keys.manage',
    ],
  },
  {
    key: 'editor',
    name: 'Integration editor',
    permissions: ['flows.read', 'flows.write', 'flows.publish', 'flows.run', 'executions.read', 'connections.read'],
  },
  { key: 'viewer', name: 'Viewer', permissions: ['flows.read', 'executions.read'] },
];

/**
 * Access control: roles per tenant (built-in ones seeded for existing tenants), user_roles, refresh
 * tokens (rotated, revoked by family), failed logins (throttling shared by every API process) and
 * the audit log.
 */
export class AccessControl1763720000000 implements MigrationInterface {
  name = 'AccessControl1763720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE roles (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      name text NOT NULL,
      permissions text[] NOT NULL DEFAULT '{}',
      built_in text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE UNIQUE INDEX roles_tenant_name_uq ON roles (tenant_id, lower(name))`);
    await q.query(
      `CREATE UNIQUE INDEX roles_tenant_built_in_uq ON roles (tenant_id, built_in) WHERE built_in IS NOT NULL`,
    );
    await q.query(`CREATE TABLE user_roles (
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      role_id uuid NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
      PRIMARY KEY (user_id, role_id))`);
    await q.query(`CREATE INDEX user_roles_role_idx ON user_roles (role_id)`);
    await q.query(`CREATE TABLE refresh_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      family_id uuid NOT NULL,
      token_hash text NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE UNIQUE INDEX refresh_tokens_hash_uq ON refresh_tokens (token_hash)`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await q.query(`CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id)`);
    await q.query(`CREATE TABLE login_failures (
      id bigserial PRIMARY KEY,
      key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX login_failures_key_idx ON login_failures (key, created_at)`);
    await q.query(`CREATE TABLE audit_log (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      actor_user_id uuid,
      action text NOT NULL,
      target_type text NOT NULL,
      target_id text,
      details jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX audit_log_tenant_created_idx ON audit_log (tenant_id, created_at DESC, id DESC)`);
    for (const r of BUILT_IN_ROLES) {
      await q.query(
        `INSERT INTO roles (tenant_id, name, permissions, built_in) ` +
          `SELECT id, $1, $2, $3 FROM tenants ON CONFLICT DO NOTHING`,
        [r.name, r.permissions, r.key],
      );
    }
    // Existing users whose direct grants include access.manage keep it; nobody loses access.
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['audit_log', 'login_failures', 'refresh_tokens', 'user_roles', 'roles'])
      await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
