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

  it('removes any listener (first, middle, last, unknown) and keeps the order of the others', () => {
    const c = new RunCancel();
    const seen: number[] = [];
    const listeners = [0, 1, 2, 3, 4].map((i) => () => seen.push(i));
    for (const l of listeners) c.addEventListener('abort', l);
    c.removeEventListener('abort', listeners[0]!);
    c.removeEventListener('abort', listeners[2]!);
    c.removeEventListener('abort', listeners[4]!);
    c.removeEventListener('abort', () => undefined);
    c.addEventListener('abort', listeners[4]!);
    c.abort('shutdown');
    expect(seen).toEqual([1, 3, 4]);
  });

  it('ends empty after every listener left, whatever the order (a long-lived shutdown signal)', () => {
    const c = new RunCancel();
    const seen: number[] = [];
    const listeners = Array.from({ length: 100 }, (_, i) => () => seen.push(i));
    for (const l of listeners) c.addEventListener('abort', l);
    for (let i = 0; i < 100; i += 2) c.removeEventListener('abort', listeners[i]!);
    for (let i = 99; i > 0; i -= 2) c.removeEventListener('abort', listeners[i]!);
    c.addEventListener('abort', listeners[7]!);
    c.abort('shutdown');
    expect(seen).toEqual([7]);
  });
});
