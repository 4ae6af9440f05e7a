import type { Role } from '@callflow/flow';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { GRANTABLE_PERMISSIONS, PERMISSION_DESCRIPTIONS, PERMISSIONS } from '../access/permissions';
import type { UserPrincipal } from '../access/principal';
import {
  assertAccessManagerRemains,
  assertCallerHolds,
  assertGrantable,
  lockTenantAccess,
} from '../users/access-policy';
import type { CreateRoleDto, UpdateRoleDto } from './dto/role.dto';
import { RoleEntity } from './role.entity';

/** A role as GET /roles answers it (libs/flow/src/api/access.ts). */
export type RoleView = Role<Date>;

function isUniqueViolation(e: unknown): boolean {
  return e instanceof QueryFailedError && (e.driverError as { code?: string } | undefined)?.code === '23505';
}

@Injectable()
export class RolesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** The catalogue (any signed-in user): name, description, and whether users and roles may hold it. */
  catalogue() {
    const grantable = new Set<string>(GRANTABLE_PERMISSIONS);
    return {
      items: PERMISSIONS.map((name) => ({
        name,
        description: PERMISSION_DESCRIPTIONS[name],
        grantable: grantable.has(name),
      })),
    };
  }

  async list(tenantId: string): Promise<{ items: RoleView[] }> {
    const rows = await this.db
      .getRepository(RoleEntity)
      .find({ where: { tenantId }, order: { createdAt: 'ASC', name: 'ASC' } });
    return { items: rows.map((r) => this.view(r)) };
  }

  async get(tenantId: string, id: string): Promise<RoleView> {
    return this.view(await this.find(tenantId, id));
  }

  async create(caller: UserPrincipal, dto: CreateRoleDto): Promise<RoleView> {
    assertGrantable(dto.permissions);
    assertCallerHolds(caller, dto.permissions, 'a role with these permissions');
    try {
      return await this.db.transaction(async (m) => {
        const row = await m.getRepository(RoleEntity).save(
          m.create(RoleEntity, {
            tenantId: caller.tenantId,
            name: dto.name,
            permissions: dto.permissions,
            builtIn: null,
          }),
        );
        await this.audit.record(
          {
            tenantId: caller.tenantId,
            actorUserId: caller.userId,
            action: 'role.created',
            targetType: 'role',
            targetId: row.id,
            details: { name: row.name, permissions: row.permissions },
          },
          m,
        );
        return this.view(row);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictException(`a role named "${dto.name}" already exists`);
      throw e;
    }
  }

  async update(caller: UserPrincipal, id: string, dto: UpdateRoleDto): Promise<RoleView> {
    try {
      return await this.db.transaction(async (m) => {
        await lockTenantAccess(m, caller.tenantId);
        const row = await this.find(caller.tenantId, id, m.getRepository(RoleEntity));
        const before = { name: row.name, permissions: [...row.permissions] };
        if (dto.name !== undefined && dto.name !== row.name && row.builtIn)
          throw new ConflictException('built-in roles cannot be renamed');
        if (dto.permissions) {
          assertGrantable(dto.permissions);
          if (row.builtIn === 'admin' && !sameSet(dto.permissions, row.permissions))
            throw new ConflictException("the Admin role's permissions are fixed");
        }
        // Editing a role changes what its holders may do: the caller must hold all of it, before and after.
        assertCallerHolds(caller, [...row.permissions, ...(dto.permissions ?? [])], 'changing this role');
        if (dto.name !== undefined) row.name = dto.name;
        if (dto.permissions) row.permissions = dto.permissions;
        const saved = await m.getRepository(RoleEntity).save(row);
        await assertAccessManagerRemains(m, caller.tenantId);
        await this.audit.record(
          {
            tenantId: caller.tenantId,
            actorUserId: caller.userId,
            action: 'role.updated',
            targetType: 'role',
            targetId: id,
            details: { before, after: { name: saved.name, permissions: saved.permissions } },
          },
          m,
        );
        return this.view(saved);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictException(`a role named "${dto.name}" already exists`);
      throw e;
    }
  }

  async remove(caller: UserPrincipal, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await lockTenantAccess(m, caller.tenantId);
      const row = await this.find(caller.tenantId, id, m.getRepository(RoleEntity));
      if (row.builtIn) throw new ConflictException('built-in roles cannot be deleted');
      assertCallerHolds(caller, row.permissions, 'deleting this role');
      await m.query(`DELETE FROM roles WHERE id = $1 AND tenant_id = $2`, [id, caller.tenantId]);
      await assertAccessManagerRemains(m, caller.tenantId);
      await this.audit.record(
        {
          tenantId: caller.tenantId,
          actorUserId: caller.userId,
          action: 'role.deleted',
          targetType: 'role',
          targetId: id,
          details: { name: row.name, permissions: row.permissions },
        },
        m,
      );
    });
  }

  private async find(tenantId: string, id: string, repo = this.db.getRepository(RoleEntity)): Promise<RoleEntity> {
    const row = await repo.findOne({ where: { id, tenantId } });
    if (!row) throw new NotFoundException('role not found');
    return row;
  }

  private view(r: RoleEntity): RoleView {
    return {
      id: r.id,
      name: r.name,
      permissions: r.permissions,
      builtIn: r.builtIn,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}
