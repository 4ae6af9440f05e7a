import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook secret fingerprints were the first 8 hex digits of the secret's plain SHA-256: shown to
 * every flows.read user and kept in the audit log, they let a weak chosen secret be found offline.
 * They are now keyed from SECRETS_KEY and computed when shown, so the stored ones go: the column,
 * and the `fingerprint` of past `webhook_secret.set` audit entries (which a migration cannot
 * recompute: it has no key, and the entry may be about a secret rotated away since).
 */
export class WebhookSecretFingerprints1763792000000 implements MigrationInterface {
  name = 'WebhookSecretFingerprints1763792000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flow_webhook_secrets DROP COLUMN IF EXISTS fingerprint`);
    await q.query(
      `UPDATE audit_log SET details = (details - 'fingerprint') || '{"fingerprintRemoved": true}'::jsonb
       WHERE action = 'webhook_secret.set' AND details ? 'fingerprint'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flow_webhook_secrets ADD COLUMN IF NOT EXISTS fingerprint text NOT NULL DEFAULT ''`);
  }
}
