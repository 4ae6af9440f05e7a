import { parseTemplate } from './parse';
import { protectClosingBraces } from './close-brace';

const contents = (src: string) => {
  const r = parseTemplate(src);
  if (!r.ok) throw new Error(r.error.message);
  return r.ast.body.map((s) =>
    s.type === 'ContentStatement' ? (s as unknown as { value: string }).value : `<${s.type}>`,
  );
};

describe('closing braces after a mustache', () => {
  it('parses a JSON object closed right after a double-stash mustache', () => {
    expect(contents('{"call":{{json call}}}')).toEqual(['{"call":', '<MustacheStatement>', '}']);
    expect(contents('{"a":{"b":{{json x}}}}')).toEqual(['{"a":{"b":', '<MustacheStatement>', '}}']);
  });

  it('leaves triple-stash, comments, escaped mustaches and quoted braces alone', () => {
    expect(protectClosingBraces('{{{raw}}}')).toBe('{{{raw}}}');
    expect(protectClosingBraces('{{!-- }}} --}}')).toBe('{{!-- }}} --}}');
    expect(contents('{"x":"{{{raw}}}"}')).toEqual(['{"x":"', '<MustacheStatement>', '"}']);
    expect(contents('\\{{x}}}')).toEqual(['{{x}}}']);
    expect(contents('{{default x "}}}"}}}')).toEqual(['<MustacheStatement>', '}']);
  });

  it('keeps error positions right', () => {
    const r = parseTemplate('{"a":{{json x}}}\n{{#if}}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.line).toBe(2);
  });
});
