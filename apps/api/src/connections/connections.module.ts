import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionCache } from './connection-cache';
import { ConnectionUseCheck } from './connection-use-check';
import { ConnectionEntity } from './connection.entity';
import { ConnectionTesterService } from './connection-tester.service';
import { ConnectionsController } from './connections.controller';
import { ConnectionsResolverFactory } from './connections-resolver.factory';
import { ConnectionsService } from './connections.service';

/**
 * Per-tenant connections: CRUD, the test endpoint, and ConnectionsResolverFactory (global, so the
 * test-run and trigger runners can scope runs to a tenant's connections).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ConnectionEntity])],
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
