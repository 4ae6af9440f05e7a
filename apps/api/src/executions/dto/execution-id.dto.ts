import type { ExecutionRef } from '@callflow/flow';
import { ApiProperty } from '@nestjs/swagger';

/** The execution a request started (a retry, a queued event run, an IVR answer). */
export class ExecutionIdDto implements ExecutionRef {
  @ApiProperty({ format: 'uuid' })
  executionId!: string;
}
