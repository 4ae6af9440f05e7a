import { jsonTooDeep, xmlTooDeep } from './depth-limits';

const nest = (open: string, close: string, n: number, inner = '') => open.repeat(n) + inner + close.repeat(n);

describe('jsonTooDeep', () => {
  it('counts objects and arrays, not brackets inside strings or after escapes, on strings and bytes', () => {
    const at = nest('[', ']', 64, '1');
    const over = `{"a":${nest('[', ']', 64, '1')}}`;
    for (const f of [(s: string) => s, (s: string) => Buffer.from(s)]) {
      expect(jsonTooDeep(f(at))).toBe(false);
      expect(jsonTooDeep(f(over))).toBe(true);
      expect(jsonTooDeep(f(JSON.stringify({ s: nest('[', ']', 500), t: 'a\\"[[[' })))).toBe(false);
      // Few brackets in a long text: told without the scan; many siblings: scanned, not too deep.
      expect(jsonTooDeep(f(`{"a":[${'1,'.repeat(5000)}1]}`))).toBe(false);
      expect(jsonTooDeep(f(JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ i })))))).toBe(false);
    }
  });
});

describe('xmlTooDeep', () => {
  const el = (n: number, inner = 'x') => nest('<a>', '</a>', n, inner);

  it('counts nested elements up to the limit, and past it', () => {
    expect(xmlTooDeep(el(64))).toBe(false);
    expect(xmlTooDeep(el(65))).toBe(true);
    expect(xmlTooDeep(`<?xml version="1.0"?><!-- <a><a> --><r>${el(64)}</r>`)).toBe(true);
  });

  it('skips self-closing elements, comments, CDATA, declarations and quoted attribute values', () => {
    const open500 = '<a>'.repeat(500);
    const flat = '<r>' + '<b x="1"/>'.repeat(500) + '<!--' + open500 + '--><![CDATA[' + open500 + ']]></r>';
    expect(xmlTooDeep(flat)).toBe(false);
    const tricky = nest('<a t="/>" u=\'>\'>', '</a>', 40) + '<!DOCTYPE x>' + nest('<?pi <a> ?><a>', '</a>', 40);
    expect(xmlTooDeep(tricky)).toBe(false);
    expect(xmlTooDeep(nest('<a t="/>" u=\'>\'>', '</a>', 65))).toBe(true);
    // Siblings do not add up.
    expect(xmlTooDeep('<r>' + el(40).repeat(50) + '</r>')).toBe(false);
  });

  it('leaves malformed text to the parser', () => {
    expect(xmlTooDeep('<a'.repeat(1000))).toBe(false);
    expect(xmlTooDeep('<!--' + '<a>'.repeat(1000))).toBe(false);
  });
});
