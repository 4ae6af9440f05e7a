import crypto from 'node:crypto';
import { fingerprintOf, generateWebhookSecret, sameSecret, webhookSecretAad } from './webhook-secret-crypto';
import { SecretBox } from '../connections/secret-box';

describe('webhook secret crypto', () => {
  afterEach(() => jest.restoreAllMocks());

  it('generates 256-bit URL-safe secrets', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateWebhookSecret()).not.toBe(a);
  });

  it('compares in constant time through crypto.timingSafeEqual, whatever the lengths', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    expect(sameSecret('rcrm-client-id-0001', 'rcrm-client-id-0001')).toBe(true);
    expect(sameSecret('rcrm-client-id-0002', 'rcrm-client-id-0001')).toBe(false);
    expect(sameSecret('x', 'rcrm-client-id-0001')).toBe(false);
    expect(sameSecret('', 'rcrm-client-id-0001')).toBe(false);
    expect(spy).toHaveBeenCalledTimes(4);
    for (const [a, b] of spy.mock.calls) expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
  });

  it('fingerprints without revealing the secret; the sealed value opens for its own flow only', () => {
    const secret = 'rcrm-client-id-0001';
    expect(fingerprintOf(secret)).toMatch(/^[0-9a-f]{8}$/);
    expect(fingerprintOf(secret)).not.toContain(secret.slice(0, 4));
    const box = new SecretBox(crypto.randomBytes(32));
    const sealed = box.seal(secret, webhookSecretAad('flow-a'));
    expect(sealed).not.toContain(secret);
    expect(box.open(sealed, webhookSecretAad('flow-a'))).toBe(secret);
    expect(() => box.open(sealed, webhookSecretAad('flow-b'))).toThrow(/failed authentication/);
  });
});
