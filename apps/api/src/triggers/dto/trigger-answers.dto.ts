import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ExecutionIdDto } from '../../executions/dto/execution-id.dto';

export class RunErrorDto {
  @ApiProperty({ example: 'HTTP_TIMEOUT' })
  code!: string;

  @ApiProperty()
  message!: string;

  @ApiPropertyOptional({ description: 'The node that failed (with handled)', example: 'lookup' })
  node?: string;

  @ApiPropertyOptional({
    description:
      "true: the node's failure was handled by its error edge and " +
      'the flow answered anyway (e.g. a fallback after a SOAP fault)',
  })
  handled?: boolean;
}

/** What an IVR gets back (always 200: it needs an answer it can use). */
export class IvrAnswerDto extends ExecutionIdDto {
  @ApiProperty({
    enum: ['succeeded', 'failed', 'timeout'],
    description:
      'succeeded: a respond node answered (or the run ended without one: output null); ' +
      'timeout: the deadline passed first; failed: the run failed before answering',
  })
  status!: 'succeeded' | 'failed' | 'timeout';

  @ApiProperty({
    description: "The respond node's body (parsed when JSON), the trigger's fallback on timeout or failure, or null",
    nullable: true,
  })
  output!: unknown;

  @ApiPropertyOptional({
    type: RunErrorDto,
    description:
      'Present when the run failed before answering, or (with handled: ' +
      'true) when a failed step was handled and the answer came from its error path',
  })
  error?: RunErrorDto;
}

export class AcceptedEventDto {
  @ApiProperty()
  eventId!: string;

  @ApiProperty({
    type: [String],
    description:
      'One execution per matching published flow; for a repeated event id, the executions it started the first time',
  })
  executionIds!: string[];
}

export class EventsAcceptedDto {
  @ApiProperty({ type: [AcceptedEventDto] })
  accepted!: AcceptedEventDto[];
}
