/**
 * Validation of a body the global pipe cannot type from the route alone: a union chosen by a field
 * (POST /connections: one DTO per `type`) or each item of a batch (POST /events). The same checks
 * as the pipe (validation.ts: U+0000, reserved keys, opaque JSON set aside, lone surrogates, then
 * class-transformer and class-validator with the same options) and the same 400.
 */
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { NOT_AN_OBJECT } from '../errors/http-exception.filter';
import { isPlainObject } from '../json/json-fields';
import {
  problemLines,
  problemsException,
  screenDtoBody,
  TRANSFORM_OPTIONS,
  unstorableProblem,
  VALIDATOR_OPTIONS,
} from './validation';

/** A DTO class (validated as the pipe validates a route's body). */
export type DtoClass<T extends object = object> = new () => T;

/** The result of checkBody: the DTO instance, or the 400's lines. */
export type BodyCheck<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const join = (at: string | undefined, path: string) => (at ? `${at}.${path}` : path);

/**
 * Checks `value` as a `cls` body without throwing. With `at` (an item's path, `events[3]`) every
 * line reads `events[3].<field>: <message>`; without it, as the pipe words them.
 */
export function checkBody<T extends object>(cls: DtoClass<T>, value: unknown, at?: string): BodyCheck<T> {
  const unstorable = unstorableProblem(value, at);
  if (unstorable) return { ok: false, problems: [unstorable] };
  if (!isPlainObject(value)) return { ok: false, problems: [`${at ?? 'body'}: must be a JSON object`] };
  const screened = screenDtoBody(cls, value);
  if (screened.problem !== undefined) return { ok: false, problems: [join(at, screened.problem)] };
  const dto = plainToInstance(cls, screened.shallow, TRANSFORM_OPTIONS);
  const errors = validateSync(dto, VALIDATOR_OPTIONS);
  if (errors.length > 0) return { ok: false, problems: problemLines(errors, at ?? '', at !== undefined) };
  return { ok: true, value: screened.restore(dto) };
}

/** `value` as a `cls`, or the API's 400 listing every problem. */
export function validateBody<T extends object>(cls: DtoClass<T>, value: unknown): T {
  const r = checkBody(cls, value);
  if (!r.ok) throw problemsException(r.problems);
  return r.value;
}

/**
 * A body that is one of several DTOs, chosen by its `key` field (`type`): a missing or unknown
 * kind is a 400 naming the kinds there are; otherwise validateBody with that kind's class.
 */
export function validateOneOf<C extends Readonly<Record<string, DtoClass>>>(
  value: unknown,
  key: string,
  classes: C,
): InstanceType<C[keyof C]> {
  if (!isPlainObject(value)) throw problemsException([NOT_AN_OBJECT]);
  const kind = value[key];
  if (typeof kind !== 'string' || !Object.hasOwn(classes, kind)) {
    const given = kind === undefined ? 'missing' : `got ${JSON.stringify(kind)?.slice(0, 60)}`;
    throw problemsException([`${key}: must be one of ${Object.keys(classes).join(', ')} (${given})`]);
  }
  return validateBody(classes[kind]!, value) as InstanceType<C[keyof C]>;
}
