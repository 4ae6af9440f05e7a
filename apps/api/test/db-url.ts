import crypto from 'node:crypto';
import { Client } from 'pg';

/** The same server URL pointing at another database. */
export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** An empty database of its own on the test server (migration specs): create in beforeAll, drop in afterAll. */
export function scratchDatabase(): { url: string; create(): Promise<void>; drop(): Promise<void> } {
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
  return {
    url: withDatabase(adminUrl, name),
    create: () => exec(`CREATE DATABASE ${name}`),
    drop: () => exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
