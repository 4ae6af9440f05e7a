import { RunCancel } from './run-cancel';

describe('RunCancel', () => {
  it('calls each listener left once, with the reason set, and none added after the abort', () => {
    const c = new RunCancel();
    const seen: string[] = [];
    const a = () => seen.push(`a:${String(c.reason)}`);
    const b = () => seen.push('b');
    c.addEventListener('abort', () => {
      throw new Error('a broken listener');
    });
    c.addEventListener('abort', a);
    c.addEventListener('abort', b);
    c.removeEventListener('abort', b);
    c.abort('deadline');
    c.abort('cancelled');
    c.addEventListener('abort', b);
    expect(seen).toEqual(['a:deadline']);
    expect(c).toMatchObject({ aborted: true, reason: 'deadline' });
  });
});
