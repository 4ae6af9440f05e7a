import { OpaqueJson } from '../../platform/json/json-fields';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVENT_TYPES, type EventType } from '@callflow/flow';
import { IsIn, IsISO8601, IsObject, IsOptional, IsString, Length } from 'class-validator';

/** One event pushed by a PBX or dialer (`POST /events` takes one or an array of up to 1000). */
export class EventDto {
  @ApiProperty({
    description: 'Unique per event: a repeated id does not run a flow again (numbers are read as strings)',
    example: 'evt-9f2c',
  })
  @IsString()
  @Length(1, 200)
  id!: string;

  @ApiProperty({ enum: EVENT_TYPES })
  @IsIn(EVENT_TYPES)
  type!: EventType;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { id: 'c-1001', callerId: '+390612345678', direction: 'in', disposition: 'answered', queue: 'sales' },
  })
  @IsOptional()
  @IsObject()
  @OpaqueJson()
  call?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { id: 'k-7', phone: '+390612345678', firstName: 'Ada' },
  })
  @IsOptional()
  @IsObject()
  @OpaqueJson()
  contact?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'The campaign: its `id` (at most 200 characters; else `call.campaignId`) groups the runs by campaign',
    type: 'object',
    additionalProperties: true,
    example: { id: 'spring', name: 'Spring promo' },
  })
  @IsOptional()
  @IsObject()
  @OpaqueJson()
  campaign?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'When it happened (ISO 8601); defaults to the time it was accepted',
    example: '2025-11-21T10:15:00Z',
  })
  @IsOptional()
  @IsISO8601()
  at?: string;
}
