import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExecutionEntity } from './execution.entity';
import { ExecutionWriter } from './execution-writer.service';

/** Execution storage: the batched writer (global) and, with the flows work, the read API. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ExecutionEntity])],
  providers: [ExecutionWriter],
  exports: [ExecutionWriter, TypeOrmModule],
})
export class ExecutionsModule {}
