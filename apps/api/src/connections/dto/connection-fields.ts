/**
 * Field decorators of the connection DTOs: validation, its messages and OpenAPI in one place. The
 * messages leave the path out (`must be 1 to 100 characters`): the 400 reads `name: must be …`,
 * `request.headers.0.name: …`, which the editor shows as is. "Optional" means it may be absent;
 * null is refused unless said (description, and a secret on PUT).
 */
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { normalizeOrigin } from '@callflow/engine';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  isInt,
  IsObject,
  IsOptional,
  Length,
  Matches,
  max,
  MaxLength,
  min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import { isPlainObject } from '../../platform/json/json-fields';

/** POST (every secret required) or PUT (a secret omitted is kept, null clears it). */
export type Mode = 'create' | 'update';

type Doc = ApiPropertyOptions & { optional?: boolean };

/**
 * OpenAPI's entry, and for an optional field the condition that skips its checks when it is absent
 * (or null too, when it is `nullable`).
 */
function base(doc: Doc = {}): PropertyDecorator[] {
  const { optional, ...rest } = doc;
  if (!optional) return [ApiProperty(rest as ApiPropertyOptions)];
  const skip = rest.nullable ? IsOptional() : ValidateIf((_: object, v: unknown) => v !== undefined);
  return [ApiPropertyOptional(rest as ApiPropertyOptions), skip];
}

/** A required field's message: `is required` when it is absent, else `text`. */
const unlessAbsent = (text: string) => (a: ValidationArguments) => (a.value === undefined ? 'is required' : text);

/** Text of 1..max characters (class-validator's Length refuses non-strings too: one line). */
export const Text = (max: number, doc?: Doc) =>
  applyDecorators(
    ...base({ type: String, minLength: 1, maxLength: max, ...doc }),
    Length(1, max, { message: unlessAbsent(`must be text of 1 to ${max} characters`) }),
  );

/** Text of at most max characters, empty allowed. */
export const ShortText = (max: number, doc?: Doc) =>
  applyDecorators(
    ...base({ type: String, maxLength: max, ...doc }),
    MaxLength(max, { message: unlessAbsent(`must be text of at most ${max} characters`) }),
  );

/** Text matching `re` (its length bound in the pattern), with what it should be in `rule`. */
export const Pattern = (re: RegExp, rule: string, doc?: Doc) =>
  applyDecorators(...base({ type: String, pattern: re.source, ...doc }), Matches(re, { message: unlessAbsent(rule) }));

/** One of `values`. */
export const Choice = (values: readonly string[], doc?: Doc) =>
  applyDecorators(
    ...base({ enum: values, ...doc }),
    IsIn(values, { message: unlessAbsent(`must be one of ${values.join(', ')}`) }),
  );

/** The discriminator of a DTO of a union: its one value. */
export const Kind = (value: string) =>
  applyDecorators(ApiProperty({ enum: [value] }), IsIn([value], { message: `must be ${value}` }));

/** true or false. */
export const Flag = (doc?: Doc) =>
  applyDecorators(...base({ type: Boolean, ...doc }), IsBoolean({ message: 'must be true or false' }));

/** A whole number in lo..hi (class-validator's isInt, min and max as one rule: one line). */
export const WholeNumber = (lo: number, hi: number, doc?: Doc) =>
  applyDecorators(
    ...base({ type: 'integer', minimum: lo, maximum: hi, ...doc }),
    ValidateBy({
      name: 'isWholeNumberIn',
      validator: {
        validate: (v) => isInt(v) && min(v, lo) && max(v, hi),
        defaultMessage: unlessAbsent(`must be a whole number from ${lo} to ${hi}`),
      },
    }),
  );

/** An absolute http(s) URL (the oauth2 token URL). */
export const HttpUrl = (doc?: Doc) =>
  applyDecorators(
    ...base({ type: String, maxLength: 2000, example: 'https://auth.example.com/oauth/token', ...doc }),
    Matches(/^https?:\/\//i, { message: unlessAbsent('must be an http(s) URL') }),
    MaxLength(2000, { message: 'must be at most 2000 characters' }),
  );

/** A nested object of class `cls` (checked with its own paths). */
export const Nested = (cls: () => new () => object, doc?: Doc) =>
  applyDecorators(
    // A function named `type` is what @nestjs/swagger reads as a lazy type.
    ...base({ type: () => cls(), ...doc }),
    IsObject({ message: unlessAbsent('must be an object') }),
    ValidateNested({ message: 'must be an object' }),
    Type(cls),
  );

/** A list of at most `max` objects of class `cls`. */
export const NestedList = (cls: () => new () => object, max: number, doc?: Doc) =>
  applyDecorators(
    ...base({ type: () => cls(), isArray: true, maxItems: max, ...doc }),
    IsArray({ message: unlessAbsent('must be a list') }),
    ArrayMaxSize(max, { message: `at most ${max} items` }),
    IsObject({ each: true, message: 'every item must be an object' }),
    ValidateNested({ each: true, message: 'must be an object' }),
    Type(cls),
  );

/** A secret: write-only, required on POST; on PUT omitted keeps it and null clears it. */
export const Secret = (mode: Mode, description: string) =>
  applyDecorators(
    ...(mode === 'create'
      ? [ApiProperty({ type: String, description, writeOnly: true, minLength: 1, maxLength: 8000 })]
      : [
          ApiPropertyOptional({
            type: String,
            description: `${description}; omit to keep the stored one, null to clear it`,
            writeOnly: true,
            nullable: true,
            minLength: 1,
            maxLength: 8000,
          }),
          IsOptional(),
        ]),
    Length(1, 8000, { message: unlessAbsent('must be text of 1 to 8000 characters') }),
  );

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * A check whose message names the part of the value that fails (`fields.bad key: …`): `problem`
 * answers `[path after the property, message]` or undefined.
 */
function Check(name: string, problem: (value: unknown) => [string, string] | undefined) {
  return ValidateBy({
    name,
    validator: {
      validate: (value) => problem(value) === undefined,
      defaultMessage: (args) => {
        const [where, text] = problem(args?.value) ?? ['', 'is invalid'];
        return `${args?.property ?? ''}${where}: ${text}`;
      },
    },
  });
}

function scalarMapProblem(v: unknown): [string, string] | undefined {
  if (!isPlainObject(v)) return ['', 'must be an object of name → text, number, true/false or null'];
  const keys = Object.keys(v);
  if (keys.length > 50) return ['', 'at most 50 fields'];
  for (const k of keys) {
    if (!IDENTIFIER.test(k)) return [`.${k}`, 'field names are identifiers (letters, digits, _; at most 64)'];
    const x = v[k];
    if (typeof x === 'string' ? x.length > 4000 : !(x === null || typeof x === 'number' || typeof x === 'boolean'))
      return [`.${k}`, 'must be text (at most 4000 characters), a number, true/false or null'];
  }
  return undefined;
}

/** `fields`: the connection's free settings, name → scalar, that flows read as `{{connection.<name>}}`. */
export const ScalarMap = () =>
  applyDecorators(
    ...base({
      optional: true,
      type: 'object',
      additionalProperties: { oneOf: [{ type: 'string', maxLength: 4000 }, { type: 'number' }, { type: 'boolean' }] },
      description: 'Free settings flows read as {{connection.<name>}}: identifier → text, number, boolean or null',
      example: { baseUrl: 'https://crm.example.com', accountId: 42 },
    }),
    Check('isFieldMap', scalarMapProblem),
  );

/** token_endpoint's `secrets`: name → value (on PUT null clears one, an omitted name is kept). */
export const SecretMap = (mode: Mode) => {
  const problem = (v: unknown): [string, string] | undefined => {
    if (!isPlainObject(v)) return ['', 'must be an object of secret name → value'];
    const keys = Object.keys(v);
    if (keys.length > 20) return ['', 'at most 20 secrets'];
    for (const k of keys) {
      if (!IDENTIFIER.test(k)) return [`.${k}`, 'secret names are identifiers (letters, digits, _; at most 64)'];
      const x = v[k];
      if (mode === 'update' && x === null) continue;
      if (typeof x !== 'string' || x.length < 1 || x.length > 8000)
        return [`.${k}`, `must be text of 1 to 8000 characters${mode === 'update' ? ' or null' : ''}`];
    }
    return undefined;
  };
  return applyDecorators(
    ...base({
      optional: true,
      type: 'object',
      additionalProperties: {
        type: 'string',
        minLength: 1,
        maxLength: 8000,
        ...(mode === 'update' ? { nullable: true } : {}),
      },
      writeOnly: true,
      description: 'Secrets the templates read as {{secrets.<name>}}' + (mode === 'update' ? '; null clears one' : ''),
      example: { password: 's3cret' },
    }),
    Check('isSecretMap', problem),
  );
};

function originsProblem(v: unknown): [string, string] | undefined {
  if (!Array.isArray(v)) return ['', 'must be a list of origins'];
  if (v.length > 20) return ['', 'at most 20 origins'];
  for (let i = 0; i < v.length; i++) {
    const o: unknown = v[i];
    if (typeof o !== 'string' || o.length > 300) return [`.${i}`, 'must be an origin of at most 300 characters'];
    try {
      normalizeOrigin(o);
    } catch (err) {
      return [`.${i}`, (err as Error).message];
    }
  }
  return undefined;
}

/** Where the credentials may be sent: origins the engine's normalizeOrigin accepts (stored canonical). */
export const Origins = () =>
  applyDecorators(
    ...base({
      optional: true,
      type: [String],
      maxItems: 20,
      description:
        'Origins the credentials may be sent to (scheme, host and port), stored canonical; ' +
        "absent: as stored (PUT) or derived from the connection's own URLs",
      example: ['https://crm.example.com'],
    }),
    Check('isOriginList', originsProblem),
  );
