import type { DataSource, QueryRunner } from 'typeorm';

/** A statement runner that answers the rows, also of UPDATE/DELETE … RETURNING (TypeORM's raw result). */
export type Rows = <T>(text: string, params?: unknown[]) => Promise<T[]>;

/** Rows of statements on `qr` (e.g. inside a transaction). */
export function rowsOn(qr: QueryRunner): Rows {
  return async <T>(text: string, params: unknown[] = []) =>
    ((await qr.query(text, params, true)) as { records?: T[] }).records ?? [];
}

/** Rows of one statement on a connection taken from the pool for it. */
export function rowsOnPool(db: DataSource): Rows {
  return async <T>(text: string, params: unknown[] = []) => {
    const qr = db.createQueryRunner();
    try {
      return await rowsOn(qr)<T>(text, params);
    } finally {
      await qr.release();
    }
  };
}
