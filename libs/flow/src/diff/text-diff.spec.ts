import fc from 'fast-check';
import { diffText, textDiffMode, type TextPart } from './text-diff';

const side = (parts: TextPart[], drop: TextPart['kind']) =>
  parts
    .filter((p) => p.kind !== drop)
    .map((p) => p.text)
    .join('');

describe('diffText', () => {
  it('diffs one-line text by word', () => {
    expect(diffText('POST https://crm.example.com/calls', 'POST https://crm.example.com/v2/calls')).toEqual([
      { kind: 'same', text: 'POST https://crm.example.com/' },
      { kind: 'added', text: 'v2/' },
      { kind: 'same', text: 'calls' },
    ]);
    expect(diffText('Hello {{contact.name}}', 'Hi {{contact.name}}')).toEqual([
      { kind: 'removed', text: 'Hello' },
      { kind: 'added', text: 'Hi' },
      { kind: 'same', text: ' {{contact.name}}' },
    ]);
  });

  it('diffs multi-line templates by line', () => {
    const before = '{\n  "id": "{{call.id}}",\n  "from": "{{call.callerId}}"\n}';
    const after = '{\n  "id": "{{call.id}}",\n  "to": "{{call.dialed}}"\n}';
    expect(textDiffMode(before, after)).toBe('line');
    expect(diffText(before, after)).toEqual([
      { kind: 'same', text: '{\n  "id": "{{call.id}}",\n' },
      { kind: 'removed', text: '  "from": "{{call.callerId}}"\n' },
      { kind: 'added', text: '  "to": "{{call.dialed}}"\n' },
      { kind: 'same', text: '}' },
    ]);
  });

  it('handles empty sides and equal text', () => {
    expect(diffText('', 'abc')).toEqual([{ kind: 'added', text: 'abc' }]);
    expect(diffText('abc', '')).toEqual([{ kind: 'removed', text: 'abc' }]);
    expect(diffText('', '')).toEqual([]);
    expect(diffText('a b', 'a b')).toEqual([{ kind: 'same', text: 'a b' }]);
  });

  it('finds a minimal edit inside a longer line', () => {
    const parts = diffText('a b c d e f', 'a b X d e f Y');
    expect(parts.filter((p) => p.kind !== 'same')).toEqual([
      { kind: 'removed', text: 'c' },
      { kind: 'added', text: 'X' },
      { kind: 'added', text: ' Y' },
    ]);
  });

  it('always rebuilds both sides, in both modes', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '{', '}', '.', 'é'), maxLength: 40 });
    fc.assert(
      fc.property(text, text, fc.constantFrom('line' as const, 'word' as const), (a, b, mode) => {
        const parts = diffText(a, b, mode);
        expect(side(parts, 'added')).toBe(a);
        expect(side(parts, 'removed')).toBe(b);
        // Merged: no two neighbours of one kind.
        parts.forEach((p, i) => i && expect(p.kind === parts[i - 1]!.kind).toBe(false));
      }),
      { numRuns: 500 },
    );
  });

  it('gives up on a huge rewrite in bounded time and still rebuilds both sides', () => {
    const a = Array.from({ length: 6000 }, (_, i) => `a${i}`).join(' ');
    const b = Array.from({ length: 6000 }, (_, i) => `b${i}`).join(' ');
    const started = Date.now();
    const parts = diffText(a, b, 'word');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(side(parts, 'added')).toBe(a);
    expect(side(parts, 'removed')).toBe(b);
  });
});
