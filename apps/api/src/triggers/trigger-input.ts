import { BadRequestException } from '@nestjs/common';
import { getMetadataStorage, isObject, ValidationTypes } from 'class-validator';
import { NOT_AN_OBJECT } from '../platform/errors/http-exception.filter';
import { isPlainObject } from '../platform/json/json-fields';

type Condition = (object: object, value: unknown) => boolean;
interface Rule {
  /** Its @ValidateIf / @IsOptional conditions: the property is checked only when all hold. */
  conditions: Condition[];
  /** The class-validator checks the trigger DTOs use, with class-validator's own messages. */
  checks: { test: (value: unknown) => boolean; message: (property: string) => string }[];
}

/** Validators a trigger DTO may use: class-validator's function and default message for each. */
const CHECKS: Record<string, Rule['checks'][number]> = {
  isObject: { test: isObject, message: (p) => `${p} must be an object` },
};

/**
 * The check of a trigger body, compiled once from the class-validator rules of the DTO that also
 * documents it in OpenAPI (IvrRequestDto): the rules, answers and messages of the global
 * ValidationPipe (whitelist, forbidNonWhitelisted: `property x should not exist`, `call must be an
 * object`; the first problem is the message, all are the details), run as one loop over the body's
 * keys. Trigger calls are the hot path (an IVR caller is on hold): class-validator's reflective
 * pass costs ~4-7 µs a call, this well under one. The value kept for a property is the one sent
 * (opaque JSON). Only the validators in CHECKS compile: a DTO using another fails at startup.
 * `explainUnknown` adds why an unknown field is refused (`property callerId should not exist:
 * callerId belongs inside "call" …`).
 */
export function compileInputCheck<T extends object>(
  dto: new () => T,
  explainUnknown?: (key: string) => string,
): (body: unknown) => T {
  const rules = new Map<string, Rule>();
  for (const m of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    const rule = rules.get(m.propertyName) ?? { conditions: [], checks: [] };
    rules.set(m.propertyName, rule);
    if (m.each || m.groups?.length || m.message !== undefined)
      throw new Error(`${dto.name}.${m.propertyName}: each, groups and custom messages do not compile`);
    if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) rule.conditions.push(m.constraints[0] as Condition);
    else if (m.type === ValidationTypes.CUSTOM_VALIDATION && m.name !== undefined && CHECKS[m.name])
      rule.checks.push(CHECKS[m.name]!);
    else throw new Error(`${dto.name}.${m.propertyName}: validator ${m.name ?? m.type} does not compile`);
  }
  return (body) => {
    if (body === undefined || body === null || body === '') return {} as T;
    if (!isPlainObject(body)) throw new BadRequestException(NOT_AN_OBJECT);
    const input: Record<string, unknown> = {};
    let problems: string[] | undefined;
    for (const key in body) {
      if (!Object.prototype.hasOwnProperty.call(body, key)) continue;
      const rule = rules.get(key);
      const value = body[key];
      if (rule === undefined) {
        const why = explainUnknown ? `: ${explainUnknown(key)}` : '';
        (problems ??= []).push(`property ${key} should not exist${why}`);
        continue;
      }
      let ok = true;
      if (applies(rule, body, value))
        for (const c of rule.checks)
          if (!c.test(value)) {
            (problems ??= []).push(c.message(key));
            ok = false;
          }
      if (ok && value !== undefined) input[key] = value;
    }
    if (problems) throw new BadRequestException({ message: problems[0], details: problems });
    return input as T;
  };
}

/** Whether the checks of `rule` apply to `value` (every @ValidateIf / @IsOptional condition holds). */
function applies(rule: Rule, body: object, value: unknown): boolean {
  for (const holds of rule.conditions) if (!holds(body, value)) return false;
  return true;
}
