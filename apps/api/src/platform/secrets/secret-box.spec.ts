import crypto from 'node:crypto';
import { resealAll, SecretBox, SecretBoxError, secretAad } from './secret-box';

const key = () => crypto.randomBytes(32);

describe('SecretBox', () => {
  it('round-trips, with a fresh IV per value', () => {
    const box = new SecretBox(key());
    const a = box.seal('p@ss wörd', 'c1:password');
    const b = box.seal('p@ss wörd', 'c1:password');
    expect(a).not.toBe(b);
    expect(a).not.toContain('p@ss');
    expect(box.open(a, 'c1:password')).toBe('p@ss wörd');
    expect(Buffer.from(a, 'base64')[0]).toBe(1);
    expect(SecretBox.keyIdOfSealed(a)).toBe(box.keyId);
  });

  it('refuses a tampered value', () => {
    const box = new SecretBox(key());
    const buf = Buffer.from(box.seal('secret', 'x'), 'base64');
    buf[buf.length - 1] ^= 1;
    expect(() => box.open(buf.toString('base64'), 'x')).toThrow(SecretBoxError);
    const tag = Buffer.from(box.seal('secret', 'x'), 'base64');
    tag[20] ^= 1;
    expect(() => box.open(tag.toString('base64'), 'x')).toThrow(/failed authentication/);
  });

  it('refuses a value moved to another row (aad)', () => {
    const box = new SecretBox(key());
    expect(() => box.open(box.seal('secret', 'c1:password'), 'c2:password')).toThrow(/failed authentication/);
  });

  it('refuses the wrong key', () => {
    const sealed = new SecretBox(key()).seal('secret', 'x');
    expect(() => new SecretBox(key()).open(sealed, 'x')).toThrow(expect.objectContaining({ reason: 'wrong_key' }));
  });

  it('refuses garbage and keys of the wrong size', () => {
    expect(() => new SecretBox(key()).open('bm90IGEgc2VjcmV0', 'x')).toThrow(
      expect.objectContaining({ reason: 'format' }),
    );
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow();
  });

  it('rotation re-seals every value under the new key', () => {
    const oldBox = new SecretBox(key());
    const newBox = new SecretBox(key());
    const id = 'conn-1';
    const sealed = {
      password: oldBox.seal('pw', secretAad(id, 'password')),
      token: newBox.seal('tk', secretAad(id, 'token')),
    };
    const rotated = resealAll(sealed, (n) => secretAad(id, n), oldBox, newBox);
    expect(rotated.token).toBe(sealed.token);
    expect(newBox.open(rotated.password, secretAad(id, 'password'))).toBe('pw');
    expect(() => oldBox.open(rotated.password, secretAad(id, 'password'))).toThrow(SecretBoxError);
  });
});
