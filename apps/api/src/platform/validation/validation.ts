import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import type { ClassTransformOptions } from 'class-transformer';
import type { ValidatorOptions } from 'class-validator';
import {
  findLoneSurrogate,
  findNul,
  findOutOfRange,
  findReservedKey,
  holdsUnstorable,
  isPlainObject,
  reservedKey,
  opaqueSchemaProblem,
  setOpaqueAside,
} from '../json/json-fields';
import { NOT_AN_OBJECT } from '../errors/http-exception.filter';

/** class-transformer's options for every DTO: no implicit conversion ("1" stays a string). */
export const TRANSFORM_OPTIONS: ClassTransformOptions = { enableImplicitConversion: false };

/** class-validator's options for every DTO: a field no DTO declares is a 400, not dropped. */
export const VALIDATOR_OPTIONS: ValidatorOptions = { whitelist: true, forbidNonWhitelisted: true };

/**
 * One line per problem. A message that starts with its property (`name must be a string`, or a
 * custom `allowedOrigins.0: …`) is prefixed with the parent's path only; any other reads
 * `path: message`. With `labelled`, every line reads `path: message` (`events[3].type: type must …`).
 */
export function problemLines(errors: ValidationError[], prefix = '', labelled = false): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    // Two validators of one property may say the same (IsObject and ValidateNested): say it once.
    const own = [...new Set(Object.values(e.constraints ?? {}))].map((m) =>
      !labelled && m.startsWith(e.property) ? `${prefix ? prefix + '.' : ''}${m}` : `${path}: ${m}`,
    );
    return [...own, ...problemLines(e.children ?? [], path, labelled)];
  });
}

/** The API's 400 for invalid input: the first problem is the message, all of them the details. */
export function problemsException(details: string[]): BadRequestException {
  return new BadRequestException({ message: details[0] ?? 'invalid request', details });
}

/** Turns class-validator errors into the API's 400 with every problem listed. */
export function validationException(errors: ValidationError[]): BadRequestException {
  return problemsException(problemLines(errors));
}

/** `path: message`, or `message` alone at the top. */
const at = (path: string, message: string) => (path ? `${path}: ${message}` : message);

/** The 400's line for a string holding U+0000 at `path`. */
export const nulProblem = (path: string) => at(path, 'text may not contain the NUL character (U+0000)');

/** The line for a number JSON could not hold (`1e400`, read as Infinity) at `path`. */
export const outOfRangeProblem = (path: string) => at(path, 'number out of range (beyond ±1.8e308)');

/**
 * The 400's line for what `value` holds that would not be stored as sent (a string with U+0000, a
 * number JSON cannot hold), its path under `prefix` (`events[3]`); undefined when there is none. One
 * walk for clean input; a lone surrogate passes here (screenDtoBody words it).
 */
export function unstorableProblem(value: unknown, prefix?: string): string | undefined {
  if (!holdsUnstorable(value)) return undefined;
  const under = (path: string) => (prefix ? `${prefix}.${path}` : path);
  const nul = findNul(value);
  if (nul) return nulProblem(under(nul));
  const big = findOutOfRange(value);
  return big ? outOfRangeProblem(under(big)) : undefined;
}

/** The line for a key no DTO has (`constructor`, `__proto__`, …) at `path` (which ends with it). */
export const reservedProblem = (path: string, key: string) => at(path, `property ${key} should not exist`);

/**
 * What a DTO body goes through before class-transformer (the pipe and validateBody alike): keys no
 * DTO has are refused at any depth (class-transformer silently drops `__proto__` and `constructor`,
 * so whitelisting would not see them), opaque JSON fields are set aside (json-fields.ts), and the
 * rest may not hold lone surrogates (validators such as IsEmail throw on one). Returns the first
 * problem (its path from the body) or the body to transform with the way to put opaque fields back.
 */
export function screenDtoBody(
  cls: unknown,
  plain: Record<string, unknown>,
): { problem: string } | { problem?: undefined; shallow: Record<string, unknown>; restore<T extends object>(i: T): T } {
  const opaque = setOpaqueAside(cls, plain);
  const reserved = findReservedKey(opaque.shallow);
  if (reserved) return { problem: reservedProblem(reserved.path, reserved.key) };
  const lone = findLoneSurrogate(opaque.shallow);
  if (lone) return { problem: `${lone}: text must be valid Unicode (it holds a lone UTF-16 surrogate)` };
  const content = opaqueSchemaProblem(cls, plain);
  if (content) return { problem: content };
  return opaque;
}

/**
 * The DTO pipe of every route: unknown fields and wrong types are 400s. Before class-transformer
 * runs it refuses strings holding U+0000 (PostgreSQL cannot store them) and screens DTO bodies
 * (screenDtoBody). A body without a DTO class (a union the service validates with validateBody,
 * an opaque event or webhook body) only has its top-level keys checked.
 */
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const unstorable = unstorableProblem(value);
      if (unstorable) throw problemsException([unstorable]);
    }
    // A DTO body is an object: an array (or `null` that reached here) must not read as missing fields.
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata) && !isPlainObject(value))
      throw problemsException([NOT_AN_OBJECT]);
    if (!isPlainObject(value) || !metadata.metatype || metadata.type === 'custom')
      return super.transform(value, metadata);
    if (!this.toValidate(metadata)) {
      const reserved = reservedKey(value);
      if (reserved) throw problemsException([reservedProblem(reserved, reserved)]);
      return super.transform(value, metadata);
    }
    const screened = screenDtoBody(metadata.metatype, value);
    if (screened.problem !== undefined) throw problemsException([screened.problem]);
    const out = await super.transform(screened.shallow, metadata);
    return isPlainObject(out) || typeof out === 'object' ? screened.restore(out as object) : out;
  }
}

export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    transformOptions: TRANSFORM_OPTIONS,
    exceptionFactory: validationException,
  });
}
