import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExecutionEntity } from './execution.entity';
import { ExecutionWriter } from './execution-writer.service';
import { ExecutionsController } from './executions.controller';
import { ExecutionsService } from './executions.service';

/** Execution storage: the batched writer (global) and the read API. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ExecutionEntity])],
  controllers: [ExecutionsController],
  providers: [ExecutionWriter, ExecutionsService],
  exports: [ExecutionWriter, ExecutionsService, TypeOrmModule],
})
export class ExecutionsModule {}
