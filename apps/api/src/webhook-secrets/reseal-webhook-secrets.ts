import type { EntityManager } from 'typeorm';
import { SecretBox } from '../platform/secrets/secret-box';
import { webhookSecretAad } from './webhook-secret-crypto';

/** Re-seals every webhook secret from `from` to `to` in the key rotation's transaction; returns how many changed. */
export async function resealWebhookSecrets(m: EntityManager, from: SecretBox, to: SecretBox): Promise<number> {
  const rows: { flow_id: string; sealed: string }[] = await m.query(
    `SELECT flow_id, sealed FROM flow_webhook_secrets WHERE key_id <> $1 ORDER BY flow_id FOR UPDATE`,
    [to.keyId],
  );
  for (const row of rows) {
    const aad = webhookSecretAad(row.flow_id);
    let secret: string;
    try {
      secret = (SecretBox.keyIdOfSealed(row.sealed) === to.keyId ? to : from).open(row.sealed, aad);
    } catch (err) {
      throw new Error(`webhook secret of flow ${row.flow_id}: ${(err as Error).message}; nothing was changed`, {
        cause: err,
      });
    }
    const sealed = to.seal(secret, aad);
    const update = `UPDATE flow_webhook_secrets SET sealed = $2, key_id = $3 WHERE flow_id = $1`;
    await m.query(update, [row.flow_id, sealed, to.keyId]);
  }
  return rows.length;
}
