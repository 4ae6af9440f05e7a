import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { RoleEntity } from './role.entity';
import { RolesController } from './roles.controller';
import { RolesService } from './roles.service';

/** Roles per tenant and the permission catalogue. */
@Module({
  imports: [TypeOrmModule.forFeature([RoleEntity]), AuditModule],
  controllers: [RolesController],
  providers: [RolesService],
})
export class RolesModule {}
