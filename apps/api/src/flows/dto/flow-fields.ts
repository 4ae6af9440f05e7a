import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { FLOW_KEY_PATTERN, FLOW_KEY_RULE } from '@callflow/flow';
import { OpaqueJson } from '../../platform/json/json-fields';

export const EXAMPLE_DEFINITION = {
  schemaVersion: 1,
  nodes: [
    {
      id: 't',
      type: 'trigger.ivr',
      name: 'ivr',
      position: { x: 0, y: 0 },
      config: { deadlineMs: 3000, fallback: { queue: 'default' } },
    },
    { id: 'r', type: 'respond', name: 'answer', config: { body: { type: 'json', template: '{"queue": "vip"}' } } },
  ],
  edges: [{ id: 'e1', source: 't', target: 'r' }],
};

/** `definition`: any JSON object here; the service checks it with libs/flow (libs/flow/src/definition.ts). */
export const DefinitionField = (required = true) =>
  applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({
      type: 'object',
      additionalProperties: true,
      description: 'Flow definition {schemaVersion, nodes, edges}; drafts may be invalid, but must have that envelope',
      example: EXAMPLE_DEFINITION,
    }),
    IsObject(),
    OpaqueJson(),
    ...(required ? [] : [IsOptional()]),
  );

export const NameField = (required = true) =>
  applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({ example: 'VIP lookup', maxLength: 200 }),
    IsString(),
    Length(1, 200),
    ...(required ? [] : [IsOptional()]),
  );

export const KeyField = () =>
  applyDecorators(
    ApiPropertyOptional({
      example: 'vip-lookup',
      pattern: FLOW_KEY_PATTERN.source,
      description: 'Unique per tenant; derived from the name when absent; fixed once the flow is published',
    }),
    IsOptional(),
    IsString(),
    Matches(FLOW_KEY_PATTERN, { message: `key must be ${FLOW_KEY_RULE}` }),
  );

export const DescriptionField = () =>
  applyDecorators(
    ApiPropertyOptional({ example: 'Routes VIP callers to their queue', maxLength: 2000 }),
    IsOptional(),
    IsString(),
    MaxLength(2000),
  );
