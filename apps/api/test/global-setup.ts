import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/platform/database/embedded-postgres';
import { removeEmbeddedPostgres } from '../src/platform/database/embedded-postgres-processes';
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

/** A test-run folder (`run-<jest pid>`) is stale when the jest process that made it is gone. */
function isStale(runDir: string): boolean {
  const pid = Number(/run-(\d+)$/.exec(runDir)?.[1]);
  if (!pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * One PostgreSQL for the API tests: TEST_DATABASE_URL if given, else an embedded one in a folder
 * of its own under .data/test-pg (so parallel jest runs do not disturb each other).
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const root = path.resolve(__dirname, '../../../.data/test-pg');
    fs.mkdirSync(root, { recursive: true });
    for (const name of fs.readdirSync(root)) {
      const runDir = path.join(root, name);
      if (!isStale(runDir)) continue;
      // A killed run may have left its postgres running (its cluster in the folder, or outside it
      // for a checkout the postgres user cannot reach): stop it and remove both.
      removeEmbeddedPostgres(runDir);
    }
    const pg = await startEmbeddedPostgres(path.join(root, `run-${process.pid}`), await freePort(), (m) => {
      if (!m.startsWith('initialising')) process.stderr.write(`${m}\n`);
    });
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
