import { BadRequestException, ConflictException, ForbiddenException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { passwordProblem } from '../platform/passwords/password-policy';
import { GRANTABLE_PERMISSIONS, PERMISSIONS } from '../access/permissions';
import type { UserPrincipal } from '../access/principal';

/**
 * Rules shared by the users and roles services:
 * - only catalogue permissions, and only grantable ones (400);
 * - nobody grants what they do not hold, directly or through a role (403);
 * - a tenant always keeps one active holder of access.manage (409), checked inside the changing
 *   transaction after the change, under a per-tenant lock so concurrent changes cannot both pass;
 * - the bootstrap admin stays active with tenants.manage and access.manage (409);
 * - a password passes the password policy (400).
 */
export function assertGrantable(perms: readonly string[]): void {
  const known = new Set<string>(PERMISSIONS);
  const unknown = perms.filter((p) => !known.has(p));
  if (unknown.length) throw new BadRequestException({ message: `unknown permission: ${unknown[0]}`, details: unknown });
  const grantable = new Set<string>(GRANTABLE_PERMISSIONS);
  const reserved = perms.filter((p) => !grantable.has(p));
  if (reserved.length)
    throw new BadRequestException({ message: `${reserved[0]} cannot be granted to users or roles`, details: reserved });
}

/**
 * 400 naming the rule when `password` fails the password policy for the owner of `email` in the tenant
 * `tenantName`.
 */
export function assertAcceptablePassword(
  password: string,
  email: string,
  field = 'password',
  tenantName?: string,
): void {
  const problem = passwordProblem(password, { email, tenantName });
  if (problem) {
    const message = `${field}: the password ${problem}`;
    throw new BadRequestException({ message, details: [message] });
  }
}

/** 403 unless the caller holds every permission in `perms`. */
export function assertCallerHolds(caller: UserPrincipal, perms: Iterable<string>, what: string): void {
  const missing = [...new Set(perms)].filter((p) => !caller.permissions.has(p as never));
  if (missing.length)
    throw new ForbiddenException({
      message: `${what} needs permissions you do not hold: ${missing.join(', ')}`,
      details: missing,
    });
}

/** Serialises access changes within a tenant (transaction-scoped). */
export async function lockTenantAccess(m: EntityManager, tenantId: string): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(hashtext('access:' || $1::text))`, [tenantId]);
}

/** Effective permissions of a user of the tenant, read inside the transaction (role perms included). */
export async function userPermissions(m: EntityManager, tenantId: string, userId: string): Promise<Set<string>> {
  const rows: { p: string }[] = await m.query(
    `SELECT unnest(u.permissions) AS p FROM users u WHERE u.id = $1 AND u.tenant_id = $2
     UNION SELECT unnest(r.permissions) FROM user_roles ur JOIN roles r ON r.id = ur.role_id AND r.tenant_id = $2
     WHERE ur.user_id = $1`,
    [userId, tenantId],
  );
  return new Set(rows.map((r) => r.p));
}

/** 409 when the tenant would be left without an active holder of access.manage. */
export async function assertAccessManagerRemains(m: EntityManager, tenantId: string): Promise<void> {
  const [{ n }]: { n: number }[] = await m.query(
    `SELECT count(*)::int AS n FROM users u WHERE u.tenant_id = $1 AND u.active AND (
       'access.manage' = ANY(u.permissions)
       OR EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                  WHERE ur.user_id = u.id AND r.tenant_id = $1 AND 'access.manage' = ANY(r.permissions)))`,
    [tenantId],
  );
  if (n < 1) throw new ConflictException('this would leave the tenant without an active user holding access.manage');
  await assertBootstrapAdminIntact(m, tenantId);
}

/**
 * 409 when the bootstrap admin (the one holder of tenants.manage, in its tenant) would be
 * deactivated or lose tenants.manage or access.manage. Nobody could undo it: tenants.manage cannot
 * be granted, and only a holder of everything the bootstrap admin holds may change that user.
 */
async function assertBootstrapAdminIntact(m: EntityManager, tenantId: string): Promise<void> {
  const rows: { active: boolean; tenants: boolean; access: boolean }[] = await m.query(
    `SELECT u.active, 'tenants.manage' = ANY(u.permissions) AS tenants,
       ('access.manage' = ANY(u.permissions) OR EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id
          WHERE ur.user_id = u.id AND r.tenant_id = $1 AND 'access.manage' = ANY(r.permissions))) AS access
     FROM users u WHERE u.tenant_id = $1 AND u.is_bootstrap`,
    [tenantId],
  );
  const admin = rows[0];
  if (!admin) return;
  const lost = [
    !admin.active && 'be deactivated',
    !admin.tenants && 'lose tenants.manage',
    !admin.access && 'lose access.manage',
  ].filter(Boolean);
  if (lost.length) {
    const keep = 'keep tenants.manage and access.manage in its permissions';
    throw new ConflictException(`the bootstrap admin cannot ${lost.join(' or ')}: nobody could give it back (${keep})`);
  }
}
