import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';

const part = (description: string, example: Record<string, unknown>) => ApiPropertyOptional({ type: 'object', additionalProperties: true, description, example });

/** An IVR's question mid-call: the parts of the run context it knows (design.md §4). */
export class IvrRequestDto {
  @part('The call: id, callerId, calledNumber, direction, queue, agent, custom …', { id: 'c-1001', callerId: '+390612345678', calledNumber: '800123', direction: 'in' })
  @IsOptional()
  @IsObject()
  call?: Record<string, unknown>;

  @part('The contact, when known: id, phone, firstName, lastName, email, custom …', { phone: '+390612345678' })
  @IsOptional()
  @IsObject()
  contact?: Record<string, unknown>;

  @part('The campaign: id, name', { id: 'spring' })
  @IsOptional()
  @IsObject()
  campaign?: Record<string, unknown>;

  @part('IVR state: digits, node', { digits: '1', node: 'menu' })
  @IsOptional()
  @IsObject()
  ivr?: Record<string, unknown>;

  @part('Event data: type, id, at', { type: 'ivr.query' })
  @IsOptional()
  @IsObject()
  event?: Record<string, unknown>;
}
