import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExecutionEntity } from './execution.entity';
import { ExecutionWriter } from './execution-writer.service';
import { ExecutionsController } from './executions.controller';
import { ExecutionsService } from './executions.service';

/** Execution storage: the one writer of execution rows (batched) and the read API. */
@Module({
  imports: [TypeOrmModule.forFeature([ExecutionEntity])],
  controllers: [ExecutionsController],
  providers: [ExecutionWriter, ExecutionsService],
  exports: [ExecutionWriter, ExecutionsService, TypeOrmModule],
})
export class ExecutionsModule {}
