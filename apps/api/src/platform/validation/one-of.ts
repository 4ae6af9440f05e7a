import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Exclude, Expose, Type } from 'class-transformer';
import { IsIn, IsObject, ValidateIf, ValidateNested } from 'class-validator';
import { isPlainObject } from '../json/json-fields';
import type { DtoClass } from './validate-body';

/**
 * The class an unknown kind is read as: only its `key` is copied (class-transformer's excludeAll),
 * so the one problem reported is `<path>.<key>: must be one of …`, not every field of the shape
 * that was meant.
 */
function unknownKind(key: string, kinds: string[]): DtoClass {
  class UnknownKind {}
  Exclude()(UnknownKind);
  Expose()(UnknownKind.prototype, key);
  IsIn(kinds, { message: `must be one of ${kinds.join(', ')}` })(UnknownKind.prototype, key);
  return UnknownKind;
}

/**
 * A nested object that is one of several DTOs, told apart by its `key` field (a discriminated
 * union, e.g. a token request's body `{type: 'json' | 'text' | 'form', …}`): class-transformer
 * builds the class of its kind, class-validator checks it (with the paths of its fields), and
 * OpenAPI shows a oneOf with a discriminator (list the members in the controller's ApiExtraModels).
 * Optional means it may be absent, not null.
 */
export function OneOfKind(
  key: string,
  members: Readonly<Record<string, DtoClass>>,
  options: { optional?: boolean; description?: string } = {},
): PropertyDecorator {
  const kinds = Object.keys(members);
  const Unknown = unknownKind(key, kinds);
  const doc = {
    description: options.description,
    // Said outright: from a tsc build, the property's design type (a union of classes) reads as a
    // self-reference to Swagger, and /api/docs/openapi.json answered 500 (SWC, as tests run, differs).
    type: Object,
    oneOf: kinds.map((k) => ({ $ref: getSchemaPath(members[k]!) })),
    discriminator: {
      propertyName: key,
      mapping: Object.fromEntries(kinds.map((k) => [k, getSchemaPath(members[k]!)])),
    },
  };
  return applyDecorators(
    options.optional ? ApiPropertyOptional(doc) : ApiProperty(doc),
    ...(options.optional ? [ValidateIf((_: object, v: unknown) => v !== undefined)] : []),
    IsObject({ message: (a) => (a.value === undefined ? 'is required' : 'must be an object') }),
    ValidateNested({ message: 'must be an object' }),
    Type((t) => {
      const v = t ? (t.object as Record<string, unknown>)[t.property] : undefined;
      const kind = isPlainObject(v) ? v[key] : undefined;
      return typeof kind === 'string' && Object.hasOwn(members, kind) ? members[kind]! : Unknown;
    }),
  );
}
