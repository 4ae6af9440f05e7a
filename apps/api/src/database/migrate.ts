import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';

/**
 * Applies pending migrations under an advisory lock, so processes starting together (replicas on
 * several machines, `docker compose up --scale`) take turns: the first applies them, the others
 * then find none pending. The lock is a session lock, held on a connection of its own for the
 * whole run (through the pool, lock and unlock could land on different connections).
 */
export async function migrate(url: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(url));
  await ds.initialize();
  const lock = ds.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock(7200)');
    try {
      const done = await ds.runMigrations({ transaction: 'each' });
      return done.map((m) => m.name);
    } finally {
      await lock.query('SELECT pg_advisory_unlock(7200)');
    }
  } finally {
    await lock.release();
    await ds.destroy();
  }
}
