import type { UiLocale } from '@callflow/flow';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PERMISSIONS, type Permission } from '../access/permissions';

/** A user as the guard sees it: direct grants and their roles, loaded together. */
export interface LoadedUser {
  id: string;
  tenantId: string;
  email: string;
  isBootstrap: boolean;
  /** The editor language they chose, or null. */
  locale: UiLocale | null;
  permissions: string[];
  roles: { id: string; name: string }[];
  rolePermissions: string[];
}

const KNOWN = new Set<string>(PERMISSIONS);
/** The session (refresh token family $2) of the user still has an unrevoked token (index refresh_tokens_family_idx). */
const LIVE_SESSION = ` AND EXISTS (SELECT 1 FROM refresh_tokens rt
  WHERE rt.family_id = $2 AND rt.user_id = u.id AND rt.revoked_at IS NULL)`;

/** Effective permissions = direct ∪ roles; tenants.manage only ever for the bootstrap admin. */
export function effectivePermissions(
  direct: readonly string[],
  fromRoles: readonly string[],
  isBootstrap: boolean,
): Set<Permission> {
  const out = new Set<Permission>();
  for (const p of [...direct, ...fromRoles]) if (KNOWN.has(p)) out.add(p as Permission);
  if (!isBootstrap) out.delete('tenants.manage');
  return out;
}

@Injectable()
export class UsersService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * An active user with their roles and the roles' permissions, in one query (every request). With
   * `sessionId` (an access token's `sid`), only while that sign-in session has a live refresh token.
   */
  async loadActive(id: string, sessionId?: string): Promise<LoadedUser | null> {
    const rows: {
      id: string;
      tenant_id: string;
      email: string;
      is_bootstrap: boolean;
      locale: UiLocale | null;
      permissions: string[];
      roles: { id: string; name: string }[];
      role_permissions: string[];
    }[] = await this.db.query(
      `SELECT u.id, u.tenant_id, u.email, u.is_bootstrap, u.locale, u.permissions,
         COALESCE((SELECT json_agg(json_build_object('id', r.id, 'name', r.name) ORDER BY r.name)
                   FROM user_roles ur JOIN roles r ON r.id = ur.role_id AND r.tenant_id = u.tenant_id
                   WHERE ur.user_id = u.id), '[]'::json) AS roles,
         COALESCE((SELECT array_agg(DISTINCT p)
                   FROM user_roles ur JOIN roles r ON r.id = ur.role_id AND r.tenant_id = u.tenant_id,
                        unnest(r.permissions) p
                   WHERE ur.user_id = u.id), '{}') AS role_permissions
       FROM users u WHERE u.id = $1 AND u.active${sessionId === undefined ? '' : LIVE_SESSION}`,
      sessionId === undefined ? [id] : [id, sessionId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      tenantId: r.tenant_id,
      email: r.email,
      isBootstrap: r.is_bootstrap,
      locale: r.locale,
      permissions: r.permissions,
      roles: r.roles,
      rolePermissions: r.role_permissions,
    };
  }

  /** The user's own editor language (null forgets it); only their row, in their tenant. */
  async setLocale(userId: string, tenantId: string, locale: UiLocale | null): Promise<void> {
    await this.db.query(`UPDATE users SET locale = $3 WHERE id = $1 AND tenant_id = $2 AND active`, [
      userId,
      tenantId,
      locale,
    ]);
  }

  effective(u: LoadedUser): Set<Permission> {
    return effectivePermissions(u.permissions, u.rolePermissions, u.isBootstrap);
  }
}
