import 'reflect-metadata';
import { BadRequestException } from '@nestjs/common';
import { IsObject, IsOptional, IsString } from 'class-validator';
import { createValidationPipe } from '../platform/validation/validation';
import { IvrRequestDto } from './dto/ivr-request.dto';
import { compileInputCheck } from './trigger-input';

/** What a check did with a body: the value it let through, or the problems of its 400. */
async function outcome(check: () => unknown): Promise<{ ok?: unknown; refused?: string[] }> {
  try {
    return { ok: JSON.parse(JSON.stringify(await check())) as unknown };
  } catch (err) {
    if (!(err instanceof BadRequestException)) throw err;
    const r = err.getResponse() as { message: string; details?: string[] };
    return { refused: [...(r.details ?? [r.message])].sort() };
  }
}

describe('compileInputCheck', () => {
  const check = compileInputCheck(IvrRequestDto);
  const pipe = createValidationPipe();

  it.each([
    '{}',
    '{"call":{"id":"c-1","callerId":"+3906"}}',
    '{"call":{"a":{"b":[1,2]}},"contact":{},"campaign":{"id":"x"},"ivr":{"digits":"1"},"event":{}}',
    '{"nonsense":1}',
    '{"call":"c-1"}',
    '{"call":null}',
    '{"call":[]}',
    '{"call":1,"x":2,"contact":"y"}',
    '{"constructor":{}}',
    '{"__proto__":{}}',
    '{"call":{},"ivr":true}',
  ])('answers %s as the global ValidationPipe does with IvrRequestDto', async (text) => {
    const body = JSON.parse(text) as unknown;
    const compiled = await outcome(() => check(body));
    const global = await outcome(() => pipe.transform(body, { type: 'body', metatype: IvrRequestDto }));
    // The one wording kept from the IVR's answers: an unknown field is `property x should not exist`
    // (the global pipe prefixes it with `x: `).
    if (global.refused) global.refused = global.refused.map((m) => m.replace(/^(\w+): (property \1 )/, '$2')).sort();
    expect(compiled).toEqual(global);
    if (compiled.ok !== undefined) expect(compiled.ok).toEqual(body);
  });

  it('keeps the body key order of the problems (the first is the message) and the values as sent', () => {
    expect(() => check({ call: 1, zz: 2 })).toThrow('call must be an object');
    const call = { id: 'c' };
    expect(check({ call }).call).toBe(call);
    expect(check(undefined)).toEqual({});
    expect(() => check([{ call: {} }])).toThrow('the body must be a JSON object');
  });

  it('compiles IsOptional (null allowed) and refuses validators it does not know', () => {
    class Optional {
      @IsOptional()
      @IsObject()
      call?: object;
    }
    expect(compileInputCheck(Optional)({ call: null })).toEqual({ call: null });
    class Other {
      @IsString()
      name?: string;
    }
    expect(() => compileInputCheck(Other)).toThrow(/Other.name: validator isString does not compile/);
  });
});

describe('compileInputCheck with explainUnknown', () => {
  it('says why an unknown field is refused, for every such field', () => {
    const explained = compileInputCheck(IvrRequestDto, (key) => `why ${key}`);
    expect(() => explained({ callerId: '+39', call: {} })).toThrow('property callerId should not exist: why callerId');
    try {
      explained({ a: 1, b: 2 });
    } catch (err) {
      expect((err as { getResponse(): unknown }).getResponse()).toMatchObject({
        details: ['property a should not exist: why a', 'property b should not exist: why b'],
      });
    }
    expect.assertions(2);
  });
});
