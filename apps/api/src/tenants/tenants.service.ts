import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash } from '@node-rs/argon2';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { UserPrincipal } from '../access/principal';
import { seedBuiltInRoles } from '../roles/built-in-roles';
import { assertAcceptablePassword } from '../users/access-policy';
import { TenantEntity } from './tenant.entity';

export interface CreatedTenant {
  id: string;
  name: string;
  createdAt: Date;
  admin: { id: string; email: string; roleIds: string[] };
}

@Injectable()
export class TenantsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** A tenant with its built-in roles and a first user holding the Admin role. */
  async create(
    caller: UserPrincipal,
    dto: { name: string; adminEmail: string; adminPassword: string },
  ): Promise<CreatedTenant> {
    assertAcceptablePassword(dto.adminPassword, dto.adminEmail, 'adminPassword', dto.name);
    const passwordHash = await hash(dto.adminPassword);
    return this.db.transaction(async (m) => {
      const tenant = await m.save(m.create(TenantEntity, { name: dto.name }));
      const roles = await seedBuiltInRoles(m, tenant.id);
      const email = dto.adminEmail.trim().toLowerCase();
      const [{ id }]: { id: string }[] = await m.query(
        `INSERT INTO users (tenant_id, email, password_hash) VALUES ($1, $2, $3) RETURNING id`,
        [tenant.id, email, passwordHash],
      );
      await m.query(`INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)`, [id, roles.admin]);
      const details = { tenantId: tenant.id, name: tenant.name, adminEmail: email };
      await this.audit.record(
        {
          tenantId: caller.tenantId,
          actorUserId: caller.userId,
          action: 'tenant.created',
          targetType: 'tenant',
          targetId: tenant.id,
          details,
        },
        m,
      );
      await this.audit.record(
        {
          tenantId: tenant.id,
          actorUserId: caller.userId,
          action: 'tenant.created',
          targetType: 'tenant',
          targetId: tenant.id,
          details,
        },
        m,
      );
      return {
        id: tenant.id,
        name: tenant.name,
        createdAt: tenant.createdAt,
        admin: { id, email, roleIds: [roles.admin] },
      };
    });
  }
}
