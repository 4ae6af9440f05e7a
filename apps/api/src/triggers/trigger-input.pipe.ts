import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { RunInput } from '@callflow/engine';
import { CheckedByOwnPipe, isPlainObject } from '../platform/json/json-fields';

/** The body of a trigger call, as TriggerInputPipe checked it (the global pipe leaves it alone). */
@CheckedByOwnPipe()
export class TriggerInput implements RunInput {
  call?: Record<string, unknown>;
  contact?: Record<string, unknown>;
  campaign?: Record<string, unknown>;
  ivr?: Record<string, unknown>;
  event?: Record<string, unknown>;
}

/**
 * Checks a trigger body by hand: only the known parts, each a JSON object. Trigger calls are the
 * hot path (an IVR caller is on hold), and this is the whole of their schema, so the reflective
 * class-validator pass is skipped here; the DTO still documents the body in OpenAPI.
 */
export class TriggerInputPipe implements PipeTransform<unknown, TriggerInput> {
  constructor(private readonly parts: readonly (keyof RunInput)[]) {}

  transform(body: unknown): TriggerInput {
    return checkTriggerInput(body, this.parts);
  }
}

/** The trigger input in `body` (only the known `parts`, each a JSON object); throws a 400 naming every problem. */
export function checkTriggerInput(body: unknown, parts: readonly (keyof RunInput)[]): TriggerInput {
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
  return input as TriggerInput;
}
