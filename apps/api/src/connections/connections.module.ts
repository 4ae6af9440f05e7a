import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { EngineModule } from '../engine/engine.module';
import { ConnectionCache } from './connection-cache.service';
import { ConnectionUseCheck } from './connection-use-check.service';
import { ConnectionEntity } from './connection.entity';
import { ConnectionTesterService } from './connection-tester.service';
import { ConnectionsController } from './connections.controller';
import { ConnectionsResolverFactory } from './connections-resolver.factory';
import { ConnectionsService } from './connections.service';

/**
 * Per-tenant connections: CRUD, the test endpoint, and ConnectionsResolverFactory (global, so the
 * test-run and trigger runners can scope runs to a tenant's connections).
 */
@Module({
  imports: [TypeOrmModule.forFeature([ConnectionEntity]), AuditModule, EngineModule],
  controllers: [ConnectionsController],
  providers: [
    ConnectionCache,
    ConnectionsService,
    ConnectionsResolverFactory,
    ConnectionTesterService,
    ConnectionUseCheck,
  ],
  exports: [ConnectionsResolverFactory, ConnectionsService, ConnectionUseCheck],
})
export class ConnectionsModule {}
