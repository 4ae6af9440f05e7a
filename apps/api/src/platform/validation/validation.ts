import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { findLoneSurrogate, findNul, isPlainObject, reservedKey, setOpaqueAside } from '../json/json-fields';

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) =>
      m.startsWith(e.property) ? `${prefix ? prefix + '.' : ''}${m}` : `${path}: ${m}`,
    );
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** Turns class-validator errors into the API's 400 with every problem listed. */
export function validationException(errors: ValidationError[]): BadRequestException {
  const details = flatten(errors);
  return new BadRequestException({ message: details[0] ?? 'invalid request', details });
}

/**
 * The DTO pipe of every route: unknown fields and wrong types are 400s. Before class-transformer
 * runs it refuses strings holding U+0000 (PostgreSQL cannot store them) and keys no DTO has
 * (`constructor`, `__proto__`, …), and it sets opaque JSON fields aside (see json-fields.ts); the
 * rest may not hold lone surrogates.
 */
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const nul = findNul(value);
      if (nul) throw new BadRequestException(`${nul}: text may not contain the NUL character (U+0000)`);
    }
    if (!isPlainObject(value) || !metadata.metatype || metadata.type === 'custom')
      return super.transform(value, metadata);
    const reserved = reservedKey(value);
    if (reserved)
      throw new BadRequestException({
        message: `property ${reserved} should not exist`,
        details: [`property ${reserved} should not exist`],
      });
    const { shallow, restore } = setOpaqueAside(metadata.metatype, value);
    // DTO text must be Unicode (validators such as IsEmail throw on a lone surrogate); opaque JSON
    // (definitions, run inputs) is left as sent.
    const lone = this.toValidate(metadata) ? findLoneSurrogate(shallow) : undefined;
    if (lone) throw new BadRequestException(`${lone}: text must be valid Unicode (it holds a lone UTF-16 surrogate)`);
    const out = await super.transform(shallow, metadata);
    return isPlainObject(out) || typeof out === 'object' ? restore(out as object) : out;
  }
}

export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: validationException,
  });
}
