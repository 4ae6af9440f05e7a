import type { ManagedUser } from '@callflow/flow';
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash } from '@node-rs/argon2';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AuditService } from '../audit/audit.service';
import { RefreshTokensService } from '../sessions/refresh-tokens.service';
import type { UserPrincipal } from '../access/principal';
import {
  assertAcceptablePassword,
  assertAccessManagerRemains,
  assertCallerHolds,
  assertGrantable,
  lockTenantAccess,
  userPermissions,
} from './access-policy';
import type { CreateUserDto, UpdateUserDto } from './dto/user.dto';

/** A user as GET /users answers it (libs/flow/src/api/access.ts). */
export type UserView = ManagedUser<Date>;

interface UserRow {
  id: string;
  email: string;
  active: boolean;
  role_ids: string[];
  permissions: string[];
  is_bootstrap: boolean;
  created_at: Date;
}

const SELECT = `SELECT u.id, u.email, u.active, u.permissions, u.is_bootstrap, u.created_at,
  COALESCE((SELECT array_agg(ur.role_id ORDER BY ur.role_id) FROM user_roles ur WHERE ur.user_id = u.id), '{}')
    AS role_ids
  FROM users u`;

/**
 * Users of a tenant, managed by holders of access.manage. DELETE deactivates (the row stays, so
 * the audit log and executions keep naming who did what; the email stays taken in the tenant).
 */
@Injectable()
export class UsersAdminService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly refresh: RefreshTokensService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async list(tenantId: string): Promise<{ items: UserView[] }> {
    const rows: UserRow[] = await this.db.query(
      `${SELECT} WHERE u.tenant_id = $1 ORDER BY u.created_at, u.id LIMIT 1000`,
      [tenantId],
    );
    return { items: rows.map(view) };
  }

  async get(tenantId: string, id: string, m: EntityManager = this.db.manager): Promise<UserView> {
    const rows: UserRow[] = await m.query(`${SELECT} WHERE u.id = $1 AND u.tenant_id = $2`, [id, tenantId]);
    if (!rows[0]) throw new NotFoundException('user not found');
    return view(rows[0]);
  }

  async create(caller: UserPrincipal, dto: CreateUserDto): Promise<UserView> {
    const permissions = dto.permissions ?? [];
    assertGrantable(permissions);
    assertAcceptablePassword(dto.password, dto.email, 'password', await this.tenantName(caller.tenantId));
    const passwordHash = await hash(dto.password);
    try {
      return await this.db.transaction(async (m) => {
        const rolePerms = await this.rolePermissions(m, caller.tenantId, dto.roleIds ?? []);
        assertCallerHolds(caller, [...permissions, ...rolePerms], 'granting these permissions');
        const [{ id }]: { id: string }[] = await m.query(
          `INSERT INTO users (tenant_id, email, password_hash, permissions) VALUES ($1, $2, $3, $4) RETURNING id`,
          [caller.tenantId, dto.email.trim().toLowerCase(), passwordHash, permissions],
        );
        await this.setRoles(m, id, dto.roleIds ?? []);
        const user = await this.get(caller.tenantId, id, m);
        await this.audit.record(
          {
            tenantId: caller.tenantId,
            actorUserId: caller.userId,
            action: 'user.created',
            targetType: 'user',
            targetId: id,
            details: { email: user.email, roleIds: user.roleIds, permissions: user.permissions },
          },
          m,
        );
        return user;
      });
    } catch (e) {
      if (e instanceof QueryFailedError && (e.driverError as { code?: string })?.code === '23505')
        throw new ConflictException('a user with this email already exists in the tenant');
      throw e;
    }
  }

  async update(caller: UserPrincipal, id: string, dto: UpdateUserDto): Promise<UserView> {
    if (dto.password !== undefined) {
      const { email } = await this.get(caller.tenantId, id);
      assertAcceptablePassword(dto.password, email, 'password', await this.tenantName(caller.tenantId));
    }
    const passwordHash = dto.password !== undefined ? await hash(dto.password) : undefined;
    const updated = await this.db.transaction(async (m) => {
      await lockTenantAccess(m, caller.tenantId);
      const before = await this.get(caller.tenantId, id, m);
      // Grants the user holds already may stay listed even when they cannot be granted (the
      // bootstrap admin's tenants.manage, which it must keep: see access-policy).
      if (dto.permissions) assertGrantable(dto.permissions.filter((p) => !before.permissions.includes(p)));
      // Changing a user who holds more than the caller (e.g. resetting their password) would be an escalation.
      assertCallerHolds(caller, await userPermissions(m, caller.tenantId, id), 'changing this user');
      const rolePerms = dto.roleIds ? await this.rolePermissions(m, caller.tenantId, dto.roleIds) : [];
      assertCallerHolds(caller, [...(dto.permissions ?? []), ...rolePerms], 'granting these permissions');
      if (dto.permissions)
        await m.query(`UPDATE users SET permissions = $3, updated_at = now() WHERE id = $1 AND tenant_id = $2`, [
          id,
          caller.tenantId,
          dto.permissions,
        ]);
      if (dto.roleIds) await this.setRoles(m, id, dto.roleIds);
      if (dto.active !== undefined)
        await m.query(`UPDATE users SET active = $3, updated_at = now() WHERE id = $1 AND tenant_id = $2`, [
          id,
          caller.tenantId,
          dto.active,
        ]);
      if (passwordHash)
        await m.query(`UPDATE users SET password_hash = $3, updated_at = now() WHERE id = $1 AND tenant_id = $2`, [
          id,
          caller.tenantId,
          passwordHash,
        ]);
      if (dto.active === false || passwordHash) await this.refresh.revokeUser(id, m);
      await assertAccessManagerRemains(m, caller.tenantId);
      const after = await this.get(caller.tenantId, id, m);
      const deactivated = before.active && !after.active;
      await this.audit.record(
        {
          tenantId: caller.tenantId,
          actorUserId: caller.userId,
          action: deactivated ? 'user.deactivated' : 'user.updated',
          targetType: 'user',
          targetId: id,
          details: { email: after.email, before: pick(before), after: pick(after), passwordChanged: !!passwordHash },
        },
        m,
      );
      return after;
    });
    // Their API keys stop (or work again) with them, in this process at once (see ApiKeysService.lookup).
    if (dto.active !== undefined) this.apiKeys.forgetCachedKeys();
    return updated;
  }

  /** Deactivates the user (see the class comment). */
  async deactivate(caller: UserPrincipal, id: string): Promise<void> {
    await this.update(caller, id, { active: false });
  }

  /** The permissions the given roles of the tenant carry; 400 when one is not a role of the tenant. */
  /** The tenant's name, which a password may not be built on. */
  private async tenantName(tenantId: string): Promise<string | undefined> {
    const rows: { name: string }[] = await this.db.query(`SELECT name FROM tenants WHERE id = $1`, [tenantId]);
    return rows[0]?.name;
  }

  private async rolePermissions(m: EntityManager, tenantId: string, roleIds: readonly string[]): Promise<string[]> {
    if (!roleIds.length) return [];
    const rows: { id: string; permissions: string[] }[] = await m.query(
      `SELECT id, permissions FROM roles WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
      [tenantId, roleIds],
    );
    const found = new Set(rows.map((r) => r.id));
    const missing = roleIds.filter((r) => !found.has(r));
    if (missing.length) throw new BadRequestException({ message: `unknown role: ${missing[0]}`, details: missing });
    return rows.flatMap((r) => r.permissions);
  }

  private async setRoles(m: EntityManager, userId: string, roleIds: readonly string[]): Promise<void> {
    await m.query(`DELETE FROM user_roles WHERE user_id = $1`, [userId]);
    if (roleIds.length)
      await m.query(`INSERT INTO user_roles (user_id, role_id) SELECT $1, unnest($2::uuid[])`, [userId, roleIds]);
  }
}

function view(r: UserRow): UserView {
  return {
    id: r.id,
    email: r.email,
    active: r.active,
    roleIds: r.role_ids,
    permissions: r.permissions,
    isBootstrap: r.is_bootstrap,
    createdAt: r.created_at,
  };
}

function pick(u: UserView) {
  return { active: u.active, roleIds: u.roleIds, permissions: u.permissions };
}
