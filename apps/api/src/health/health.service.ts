import fs from 'node:fs';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { QUEUE_SCHEMA } from '../queue/flow-runs.queue';

export type CheckStatus = 'ok' | 'error';
/** `disabled`: no pg-boss schema in the database (the queue has never started against it). */
export type QueueStatus = 'ok' | 'disabled' | 'error';

export interface HealthReport {
  status: CheckStatus;
  database: CheckStatus;
  queue: QueueStatus;
  version: string;
}

/** How long a health query may take before the database counts as down, ms. */
export const HEALTH_TIMEOUT_MS = 2000;

/** The service version (apps/api/package.json; the same relative path from src and dist). */
function readVersion(): string {
  try {
    return String(
      JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')).version ?? 'unknown',
    );
  } catch {
    return 'unknown';
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Checks the database (`SELECT 1`) and the queue's schema, each bounded by HEALTH_TIMEOUT_MS. */
@Injectable()
export class HealthService {
  readonly version = readVersion();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async check(timeoutMs = HEALTH_TIMEOUT_MS): Promise<HealthReport> {
    let database: CheckStatus = 'ok';
    let queue: QueueStatus = 'error';
    try {
      await withTimeout(this.db.query('SELECT 1'), timeoutMs);
    } catch {
      database = 'error';
    }
    if (database === 'ok') {
      try {
        const rows: { job: string | null }[] = await withTimeout(
          this.db.query(`SELECT to_regclass($1)::text AS job`, [`${QUEUE_SCHEMA}.job`]),
          timeoutMs,
        );
        queue = rows[0]?.job ? 'ok' : 'disabled';
      } catch {
        queue = 'error';
      }
    }
    return { status: database, database, queue, version: this.version };
  }
}
