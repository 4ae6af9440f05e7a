import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { migrate } from '../src/database/migrate';
import { withDatabase } from './db-url';

export const TEMPLATE_DB = 'callflow_template';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** One PostgreSQL for the API tests: TEST_DATABASE_URL if given, else embedded in .data/test-pg (fresh each run). */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dir = path.resolve(__dirname, '../../../.data/test-pg');
    const pgDir = path.join(dir, 'pg');
    // Stop a postgres left by a killed run before wiping its folder.
    if (fs.existsSync(pgDir)) {
      const stale = await startEmbeddedPostgres(dir, await freePort()).catch(() => undefined);
      await stale?.stop().catch(() => undefined);
      fs.rmSync(pgDir, { recursive: true, force: true });
    }
    const pg = await startEmbeddedPostgres(dir, await freePort());
    (globalThis as { __testPg?: { stop(): Promise<void> } }).__testPg = pg;
    adminUrl = pg.url;
  }
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  await migrate(withDatabase(adminUrl, TEMPLATE_DB));
  process.env.TEST_PG_ADMIN_URL = adminUrl;
}
