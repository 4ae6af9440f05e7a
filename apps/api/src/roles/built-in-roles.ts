import type { EntityManager } from 'typeorm';
import { PERMISSIONS, type Permission } from '../access/permissions';

export type BuiltInRoleKey = 'admin' | 'editor' | 'viewer';

/**
 * Roles every tenant starts with. They cannot be deleted or renamed; Admin's permissions are
 * fixed (the other two may be adjusted per tenant). Admin holds everything a user can hold
 * except tenants.manage (the bootstrap admin's alone) and triggers.invoke (an API key scope).
 */
export const BUILT_IN_ROLES: readonly { key: BuiltInRoleKey; name: string; permissions: Permission[] }[] = [
  {
    key: 'admin',
    name: 'Admin',
    permissions: PERMISSIONS.filter((p) => p !== 'tenants.manage' && p !== 'triggers.invoke'),
  },
  {
    key: 'editor',
    name: 'Integration editor',
    permissions: ['flows.read', 'flows.write', 'flows.publish', 'flows.run', 'executions.read', 'connections.read'],
  },
  { key: 'viewer', name: 'Viewer', permissions: ['flows.read', 'executions.read'] },
];

/** Creates the built-in roles of a tenant (idempotent); returns their ids by key. */
export async function seedBuiltInRoles(m: EntityManager, tenantId: string): Promise<Record<BuiltInRoleKey, string>> {
  for (const r of BUILT_IN_ROLES) {
    await m.query(
      `INSERT INTO roles (tenant_id, name, permissions, built_in) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [tenantId, r.name, r.permissions, r.key],
    );
  }
  const rows: { id: string; built_in: BuiltInRoleKey }[] = await m.query(
    `SELECT id, built_in FROM roles WHERE tenant_id = $1 AND built_in IS NOT NULL`,
    [tenantId],
  );
  return Object.fromEntries(rows.map((r) => [r.built_in, r.id])) as Record<BuiltInRoleKey, string>;
}
