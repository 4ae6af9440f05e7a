import crypto from 'node:crypto';
import {
  chosenSecretProblem,
  fingerprintKey,
  fingerprintOf,
  generateWebhookSecret,
  sameSecret,
  webhookSecretAad,
} from './webhook-secret-crypto';
import { SecretBox } from '../platform/secrets/secret-box';

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

  it('fingerprints with a key from SECRETS_KEY, per tenant: no offline guessing, no match across tenants', () => {
    const secret = 'xk3Rq9TzLw2mVb7N';
    const key = fingerprintKey(crypto.randomBytes(32));
    const fp = fingerprintOf(key, 'tenant-a', secret);
    expect(fp).toMatch(/^[0-9a-f]{8}$/);
    // Not the plain SHA-256 prefix it was (which anyone could check guesses against).
    expect(fp).not.toBe(crypto.createHash('sha256').update(secret).digest('hex').slice(0, 8));
    // The same value: the same fingerprint in one tenant (two flows sharing a clientId), another elsewhere.
    expect(fingerprintOf(key, 'tenant-a', secret)).toBe(fp);
    expect(fingerprintOf(key, 'tenant-b', secret)).not.toBe(fp);
    // Another SECRETS_KEY gives other fingerprints: without it they cannot be computed.
    expect(fingerprintOf(fingerprintKey(crypto.randomBytes(32)), 'tenant-a', secret)).not.toBe(fp);
    expect(fingerprintOf(key, 'tenant-a', `${secret}x`)).not.toBe(fp);
  });

  it('the sealed value opens for its own flow only', () => {
    const secret = 'rcrm-client-id-0001';
    const box = new SecretBox(crypto.randomBytes(32));
    const sealed = box.seal(secret, webhookSecretAad('flow-a'));
    expect(sealed).not.toContain(secret);
    expect(box.open(sealed, webhookSecretAad('flow-a'))).toBe(secret);
    expect(() => box.open(sealed, webhookSecretAad('flow-b'))).toThrow(/failed authentication/);
  });

  it.each([
    ['xxxxxxxxxxxxxxxx', /too few different characters/],
    ['abababababababab', /too few different characters/],
    ['aaaabbbbccccdddd', /too few different characters/],
    ['abcdefghijklmnop', /run of the alphabet/],
    ['0123456789abcdef', /run|too common/],
    ['0123456789-ghijk', /run/],
    ['qwertyuiopasdfgh', /keyboard|too common/],
    ['abcd1234abcd1234', /too few different characters|repeated/],
    ['Password2026!!!!', /too common/],
    ['secretsecret2026', /too common/],
    ['1qaz2wsx3edc4rfv', /keyboard|too common/],
  ])('refuses the guessable chosen value %j', (value, reason) => {
    expect(chosenSecretProblem(value)).toMatch(reason);
  });

  it('accepts random values as counterparts make them', () => {
    const real = [
      'retailcrm-2dbh26tahjj26sg',
      'rcrm-2dbh26tahjj26sg-f00d',
      'a8Kq2mZx7PvT4wLs',
      generateWebhookSecret(),
    ];
    for (const ok of real) {
      expect([ok, chosenSecretProblem(ok)]).toEqual([ok, undefined]);
    }
    for (let i = 0; i < 200; i++) {
      const random = crypto.randomBytes(16).toString('hex');
      expect([random, chosenSecretProblem(random)]).toEqual([random, undefined]);
    }
  });
});
