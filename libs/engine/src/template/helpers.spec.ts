import { TEMPLATE_HELPERS } from '@callflow/flow';
import { EngineError } from '../errors';
import { Escaped } from './escape';
import { formatDate, toEpochMs } from './format-date';
import { getHelper } from './helpers';
import { compileTemplate } from './index';

const text = (src: string, scope: object = {}) => compileTemplate(src, 'text').render(scope);
const value = (src: string, scope: object = {}) => compileTemplate(src, 'value').evaluate(scope);

function thrown(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (e) {
    return e as EngineError;
  }
  throw new Error('expected a throw');
}

it('implements every name of TEMPLATE_HELPERS, and nothing inherited', () => {
  for (const name of TEMPLATE_HELPERS) expect(typeof getHelper(name)).toBe('function');
  expect(getHelper('constructor')).toBeUndefined();
  expect(getHelper('toString')).toBeUndefined();
});

describe('digests', () => {
  it('md5, sha1, sha256 give the hex of the UTF-8 text', () => {
    expect(text('{{md5 "abc"}}')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(text('{{sha1 "abc"}}')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(text('{{sha256 "abc"}}')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(text('{{sha256 missing}}')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(text('{{md5 n}}', { n: 123 })).toBe(text('{{md5 "123"}}'));
  });

  it('hmacSha256 in hex (default) or base64', () => {
    const scope = { k: 'key', m: 'The quick brown fox jumps over the lazy dog' };
    expect(text('{{hmacSha256 k m}}', scope)).toBe('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
    expect(text('{{hmacSha256 k m encoding="base64"}}', scope)).toBe('97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=');
  });

  it('hmacSha256 argument errors are TEMPLATE_RENDER naming the helper and where', () => {
    const e = thrown(() => text('x\n {{hmacSha256 k}}', { k: 'key' }));
    expect(e.code).toBe('TEMPLATE_RENDER');
    expect(e.message).toBe('line 2, column 2: hmacSha256: needs a key and a value ({{hmacSha256 key value}})');
    expect(e.details).toMatchObject({ helper: 'hmacSha256', line: 2, column: 2 });
    expect(thrown(() => text('{{hmacSha256 k "m"}}', {})).message).toContain('hmacSha256: the key is empty');
    expect(thrown(() => text('{{hmacSha256 "k" "m" encoding="hex2"}}')).message).toContain(
      'encoding must be "hex" or "base64"',
    );
  });
});

describe('encodings', () => {
  it('base64 / base64Decode use UTF-8', () => {
    expect(text('{{base64 "héllo €"}}')).toBe('aMOpbGxvIOKCrA==');
    expect(text('{{base64Decode "aMOpbGxvIOKCrA=="}}')).toBe('héllo €');
    expect(text('{{base64Decode (base64 s)}}', { s: 'a:b' })).toBe('a:b');
  });

  it('urlencode is escaped once in a URL, again elsewhere', () => {
    expect(compileTemplate('/q={{urlencode s}}', 'url').render({ s: 'a b&c' })).toBe('/q=a%20b%26c');
    expect(text('{{urlencode s}}', { s: 'a b&c' })).toBe('a%20b%26c');
    expect(value('{{urlencode s}}', { s: 'é' })).toBe('%C3%A9');
  });

  it('json, compact or pretty', () => {
    expect(value('{{json o}}', { o: { a: [1] } })).toBe('{"a":[1]}');
    expect(value('{{json o pretty=true}}', { o: { a: 1 } })).toBe('{\n  "a": 1\n}');
    expect(value('{{json missing}}')).toBe('null');
    expect(value('{{json "s"}}')).toBe('"s"');
    const j = getHelper('json')!([1], {});
    expect(j).toBeInstanceOf(Escaped);
    expect((j as Escaped).context).toBe('json');
  });
});

describe('text helpers', () => {
  it('lower, upper, trim, concat', () => {
    expect(text('{{lower "AbC"}}|{{upper "AbC"}}|[{{trim "  x \n"}}]')).toBe('abc|ABC|[x]');
    expect(text('{{concat "a" n b missing o}}', { n: 1, b: false, o: { k: 1 } })).toBe('a1false{"k":1}');
  });

  it('default picks the first value that is not null, undefined or empty', () => {
    expect(
      text('{{default missing "fb"}}|{{default e "fb"}}|{{default z "fb"}}|{{default f "fb"}}', {
        e: '',
        z: 0,
        f: false,
      }),
    ).toBe('fb|fb|0|false');
    expect(text('{{default a b "c"}}', { b: 'B' })).toBe('B');
    expect(value('{{default n 5}}', { n: null })).toBe(5);
    expect(value('{{default o 5}}', { o: { a: 1 } })).toEqual({ a: 1 });
  });

  it('substring (JS substring semantics) and replace (literal, all occurrences)', () => {
    expect(
      text('{{substring "abcdef" 1 3}}|{{substring "abcdef" 2}}|{{substring "abc" 5}}|{{substring "abc" "1"}}'),
    ).toBe('bc|cdef||bc');
    expect(thrown(() => text('{{substring "abc" "x"}}')).message).toContain('substring: start must be a number');
    expect(text('{{replace "a.b.c" "." "-"}}|{{replace "a$&b" "$&" "$1"}}|{{replace "abc" "" "x"}}')).toBe(
      'a-b-c|a$1b|abc',
    );
    expect(thrown(() => text('{{replace "a" "b"}}')).code).toBe('TEMPLATE_RENDER');
  });

  it('length of arrays, strings and objects', () => {
    const scope = { a: [1, 2], s: 'héllo', o: { x: 1, y: 2, z: 3 } };
    expect(text('{{length a}} {{length s}} {{length o}} {{length missing}} {{length 5}}', scope)).toBe('2 5 3 0 0');
  });

  it('chunk cuts a list into batches, or gives one batch by index', () => {
    const scope = { calls: Array.from({ length: 7 }, (_, i) => i), none: 'x' };
    expect(value('{{chunk calls 3}}', scope)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(value('{{chunk calls 3 2}}', scope)).toEqual([6]);
    expect(value('{{chunk calls 3 3}}', scope)).toEqual([]);
    expect(value('{{chunk none 3}}', scope)).toEqual([]);
    expect(text('{{json (chunk calls 5 1)}}|{{length (chunk calls 2)}}', scope)).toBe('[5,6]|4');
    expect(thrown(() => text('{{chunk calls 0}}', scope)).message).toMatch(/chunk: size must be/);
    expect(thrown(() => text('{{chunk calls 2 -1}}', scope)).message).toMatch(/chunk: index must be/);
  });

  it('lookup reads own properties only', () => {
    const scope = { o: { 'my key': 'v', 0: 'zero' }, a: ['x', 'y'], k: 'my key' };
    expect(text('{{lookup o k}}|{{lookup o 0}}|{{lookup a 1}}|{{lookup a "length"}}', scope)).toBe('v|zero|y|2');
    expect(
      text(
        '{{lookup o "constructor"}}|{{lookup o "__proto__"}}|{{lookup o "hasOwnProperty"}}|{{lookup "abc" "toString"}}',
        scope,
      ),
    ).toBe('|||');
  });
});

describe('comparisons and logic', () => {
  it('eq / neq compare primitives by text, objects by identity', () => {
    expect(
      text('{{eq a "1"}} {{eq a 1}} {{eq "x" "y"}} {{eq missing null}} {{eq t "true"}} {{neq a 2}}', { a: 1, t: true }),
    ).toBe('true true false true true true');
    expect(text('{{eq o o}} {{eq o p}}', { o: { a: 1 }, p: { a: 1 } })).toBe('true false');
  });

  it('gt / lt compare numbers (numeric strings too), else strings', () => {
    expect(text('{{gt "10" 9}} {{lt "10" "9"}} {{gt "b" "a"}} {{gt missing 1}} {{lt missing 1}}')).toBe(
      'true false true false false',
    );
  });

  it('and / or / not use Handlebars truthiness', () => {
    expect(text('{{and 1 "x"}} {{and 1 0}} {{or 0 "" a}} {{or 0 ""}} {{not a}} {{not e}}', { a: [1], e: [] })).toBe(
      'true false true false false true',
    );
  });

  it('drive #if', () => {
    const src = '{{#if (eq status "answered")}}A{{else if (and (gt d 30) (not vip))}}B{{else}}C{{/if}}';
    expect(text(src, { status: 'answered' })).toBe('A');
    expect(text(src, { status: 'x', d: 31 })).toBe('B');
    expect(text(src, { status: 'x', d: 31, vip: true })).toBe('C');
  });
});

describe('e164', () => {
  it.each([
    ['+39 333 123 4567', undefined, '+393331234567'],
    ['0039 (333) 123-45.67', undefined, '+393331234567'],
    ['06 1234 5678', '39', '+390612345678'], // Italy keeps the leading 0
    ['030 1234567', '49', '+49301234567'], // trunk 0 dropped
    ['030 1234567', '+49', '+49301234567'],
    ['8 (495) 123-45-67', '+7', '+74951234567'], // trunk 8 of +7 dropped
    ['0495 123', '7', '+7495123'],
    ['333 1234567', '39', '+393331234567'],
    ['393331234567', undefined, '+393331234567'],
    ['030 1234567', undefined, ''],
    ['', '39', ''],
    ['abc', '39', ''],
    ['+12', undefined, ''],
    ['+1234567890123456', undefined, ''],
  ])('%p country %p → %p', (phone, country, expected) => {
    const src = country === undefined ? '{{e164 p}}' : '{{e164 p country=c}}';
    expect(text(src, { p: phone, c: country })).toBe(expected);
  });

  it('accepts a number, a positional country and rejects a bad country', () => {
    expect(text('{{e164 n}}', { n: 393331234567 })).toBe('+393331234567');
    expect(text('{{e164 "0612345678" "39"}}')).toBe('+390612345678');
    expect(thrown(() => text('{{e164 "0612" country="Italy"}}')).message).toContain(
      'e164: country must be a calling code',
    );
  });
});

describe('formatDate', () => {
  const at = Date.UTC(2023, 10, 14, 22, 13, 20, 5); // 2023-11-14T22:13:20.005Z

  it('reads ISO strings, epoch seconds and milliseconds, numeric strings and Dates', () => {
    expect(toEpochMs('2023-11-14T22:13:20.005Z')).toBe(at);
    expect(toEpochMs('2023-11-14T23:13:20.005+01:00')).toBe(at);
    expect(toEpochMs('2023-11-14T22:13:20.005')).toBe(at); // no zone: UTC, not the server's
    expect(toEpochMs('2023-11-14 22:13:20.005')).toBe(at);
    expect(toEpochMs(1700000000)).toBe(1700000000000);
    expect(toEpochMs('1700000000')).toBe(1700000000000);
    expect(toEpochMs(at)).toBe(at);
    expect(toEpochMs(new Date(at))).toBe(at);
    expect(toEpochMs('not a date')).toBeNaN();
    expect(toEpochMs({})).toBeNaN();
  });

  it('formats tokens, iso, unix and unixMs in UTC', () => {
    expect(formatDate(at)).toBe('2023-11-14T22:13:20.005Z');
    expect(formatDate(at, 'YYYY-MM-DD HH:mm:ss.SSS')).toBe('2023-11-14 22:13:20.005');
    expect(formatDate(at, 'DD/MM/YYYY [at] HH:mm')).toBe('14/11/2023 at 22:13');
    expect(formatDate(at, 'unix')).toBe('1700000000');
    expect(formatDate(at, 'unixMs')).toBe(String(at));
  });

  it('formats in a time zone, with the offset for iso', () => {
    expect(formatDate(at, 'YYYY-MM-DD HH:mm', 'Europe/Rome')).toBe('2023-11-14 23:13');
    expect(formatDate(at, 'iso', 'Europe/Rome')).toBe('2023-11-14T23:13:20.005+01:00');
    expect(formatDate('2024-07-01T00:30:00Z', 'iso', 'Europe/Rome')).toBe('2024-07-01T02:30:00.000+02:00');
    expect(formatDate('2024-07-01T00:30:00Z', 'YYYY-MM-DD HH:mm', 'America/New_York')).toBe('2024-06-30 20:30');
    expect(formatDate('2024-03-10T12:00:00Z', 'iso', 'Asia/Kolkata')).toBe('2024-03-10T17:30:00.000+05:30');
    expect(formatDate('2024-01-01T00:00:00Z', 'HH', 'UTC')).toBe('00');
  });

  it('gives empty text for an invalid date, an error for an unknown zone', () => {
    expect(text('{{formatDate v "YYYY"}}', { v: 'garbage' })).toBe('');
    expect(text('{{formatDate v}}', {})).toBe('');
    expect(text('{{formatDate v "YYYY" tz="Europe/Rome"}}', { v: 1700000000 })).toBe('2023');
    const e = thrown(() => text('{{formatDate v "YYYY" tz="Mars/Base"}}', { v: 1 }));
    expect(e.code).toBe('TEMPLATE_RENDER');
    expect(e.message).toContain('formatDate: unknown time zone "Mars/Base"');
  });
});
