/**
 * Rotates the key that encrypts connection secrets: every sealed value is opened with the old key
 * and sealed again with the new one, in one transaction (all rows or none).
 *
 * Usage (stop the API first, or accept that runs started during the rotation may fail to decrypt):
 *
 * ```sh
 * SECRETS_KEY_OLD=<current key> SECRETS_KEY=<new key> [DATABASE_URL=postgres://…] \
 *   node -r @swc-node/register apps/api/src/connections/rotate-key.ts
 * ```
 *
 * Keys are 32 bytes as 64 hex characters or base64 (`openssl rand -base64 32`). Without
 * DATABASE_URL the embedded PostgreSQL in DATA_DIR is started, as `npm start` does. If the old key
 * was the one generated into `DATA_DIR/secrets.key`, pass its content as SECRETS_KEY_OLD; afterwards
 * start the API with the new SECRETS_KEY (or write the new key into that file). Rows already sealed
 * with the new key are skipped, so an interrupted rotation can simply be run again. A row that opens
 * with neither key aborts the whole rotation and is named (by id) in the error.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../platform/config/app-config';
import { resealWebhookSecrets } from '../webhook-secrets/reseal-webhook-secrets';
import { resealAll, SecretBox, secretAad } from '../platform/secrets/secret-box';

export interface RotationReport {
  rotated: number;
  skipped: number;
  keyId: string;
  /** Webhook secrets (one per flow) re-sealed. */
  webhookSecrets: number;
}

/** Decodes a 32-byte key given as 64 hex characters or base64. */
export function decodeSecretsKey(value: string, name: string): Buffer {
  const v = value.trim();
  const buf = /^[0-9a-f]{64}$/i.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  if (buf.length !== 32) throw new ConfigError(`${name}: must be 32 bytes, as 64 hex characters or base64`);
  return buf;
}

/** Re-seals every connection's secrets and every webhook secret from `oldKey` to `newKey` in one transaction. */
export async function rotateSecretsKey(ds: DataSource, oldKey: Buffer, newKey: Buffer): Promise<RotationReport> {
  const from = new SecretBox(oldKey);
  const to = new SecretBox(newKey);
  return ds.transaction(async (m) => {
    const rows: { id: string; secrets: Record<string, string>; key_id: string }[] = await m.query(
      `SELECT id, secrets, key_id FROM connections ORDER BY id FOR UPDATE`,
    );
    let rotated = 0;
    let skipped = 0;
    for (const row of rows) {
      let secrets: Record<string, string>;
      try {
        secrets = resealAll(row.secrets ?? {}, (name) => secretAad(row.id, name), from, to);
      } catch (err) {
        throw new Error(`connection ${row.id}: ${(err as Error).message}; nothing was changed`, { cause: err });
      }
      if (row.key_id === to.keyId && JSON.stringify(secrets) === JSON.stringify(row.secrets ?? {})) {
        skipped++;
        continue;
      }
      await m.query(`UPDATE connections SET secrets = $2, key_id = $3 WHERE id = $1`, [
        row.id,
        JSON.stringify(secrets),
        to.keyId,
      ]);
      rotated++;
    }
    const webhookSecrets = await resealWebhookSecrets(m, from, to);
    return { rotated, skipped, keyId: to.keyId, webhookSecrets };
  });
}

async function main(): Promise<void> {
  const oldValue = process.env.SECRETS_KEY_OLD;
  if (!oldValue || !process.env.SECRETS_KEY)
    throw new ConfigError('set SECRETS_KEY_OLD (the current key) and SECRETS_KEY (the new key)');
  const config = loadConfig();
  const oldKey = decodeSecretsKey(oldValue, 'SECRETS_KEY_OLD');
  let url = config.DATABASE_URL;
  let embedded: { url: string; stop(): Promise<void> } | undefined;
  if (!url) {
    const { startEmbeddedPostgres } = await import('../platform/database/embedded-postgres');
    embedded = await startEmbeddedPostgres(`${config.DATA_DIR}/postgres`, config.EMBEDDED_PG_PORT);
    url = embedded.url;
  }
  const ds = new DataSource({ type: 'postgres', url });
  try {
    await ds.initialize();
    const r = await rotateSecretsKey(ds, oldKey, config.secretsKey);
    process.stdout.write(
      `connection secrets: ${r.rotated} connection(s) re-encrypted, ${r.skipped} already under key ${r.keyId}\n`,
    );
    process.stdout.write(`webhook secrets: ${r.webhookSecrets} re-encrypted\n`);
  } finally {
    await ds.destroy().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`rotate-secrets-key failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
