import { AccessControl1763720000000 } from '../src/database/migrations/1763720000000-access-control';
import { BUILT_IN_ROLES } from '../src/roles/built-in-roles';
import { scratchDatabase } from './db-url';

describe('access-control migration', () => {
  const db = scratchDatabase();
  beforeAll(() => db.create());
  afterAll(() => db.drop());

  it('seeds the built-in roles for tenants that existed before it, and reverts cleanly', async () => {
    const before = await db.migrated(AccessControl1763720000000, 'before');
    await before.query(`INSERT INTO tenants (name) VALUES ('old one'), ('old two')`);
    await before.destroy();

    const ds = await db.migrated(AccessControl1763720000000, 'through');
    const rows: { tenant: string; name: string; built_in: string; permissions: string[] }[] = await ds.query(
      `SELECT t.name AS tenant, r.name, r.built_in, r.permissions FROM roles r ` +
        `JOIN tenants t ON t.id = r.tenant_id ORDER BY t.name, r.name`,
    );
    expect(rows).toHaveLength(6);
    for (const r of BUILT_IN_ROLES) {
      // The frozen copy in the migration matches what new tenants get today.
      expect(rows.find((x) => x.tenant === 'old one' && x.built_in === r.key)).toMatchObject({
        name: r.name,
        permissions: r.permissions,
      });
    }
    await ds.undoLastMigration();
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM information_schema.tables ` +
        `WHERE table_name IN ('roles', 'user_roles', 'refresh_tokens', 'login_failures', 'audit_log')`,
    );
    expect(n).toBe(0);
    await ds.destroy();
  });
});
