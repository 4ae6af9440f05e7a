import { BadRequestException } from '@nestjs/common';
import type { RunInput } from '@callflow/engine';
import { isPlainObject } from '../common/json-fields';

/**
 * The trigger input in `body` (only the known `parts`, each a JSON object); throws a 400 naming every
 * problem. By hand: trigger calls are the hot path (an IVR caller is on hold), and this is the whole
 * of their schema, so the reflective class-validator pass is skipped; IvrRequestDto documents it.
 */
export function checkTriggerInput(body: unknown, parts: readonly (keyof RunInput)[]): RunInput {
  if (body === undefined || body === null || body === '') return {};
  if (!isPlainObject(body)) throw new BadRequestException('the body must be a JSON object');
  const input: Record<string, unknown> = {};
  let problems: string[] | undefined;
  for (const key in body) {
    if (!Object.prototype.hasOwnProperty.call(body, key)) continue;
    if (!(parts as readonly string[]).includes(key)) (problems ??= []).push(`property ${key} should not exist`);
    else if (!isPlainObject(body[key])) (problems ??= []).push(`${key} must be an object`);
    else input[key] = body[key];
  }
  if (problems) throw new BadRequestException({ message: problems[0], details: problems });
  return input as RunInput;
}
