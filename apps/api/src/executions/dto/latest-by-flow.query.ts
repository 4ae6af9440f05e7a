import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';

/** Most flows one GET /executions/latest-by-flow may ask about (the editor's page of flows). */
const MAX_LATEST_FLOWS = 200;

/** The flows whose newest run is wanted: `?flowIds=<uuid>,<uuid>` (comma separated). */
export class LatestByFlowQuery {
  @ApiProperty({ type: String, description: `Flow ids, comma separated (at most ${MAX_LATEST_FLOWS})` })
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LATEST_FLOWS)
  @IsUUID('all', { each: true })
  flowIds!: string[];
}
