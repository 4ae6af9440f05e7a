import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, ValidateIf } from 'class-validator';

/** An optional JSON object: absent is fine, `null` is not (it is not an object). */
const part = (description: string, example: Record<string, unknown>) =>
  applyDecorators(
    ApiPropertyOptional({ type: 'object', additionalProperties: true, description, example }),
    ValidateIf((_body: object, value: unknown) => value !== undefined),
    IsObject(),
  );

/**
 * An IVR's question mid-call: the parts of the run context it knows (libs/flow/src/tokens.ts).
 * Documents the body, and its rules are the check IvrPipeline runs (compiled by compileInputCheck).
 */
export class IvrRequestDto {
  @part('The call: id, callerId, calledNumber, direction, queue, agent, custom …', {
    id: 'c-1001',
    callerId: '+390612345678',
    calledNumber: '800123',
    direction: 'in',
  })
  call?: Record<string, unknown>;

  @part('The contact, when known: id, phone, firstName, lastName, email, custom …', { phone: '+390612345678' })
  contact?: Record<string, unknown>;

  @part('The campaign: id, name', { id: 'spring' })
  campaign?: Record<string, unknown>;

  @part('IVR state: digits, node', { digits: '1', node: 'menu' })
  ivr?: Record<string, unknown>;

  @part('Event data: type, id, at', { type: 'ivr.query' })
  event?: Record<string, unknown>;
}
