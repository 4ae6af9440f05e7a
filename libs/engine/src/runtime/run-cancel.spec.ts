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

  it('counts a listener added twice once, and removes any listener, not only the last added', () => {
    const c = new RunCancel();
    const seen: number[] = [];
    const listeners = [0, 1, 2, 3].map((i) => () => seen.push(i));
    for (const l of listeners) c.addEventListener('abort', l);
    c.addEventListener('abort', listeners[2]!);
    c.removeEventListener('abort', listeners[0]!);
    c.abort('shutdown');
    expect(seen).toEqual([1, 2, 3]);
  });
});
