import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { RolesModule } from '../../roles/roles.module';
import { TenantsModule } from '../../tenants/tenants.module';

/** Access control features beyond sign-in: roles and the permission catalogue, tenants, the audit log. */
@Module({ imports: [AuditModule, RolesModule, TenantsModule] })
export class AccessModule {}
