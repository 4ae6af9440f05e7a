import crypto from 'node:crypto';

const VERSION = 1;
const KEY_ID_BYTES = 4;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER = 1 + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;

/** Why a sealed value could not be opened (the message never contains the value). */
export class SecretBoxError extends Error {
  constructor(
    readonly reason: 'format' | 'wrong_key' | 'tampered',
    message: string,
  ) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/** The id of a key: the first 4 bytes of its SHA-256, in hex (stored beside sealed values, for rotation). */
export function keyIdOf(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest().subarray(0, KEY_ID_BYTES).toString('hex');
}

/**
 * AES-256-GCM for connection secrets. Each value gets a random 12-byte IV; the sealed form is
 * base64 of `version(1) | keyId(4) | iv(12) | tag(16) | ciphertext`. `aad` binds a value to where it
 * is stored (connection id and secret name), so a ciphertext copied to another row does not open.
 */
export class SecretBox {
  readonly keyId: string;
  private readonly keyIdBytes: Buffer;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the secrets key must be 32 bytes');
    this.keyId = keyIdOf(key);
    this.keyIdBytes = Buffer.from(this.keyId, 'hex');
  }

  seal(plaintext: string, aad: string): string {
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), this.keyIdBytes, iv, cipher.getAuthTag(), ct]).toString('base64');
  }

  open(sealed: string, aad: string): string {
    const buf = Buffer.from(sealed, 'base64');
    if (buf.length < HEADER || buf[0] !== VERSION)
      throw new SecretBoxError('format', 'not a sealed secret (unknown version or too short)');
    const keyId = buf.subarray(1, 1 + KEY_ID_BYTES);
    if (!keyId.equals(this.keyIdBytes))
      throw new SecretBoxError(
        'wrong_key',
        `sealed with key ${keyId.toString('hex')}, not with the current key ${this.keyId}`,
      );
    const iv = buf.subarray(1 + KEY_ID_BYTES, 1 + KEY_ID_BYTES + IV_BYTES);
    const tag = buf.subarray(1 + KEY_ID_BYTES + IV_BYTES, HEADER);
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(buf.subarray(HEADER)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('tampered', 'the sealed secret failed authentication (tampered, or another key)');
    }
  }

  /** The key id a sealed value names (without opening it). */
  static keyIdOfSealed(sealed: string): string | undefined {
    const buf = Buffer.from(sealed, 'base64');
    return buf.length >= HEADER ? buf.subarray(1, 1 + KEY_ID_BYTES).toString('hex') : undefined;
  }
}

/** Re-seals every value of a secrets map from `from` to `to` (values already under `to` are kept). */
export function resealAll(
  secrets: Record<string, string>,
  aadOf: (name: string) => string,
  from: SecretBox,
  to: SecretBox,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, sealed] of Object.entries(secrets)) {
    out[name] =
      SecretBox.keyIdOfSealed(sealed) === to.keyId ? sealed : to.seal(from.open(sealed, aadOf(name)), aadOf(name));
  }
  return out;
}

/** What each sealed secret is bound to. */
export function secretAad(connectionId: string, name: string): string {
  return `connection:${connectionId}:${name}`;
}
