import * as migration from '../src/database/migrations/1763792000000-webhook-secret-fingerprints';
import { scratchDatabase } from './db-url';

describe('webhook secret fingerprints migration (security review 2: the upgrade path)', () => {
  const db = scratchDatabase();
  beforeAll(() => db.create());
  afterAll(() => db.drop());

  it('drops the stored unkeyed fingerprints and those past audit entries kept; the secrets stay; reverts', async () => {
    const before = await db.migrated(migration.WebhookSecretFingerprints1763792000000, 'before');
    const [{ id: tenant }] = await before.query(`INSERT INTO tenants (name) VALUES ('old') RETURNING id`);
    const [{ id: flow }] = await before.query(
      `INSERT INTO flows (tenant_id, key, name, definition) VALUES ($1, 'rcrm-hook', 'hook', '{}') RETURNING id`,
      [tenant],
    );
    await before.query(
      `INSERT INTO flow_webhook_secrets (flow_id, tenant_id, sealed, key_id, fingerprint) ` +
        `VALUES ($1, $2, 'sealed', 'k', 'a1b2c3d4')`,
      [flow, tenant],
    );
    const audit = (action: string, details: object) =>
      before.query(
        `INSERT INTO audit_log (tenant_id, action, target_type, target_id, details) VALUES ($1, $2, 'flow', $3, $4)`,
        [tenant, action, flow, JSON.stringify(details)],
      );
    await audit('webhook_secret.set', { key: 'rcrm-hook', fingerprint: 'a1b2c3d4', chosen: true });
    await audit('webhook_secret.removed', { key: 'rcrm-hook' });
    await audit('connection.updated', { fingerprint: 'kept-as-is' });
    await before.destroy();

    const ds = await db.migrated(migration.WebhookSecretFingerprints1763792000000, 'through');
    const columns = async () =>
      (
        await ds.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'flow_webhook_secrets'`)
      ).map((c: { column_name: string }) => c.column_name);
    expect(await columns()).not.toContain('fingerprint');
    expect(await ds.query(`SELECT flow_id, sealed FROM flow_webhook_secrets`)).toEqual([
      { flow_id: flow, sealed: 'sealed' },
    ]);
    const rows: { action: string; details: object }[] = await ds.query(
      `SELECT action, details FROM audit_log ORDER BY action`,
    );
    expect(rows).toEqual([
      { action: 'connection.updated', details: { fingerprint: 'kept-as-is' } },
      { action: 'webhook_secret.removed', details: { key: 'rcrm-hook' } },
      { action: 'webhook_secret.set', details: { key: 'rcrm-hook', chosen: true, fingerprintRemoved: true } },
    ]);
    await ds.undoLastMigration();
    expect(await columns()).toContain('fingerprint');
    await ds.destroy();
  });
});
