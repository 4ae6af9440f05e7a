import fs from 'node:fs';
import path from 'node:path';

/** Stops the embedded PostgreSQL started by global-setup.ts and removes its folder. */
export default async function globalTeardown(): Promise<void> {
  const pg = (globalThis as { __testPg?: { stop(): Promise<void> } }).__testPg;
  if (!pg) return;
  await pg.stop();
  fs.rmSync(path.resolve(__dirname, `../../../.data/test-pg/run-${process.pid}`), { recursive: true, force: true });
}
