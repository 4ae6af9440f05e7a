import { parseTemplate } from './parse';

describe('parseTemplate: an unclosed "{{"', () => {
  it.each([
    ['{{call.callerId', 1, 1, '{{', '}}'],
    ['caller {{call.callerId', 1, 8, '{{', '}}'],
    ['{{call.id}} and {{ call.callerId', 1, 17, '{{', '}}'],
    ['{\n  "a": "{{call.callerId"\n}', 2, 9, '{{', '}}'],
    ['x {{{call.callerId}} y', 1, 3, '{{{', '}}}'],
    ['{{!-- a note', 1, 1, '{{!--', '--}}'],
  ])('%j is reported where it opens', (source, line, column, opener, closer) => {
    expect(parseTemplate(source)).toEqual({
      ok: false,
      error: { message: `unclosed "${opener}" (add "${closer}" to close it)`, line, column },
    });
  });

  it('skips an escaped \\{{ and leaves other syntax errors to the parser', () => {
    expect(parseTemplate('\\{{a}} {{b').ok).toBe(false);
    expect(parseTemplate('\\{{a}} {{b')).toMatchObject({ error: { line: 1, column: 8 } });
    expect(parseTemplate('{{#if a}}x')).toMatchObject({ error: { message: /unexpected end of template/ } });
    expect(parseTemplate('{{a}}}').ok).toBe(true);
  });
});
