import crypto from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../src/database/data-source';

/** The same server URL pointing at another database. */
export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

type Migration = (typeof MIGRATIONS)[number];

export interface ScratchDatabase {
  url: string;
  create(): Promise<void>;
  drop(): Promise<void>;
  /** A connection whose schema has run every migration before `migration` ('before') or up to it ('through'). */
  migrated(migration: Migration, upTo: 'before' | 'through'): Promise<DataSource>;
}

/** An empty database of its own on the test server (migration specs): create in beforeAll, drop in afterAll. */
export function scratchDatabase(): ScratchDatabase {
  const adminUrl = process.env.TEST_PG_ADMIN_URL!;
  const name = `m_${crypto.randomBytes(6).toString('hex')}`;
  const exec = async (sql: string) => {
    const c = new Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  const url = withDatabase(adminUrl, name);
  return {
    url,
    create: () => exec(`CREATE DATABASE ${name}`),
    drop: () => exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    async migrated(migration, upTo) {
      const idx = MIGRATIONS.indexOf(migration);
      if (idx < 0) throw new Error(`${migration.name} is not in MIGRATIONS`);
      const ds = await new DataSource({
        type: 'postgres',
        url,
        migrations: MIGRATIONS.slice(0, upTo === 'before' ? idx : idx + 1),
      }).initialize();
      await ds.runMigrations();
      return ds;
    },
  };
}
