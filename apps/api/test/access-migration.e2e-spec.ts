import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../src/database/data-source';
import { AccessControl1763720000000 } from '../src/database/migrations/1763720000000-access-control';
import { BUILT_IN_ROLES } from '../src/roles/built-in-roles';
import { scratchDatabase } from './db-url';

describe('access-control migration', () => {
  const db = scratchDatabase();
  beforeAll(() => db.create());
  afterAll(() => db.drop());

  it('seeds the built-in roles for tenants that existed before it, and reverts cleanly', async () => {
    const idx = MIGRATIONS.indexOf(AccessControl1763720000000);
    const open = (migrations: typeof MIGRATIONS) => new DataSource({ type: 'postgres', url: db.url, migrations }).initialize();
    const before = await open(MIGRATIONS.slice(0, idx));
    await before.runMigrations();
    await before.query(`INSERT INTO tenants (name) VALUES ('old one'), ('old two')`);
    await before.destroy();

    const ds = await open(MIGRATIONS.slice(0, idx + 1));
    await ds.runMigrations();
    const rows: { tenant: string; name: string; built_in: string; permissions: string[] }[] = await ds.query(
      `SELECT t.name AS tenant, r.name, r.built_in, r.permissions FROM roles r JOIN tenants t ON t.id = r.tenant_id ORDER BY t.name, r.name`,
    );
    expect(rows).toHaveLength(6);
    for (const r of BUILT_IN_ROLES) {
      // The frozen copy in the migration matches what new tenants get today.
      expect(rows.find((x) => x.tenant === 'old one' && x.built_in === r.key)).toMatchObject({ name: r.name, permissions: r.permissions });
    }
    await ds.undoLastMigration();
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('roles', 'user_roles', 'refresh_tokens', 'login_failures', 'audit_log')`);
    expect(n).toBe(0);
    await ds.destroy();
  });
});
