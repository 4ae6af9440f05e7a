import 'reflect-metadata';
import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { parseEventBatch } from './event-batch';

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
});
