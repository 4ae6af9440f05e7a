import crypto from 'node:crypto';

/** What each sealed webhook secret is bound to (a ciphertext copied to another flow's row does not open). */
export function webhookSecretAad(flowId: string): string {
  return `webhook-secret:${flowId}`;
}

/** A new secret: 256 random bits, URL-safe (it travels in a query parameter or a header). */
export function generateWebhookSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

const digest = (s: string): Buffer => crypto.createHash('sha256').update(s, 'utf8').digest();

/** First 8 hex digits of the secret's SHA-256 (shown in lists; the secret itself never is). */
export function fingerprintOf(secret: string): string {
  return digest(secret).subarray(0, 4).toString('hex');
}

/**
 * Constant-time comparison of a presented value with the secret: both are hashed first, so the
 * comparison takes the same time whatever the lengths, and timingSafeEqual never sees unequal sizes.
 */
export function sameSecret(presented: string, secret: string): boolean {
  return crypto.timingSafeEqual(digest(presented), digest(secret));
}
