import { DataSource } from 'typeorm';
import { ADVISORY_LOCK, withSessionLock } from '../platform/database/advisory-locks';
import { dataSourceOptions } from './data-source';

/**
 * Applies pending migrations under an advisory lock, so processes starting together (replicas on
 * several machines, `docker compose up --scale`) take turns: the first applies them, the others
 * then find none pending.
 */
export async function migrate(url: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(url));
  await ds.initialize();
  try {
    const done = await withSessionLock(ds, ADVISORY_LOCK.migrations, () => ds.runMigrations({ transaction: 'each' }));
    return done.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
