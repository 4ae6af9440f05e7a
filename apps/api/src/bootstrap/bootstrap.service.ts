import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash } from '@node-rs/argon2';
import crypto from 'node:crypto';
import { DataSource } from 'typeorm';
import { passwordProblem } from '../platform/passwords/password-policy';
import { PERMISSIONS } from '../access/permissions';
import { seedBuiltInRoles } from '../roles/built-in-roles';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { TenantEntity } from '../tenants/tenant.entity';
import { UserEntity } from '../users/user.entity';
import { ADVISORY_LOCK } from '../platform/database/advisory-locks';

/** A random password (96 bits, base64url) that passes the password policy; drawn again in the rare case it does not. */
export function generatedPassword(email: string): string {
  for (;;) {
    const password = crypto.randomBytes(12).toString('base64url');
    if (!passwordProblem(password, email)) return password;
  }
}

/**
 * First start: creates the first tenant and its admin (ADMIN_EMAIL / ADMIN_PASSWORD, or a generated
 * password printed once).
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.db.transaction(async (m) => {
      // One process creates the admin even when several start at once.
      await m.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK.bootstrap]);
      if ((await m.count(UserEntity, { where: { isBootstrap: true } })) > 0) return;
      const tenant = await m.save(m.create(TenantEntity, { name: 'Default' }));
      const password = this.config.ADMIN_PASSWORD ?? generatedPassword(this.config.ADMIN_EMAIL);
      const roles = await seedBuiltInRoles(m, tenant.id);
      // Direct grants of everything (tenants.manage is only ever effective for this user), plus the Admin role.
      const admin = await m.save(
        m.create(UserEntity, {
          tenantId: tenant.id,
          email: this.config.ADMIN_EMAIL.toLowerCase(),
          passwordHash: await hash(password),
          permissions: [...PERMISSIONS],
          isBootstrap: true,
        }),
      );
      await m.query(`INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)`, [admin.id, roles.admin]);
      if (this.config.ADMIN_PASSWORD) this.logger.log(`created the admin ${this.config.ADMIN_EMAIL}`);
      // Printed once, on first start only.
      else
        process.stdout.write(
          `\n  First start: admin ${this.config.ADMIN_EMAIL} / password ${password}\n` +
            `  (set ADMIN_PASSWORD to choose it; this is not shown again)\n\n`,
        );
    });
  }
}
