import crypto from 'node:crypto';
import { passwordProblem } from '../platform/passwords/password-policy';

/** What each sealed webhook secret is bound to (a ciphertext copied to another flow's row does not open). */
export function webhookSecretAad(flowId: string): string {
  return `webhook-secret:${flowId}`;
}

/** A new secret: 256 random bits, URL-safe (it travels in a query parameter or a header). */
export function generateWebhookSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** SHA-256 of a secret or a presented value: what is compared (and cached), never the value itself. */
export const secretDigest = (s: string): Buffer => crypto.createHash('sha256').update(s, 'utf8').digest();

/** The key fingerprints are made with: derived from SECRETS_KEY, so nobody without it can compute one. */
export function fingerprintKey(secretsKey: Buffer): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', secretsKey, Buffer.alloc(0), 'callflow webhook-secret fingerprint', 32));
}

/**
 * 8 hex digits that tell an admin which secret is set without revealing it: an HMAC keyed from
 * SECRETS_KEY over the tenant and the secret. Unlike a plain hash prefix, it cannot be checked
 * against guesses offline (by whoever reads the status, the audit log or a backup), and the same
 * value has another fingerprint in another tenant (two flows of one tenant sharing a clientId
 * show the same one).
 */
export function fingerprintOf(key: Buffer, tenantId: string, secret: string): string {
  return crypto.createHmac('sha256', key).update(`${tenantId}\0${secret}`, 'utf8').digest('hex').slice(0, 8);
}

/** Constant-time comparison of two digests (same size always: SHA-256). */
export function sameDigest(presented: Buffer, secret: Buffer): boolean {
  return crypto.timingSafeEqual(presented, secret);
}

/**
 * Constant-time comparison of a presented value with the secret: both are hashed first, so the
 * comparison takes the same time whatever the lengths, and timingSafeEqual never sees unequal sizes.
 */
export function sameSecret(presented: string, secret: string): boolean {
  return sameDigest(secretDigest(presented), secretDigest(secret));
}

/** Fewest different characters a chosen secret must have (a random 16-character value has about 14). */
export const CHOSEN_SECRET_MIN_DISTINCT = 8;

/**
 * Why a chosen secret (16–256 URL-safe characters, checked by the DTO) is too guessable, or
 * undefined: it needs 8 different characters, and must pass what the password policy asks of a
 * password (not a repetition, not mostly a run or a keyboard walk, not a common word dressed up).
 * A real counterpart credential (RetailCRM's random clientId) passes; `xxxxxxxxxxxxxxxx` does not.
 */
export function chosenSecretProblem(value: string): string | undefined {
  if (new Set(value).size < CHOSEN_SECRET_MIN_DISTINCT) {
    return (
      `secret has too few different characters (at least ${CHOSEN_SECRET_MIN_DISTINCT}); ` +
      'use a random value, or omit it to have one generated'
    );
  }
  const problem = passwordProblem(value);
  return problem ? `secret ${problem}; use a random value, or omit it to have one generated` : undefined;
}
