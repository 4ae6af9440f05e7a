import path from 'node:path';
import { removeEmbeddedPostgres } from '../src/platform/database/embedded-postgres-processes';

/**
 * Stops the embedded PostgreSQL started by global-setup.ts and removes its folder (and its cluster, wherever it is).
 */
export default async function globalTeardown(): Promise<void> {
  const pg = (globalThis as { __testPg?: { stop(): Promise<void> } }).__testPg;
  if (!pg) return;
  await pg.stop();
  removeEmbeddedPostgres(path.resolve(__dirname, `../../../.data/test-pg/run-${process.pid}`));
}
