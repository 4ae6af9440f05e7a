import 'reflect-metadata';
import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { checkBody } from '../platform/validation/validate-body';
import { EventDto } from './dto/event.dto';
import { parseEventBatch, plainEvent } from './event-batch';

/** The details of the 400 `run` throws (its message is the first). */
function refused(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    if (!(err instanceof BadRequestException)) throw err;
    const r = err.getResponse() as { message: string; details: string[] };
    expect(r.message).toBe(r.details[0]);
    return r.details;
  }
  throw new Error('not refused');
}

describe('parseEventBatch', () => {
  it('accepts one event or an array; numeric ids are strings; opaque parts are kept as sent', () => {
    const call = JSON.parse('{"id":"c-1","constructor":"x","nested":{"a":[1]}}') as Record<string, unknown>;
    const [one] = parseEventBatch({ id: 7, type: 'call.ended', call });
    expect(one).toMatchObject({ id: '7', type: 'call.ended' });
    expect(one!.call).toBe(call);
    expect(
      parseEventBatch([
        { id: 'a', type: 'sms.sent' },
        { id: 'b', type: 'sms.sent' },
      ]),
    ).toHaveLength(2);
  });

  it('names the item of each problem, with the global pipe checks per item', () => {
    const proto = JSON.parse('{"id":"p","type":"sms.sent","__proto__":{}}') as unknown;
    expect(
      refused(() =>
        parseEventBatch([
          { id: 'ok', type: 'sms.sent' },
          { id: 'x', type: 'call.exploded' },
          'nope',
          { id: 'y', type: 'sms.sent', extra: 1 },
          proto,
          { id: 'z\ud800', type: 'sms.sent' },
          { id: 'n', type: 'sms.sent', at: 'a\u0000' },
        ]),
      ),
    ).toEqual([
      'events[1].type: type must be one of the following values: call.ringing, call.answered, call.ended, ' +
        'campaign.contact, sms.sent',
      'events[2]: must be an event object',
      'events[3].extra: property extra should not exist',
      'events[4].__proto__: property __proto__ should not exist',
      'events[5].id: text must be valid Unicode (it holds a lone UTF-16 surrogate)',
      'events[6].at: text may not contain the NUL character (U+0000)',
    ]);
    expect(refused(() => parseEventBatch({ id: 'x', type: 'sms.sent', call: 'c-1' }))).toEqual([
      'event.call: call must be an object',
    ]);
  });

  it('refuses a lone surrogate anywhere (jsonb cannot store it) and a number id JSON.parse rounded', () => {
    expect(
      refused(() =>
        parseEventBatch([
          { id: 'a', type: 'campaign.contact', contact: { firstName: '\udc00' } },
          { id: 'b', type: 'call.ended', call: { custom: { deep: { x: 'ok\ud800' } } } },
          JSON.parse('{"id":92345678901234567890,"type":"sms.sent"}'),
          { id: 'c', type: 'sms.sent', contact: { ['k\ud800']: 1 } },
        ]),
      ),
    ).toEqual([
      'events[0].contact.firstName: text must be valid Unicode (it holds a lone UTF-16 surrogate)',
      'events[1].call.custom.deep.x: text must be valid Unicode (it holds a lone UTF-16 surrogate)',
      'events[2].id: a number id must be at most 2^53 - 1 (send a longer id as a string)',
      'events[3].contact: text must be valid Unicode (it holds a lone UTF-16 surrogate)',
    ]);
    // Paired surrogates (an emoji) and the largest exact number are fine.
    expect(
      parseEventBatch({ id: Number.MAX_SAFE_INTEGER, type: 'sms.sent', contact: { firstName: 'Ann \u{1F600}' } }),
    ).toHaveLength(1);
  });

  it('reports the first 50 problems, refuses an empty array and more than 1000 events (413)', () => {
    const bad = Array.from({ length: 60 }, (_, i) => ({ id: `e${i}`, type: 'x' }));
    const details = refused(() => parseEventBatch(bad));
    expect(details).toHaveLength(51);
    expect(details[49]).toMatch(/^events\[49\]\.type: /);
    expect(details[50]).toBe('… and 10 more problems');
    expect(() => parseEventBatch([])).toThrow('the array holds no events');
    expect(() => parseEventBatch('x')).toThrow(BadRequestException);
    const many = Array.from({ length: 1001 }, (_, i) => ({ id: `e${i}`, type: 'sms.sent' }));
    expect(() => parseEventBatch(many)).toThrow(PayloadTooLargeException);
  });

  it('takes the quick way only for events checkBody accepts, and keeps the same fields', () => {
    const call = { id: 'c-1', callerId: '+3906', nested: { a: [1, null] } };
    const samples: Record<string, unknown>[] = [
      { id: 'a', type: 'call.ended' },
      { id: 'a', type: 'call.ended', call, contact: { phone: '+1' }, campaign: { id: 'spring' } },
      { id: 'a', type: 'sms.sent', at: '2025-11-21T10:15:00Z' },
      { id: 'a', type: 'sms.sent', at: '2025-11-21' },
      { id: 'a', type: 'sms.sent', at: null, call: null, contact: null, campaign: null },
      { id: 'x'.repeat(200), type: 'call.ringing' },
      { id: 'x'.repeat(201), type: 'call.ringing' },
      { id: '', type: 'call.ringing' },
      { id: '\ud83d\ude00', type: 'call.ringing' },
      { id: 'z\ud800', type: 'call.ringing' },
      { id: 7, type: 'call.ended' },
      { id: 'a' },
      { id: 'a', type: 'call.exploded' },
      { id: 'a', type: 1 },
      { id: 'a', type: 'call.ended', call: 'c-1' },
      { id: 'a', type: 'call.ended', call: [1] },
      { id: 'a', type: 'call.ended', contact: 5 },
      { id: 'a', type: 'call.ended', at: 'yesterday' },
      { id: 'a', type: 'call.ended', at: 5 },
      { id: 'a', type: 'call.ended', extra: 1 },
      { id: 'a', type: 'call.ended', call: { note: 'a\u0000' } },
      { id: 'a\u0000', type: 'call.ended' },
      JSON.parse('{"id":"a","type":"call.ended","__proto__":{}}') as Record<string, unknown>,
      JSON.parse('{"id":"a","type":"call.ended","constructor":{}}') as Record<string, unknown>,
      JSON.parse('{"id":"a","type":"call.ended","call":{"__proto__":{"x":1}}}') as Record<string, unknown>,
    ];
    let quick = 0;
    for (const sample of samples) {
      const slow = checkBody(EventDto, sample, 'events[0]');
      const fast = plainEvent(sample);
      if (fast === undefined) continue;
      quick++;
      expect({ sample, ok: slow.ok }).toEqual({ sample, ok: true });
      if (slow.ok) expect({ ...fast }).toEqual({ ...slow.value });
    }
    // The everyday shapes take the quick way: an id, a type, objects, an ISO time, null optionals.
    expect(quick).toBe(7);
  });
});
