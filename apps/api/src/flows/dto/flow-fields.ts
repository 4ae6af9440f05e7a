import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { OpaqueJson } from '../../platform/json/json-fields';

/** Flow keys: URL slugs unique per tenant (/ivr/:flowKey, /hooks/:flowKey). */
export const FLOW_KEY_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;

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
      pattern: FLOW_KEY_RE.source,
      description: 'Unique per tenant; derived from the name when absent',
    }),
    IsOptional(),
    IsString(),
    Matches(FLOW_KEY_RE, {
      message: 'key must be a lower-case slug: a-z, 0-9 and "-", at most 64 characters, not starting with "-"',
    }),
  );

export const DescriptionField = () =>
  applyDecorators(
    ApiPropertyOptional({ example: 'Routes VIP callers to their queue', maxLength: 2000 }),
    IsOptional(),
    IsString(),
    MaxLength(2000),
  );
