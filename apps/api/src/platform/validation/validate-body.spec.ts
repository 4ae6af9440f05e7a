import 'reflect-metadata';
import { BadRequestException } from '@nestjs/common';
import { IsIn, IsObject, IsOptional, IsString, Length } from 'class-validator';
import { OpaqueJson } from '../json/json-fields';
import { OneOfKind } from './one-of';
import { checkBody, validateBody, validateOneOf } from './validate-body';
import { createValidationPipe } from './validation';

class CatDto {
  @IsIn(['cat'])
  kind!: 'cat';

  @IsString()
  @Length(1, 20)
  name!: string;
}

class DogDto {
  @IsIn(['dog'])
  kind!: 'dog';

  @IsOptional()
  @IsString()
  breed?: string;
}

class OwnerDto {
  @IsString()
  @Length(1, 20)
  name!: string;

  @OneOfKind('kind', { cat: CatDto, dog: DogDto })
  pet!: CatDto | DogDto;

  @OneOfKind('kind', { cat: CatDto, dog: DogDto }, { optional: true })
  second?: CatDto | DogDto;

  @IsOptional()
  @IsObject()
  @OpaqueJson()
  extra?: Record<string, unknown>;
}

/** The problems of a 400 thrown by `run`, or the value it returned. */
function outcome(run: () => unknown): { ok?: unknown; refused?: string[] } {
  try {
    return { ok: JSON.parse(JSON.stringify(run())) as unknown };
  } catch (err) {
    if (!(err instanceof BadRequestException)) throw err;
    const r = err.getResponse() as { message: string; details: string[] };
    expect(r.message).toBe(r.details[0]);
    return { refused: r.details };
  }
}

const owner = (more: Record<string, unknown> = {}) => ({ name: 'ada', pet: { kind: 'cat', name: 'tom' }, ...more });

describe('validateBody', () => {
  it('returns the DTO instance with nested union members built by kind', () => {
    const dto = validateBody(OwnerDto, owner({ second: { kind: 'dog' } }));
    expect(dto).toBeInstanceOf(OwnerDto);
    expect(dto.pet).toBeInstanceOf(CatDto);
    expect(dto.second).toBeInstanceOf(DogDto);
  });

  it('lists every problem with its path; the first is the message', () => {
    expect(outcome(() => validateBody(OwnerDto, { name: '', pet: { kind: 'cat' }, zz: 1 }))).toEqual({
      refused: [
        'zz: property zz should not exist',
        'name must be longer than or equal to 1 characters',
        'pet.name must be longer than or equal to 1 characters',
        'pet.name must be a string',
      ],
    });
  });

  it('reads an unknown or missing kind as one problem naming the kinds, not as every field of a shape', () => {
    expect(outcome(() => validateBody(OwnerDto, owner({ pet: { kind: 'cow', moo: true } })))).toEqual({
      refused: ['pet.kind: must be one of cat, dog'],
    });
    expect(outcome(() => validateBody(OwnerDto, owner({ pet: { name: 'x' } })))).toEqual({
      refused: ['pet.kind: must be one of cat, dog'],
    });
    expect(outcome(() => validateBody(OwnerDto, owner({ pet: 'cat' })))).toEqual({
      refused: ['pet: must be an object'],
    });
    expect(outcome(() => validateBody(OwnerDto, { name: 'ada' }))).toEqual({ refused: ['pet: is required'] });
    // Optional means absent, not null.
    expect(outcome(() => validateBody(OwnerDto, owner({ second: null })))).toEqual({
      refused: ['second: must be an object'],
    });
    expect(outcome(() => validateBody(OwnerDto, owner({ pet: { kind: 'dog', name: 'rex' } })))).toEqual({
      refused: ['pet.name: property name should not exist'],
    });
  });

  it('refuses U+0000, reserved keys at any depth and lone surrogates, as the global pipe does', () => {
    expect(outcome(() => validateBody(OwnerDto, owner({ extra: { a: ['x\u0000'] } })))).toEqual({
      refused: ['extra.a[0]: text may not contain the NUL character (U+0000)'],
    });
    const nested = JSON.parse('{"name":"ada","pet":{"kind":"cat","name":"tom","__proto__":{"x":1}}}') as unknown;
    expect(outcome(() => validateBody(OwnerDto, nested))).toEqual({
      refused: ['pet.__proto__: property __proto__ should not exist'],
    });
    expect(outcome(() => validateBody(OwnerDto, { ...owner(), constructor: {} }))).toEqual({
      refused: ['constructor: property constructor should not exist'],
    });
    expect(outcome(() => validateBody(OwnerDto, owner({ name: 'a\ud800' })))).toEqual({
      refused: ['name: text must be valid Unicode (it holds a lone UTF-16 surrogate)'],
    });
    expect(outcome(() => validateBody(OwnerDto, [owner()]))).toEqual({ refused: ['body: must be a JSON object'] });
  });

  it('sets opaque JSON aside: kept as sent (reserved keys and lone surrogates included), not walked', () => {
    const extra = JSON.parse('{"constructor":{"a":"\\ud800"},"list":[1,{"b":2}]}') as Record<string, unknown>;
    const dto = validateBody(OwnerDto, owner({ extra }));
    expect(dto.extra).toBe(extra);
  });

  it('answers as the global ValidationPipe does for the same DTO', async () => {
    const pipe = createValidationPipe();
    const bodies: unknown[] = [
      owner(),
      owner({ second: { kind: 'dog', breed: 'lab' } }),
      { name: 'x'.repeat(21), pet: { kind: 'cat', name: 1 } },
      owner({ pet: { kind: 'bird' } }),
      owner({ nope: true }),
      JSON.parse('{"name":"a","pet":{"kind":"dog"},"__proto__":{}}'),
      owner({ name: '\udc00' }),
      owner({ extra: { s: 'a\u0000' } }),
    ];
    for (const body of bodies) {
      const global = await pipe
        .transform(body, { type: 'body', metatype: OwnerDto })
        .then((v) => ({ ok: JSON.parse(JSON.stringify(v)) as unknown }))
        .catch((err: BadRequestException) => ({ refused: (err.getResponse() as { details: string[] }).details }));
      expect(outcome(() => validateBody(OwnerDto, body))).toEqual(global);
    }
  });
});

describe('checkBody with an item path', () => {
  it('labels every line `<at>.<path>: <message>` and does not throw', () => {
    expect(checkBody(OwnerDto, { name: 1, pet: { kind: 'dog' } }, 'items[3]')).toEqual({
      ok: false,
      problems: [
        'items[3].name: name must be longer than or equal to 1 and shorter than or equal to 20 characters',
        'items[3].name: name must be a string',
      ],
    });
    const reserved = JSON.parse('{"name":"a","pet":{"kind":"dog"},"valueOf":1}') as unknown;
    expect(checkBody(OwnerDto, reserved, 'items[0]')).toEqual({
      ok: false,
      problems: ['items[0].valueOf: property valueOf should not exist'],
    });
    expect(checkBody(OwnerDto, owner({ name: 'x\u0000' }), 'items[1]')).toEqual({
      ok: false,
      problems: ['items[1].name: text may not contain the NUL character (U+0000)'],
    });
    expect(checkBody(OwnerDto, 'x', 'items[2]')).toEqual({ ok: false, problems: ['items[2]: must be a JSON object'] });
  });
});

describe('validateOneOf', () => {
  const kinds = { cat: CatDto, dog: DogDto };

  it('validates with the class of the kind', () => {
    expect(validateOneOf({ kind: 'dog', breed: 'lab' }, 'kind', kinds)).toBeInstanceOf(DogDto);
    expect(outcome(() => validateOneOf({ kind: 'dog', name: 'x' }, 'kind', kinds))).toEqual({
      refused: ['name: property name should not exist'],
    });
  });

  it('says which kinds exist when the kind is unknown or missing', () => {
    expect(outcome(() => validateOneOf({ kind: 'cow' }, 'kind', kinds))).toEqual({
      refused: ['kind: must be one of cat, dog (got "cow")'],
    });
    expect(outcome(() => validateOneOf({}, 'kind', kinds))).toEqual({
      refused: ['kind: must be one of cat, dog (missing)'],
    });
    expect(outcome(() => validateOneOf({ kind: 'constructor' }, 'kind', kinds))).toEqual({
      refused: ['kind: must be one of cat, dog (got "constructor")'],
    });
    expect(outcome(() => validateOneOf(null, 'kind', kinds))).toEqual({ refused: ['the body must be a JSON object'] });
  });
});
