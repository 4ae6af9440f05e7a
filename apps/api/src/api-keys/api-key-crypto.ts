import crypto from 'node:crypto';

const PREFIX = 'cfk_';

/** A new key: 256 random bits, base64url, with a recognisable prefix. */
export function generateApiKey(): string {
  return PREFIX + crypto.randomBytes(32).toString('base64url');
}

/** Keys are stored as SHA-256 (they are random, so no slow hash is needed); lookups compare hashes. */
export function hashApiKey(key: string): string {
  return crypto.hash('sha256', key, 'hex');
}

/** Constant-time comparison of two hex digests. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
