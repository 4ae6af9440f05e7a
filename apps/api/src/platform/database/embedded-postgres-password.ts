import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

/**
 * The embedded PostgreSQL's superuser password: random, made on first start and kept in the
 * PostgreSQL folder of DATA_DIR (mode 0600), so that no other local process can log in (a
 * superuser gets a shell as the postgres user through `COPY … FROM PROGRAM`).
 */
export const PASSWORD_FILE = 'superuser.password';

/** The password every cluster made before PASSWORD_FILE existed was given. */
const LEGACY_PASSWORD = 'postgres';

/** 48 hex characters: nothing to escape in a URL or in SQL. */
function randomPassword(): string {
  return crypto.randomBytes(24).toString('hex');
}

function readSecret(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Writes a 0600 file whole or not at all (a temporary file renamed over it). */
function writeSecret(file: string, value: string, owner?: { uid: number; gid: number }): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${value}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600); // whatever the umask
  if (owner) fs.chownSync(tmp, owner.uid, owner.gid);
  fs.renameSync(tmp, file);
}

/** The password of the cluster kept for `dir`, if one was made. */
export function storedPassword(dir: string): string | undefined {
  return readSecret(path.join(dir, PASSWORD_FILE));
}

/** A new password for a new cluster, stored before the cluster is made (a start cut short reuses it). */
export function passwordForNewCluster(dir: string): string {
  const stored = storedPassword(dir);
  if (stored) return stored;
  const password = randomPassword();
  writeSecret(path.join(dir, PASSWORD_FILE), password);
  return password;
}

/**
 * initdb's `--pwfile`: written for the initdb process (run as the postgres user when root) in the
 * cluster's home, readable by it alone; `remove` deletes it once initdb has read it.
 */
export function initdbPasswordFile(
  home: string,
  password: string,
  owner?: { uid: number; gid: number },
): { file: string; remove(): void } {
  const file = path.join(home, `.initdb-password-${process.pid}`);
  writeSecret(file, password, owner);
  return { file, remove: () => fs.rmSync(file, { force: true }) };
}

/**
 * A cluster made before the password was random (superuser `postgres` / `postgres`): on its first
 * start by this code, the password becomes a random one. Crash-safe: the new password is stored
 * as pending first, then set, then made current; a start cut short in between tries both.
 */
export async function replaceLegacyPassword(dir: string, port: number, log: (msg: string) => void): Promise<string> {
  const current = path.join(dir, PASSWORD_FILE);
  const pending = `${current}.pending`;
  let next = readSecret(pending);
  if (!next) {
    next = randomPassword();
    writeSecret(pending, next);
  }
  for (const tried of [LEGACY_PASSWORD, next]) {
    const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password: tried, database: 'postgres' });
    try {
      await client.connect();
    } catch (err) {
      // 28P01: wrong password; the other one may be right.
      if ((err as { code?: string }).code === '28P01') continue;
      throw err;
    }
    try {
      // A hex literal: nothing to escape (ALTER ROLE takes no parameters).
      await client.query(`ALTER ROLE postgres PASSWORD '${next}'`);
    } finally {
      await client.end();
    }
    fs.renameSync(pending, current);
    log(`embedded PostgreSQL: the superuser's password was the old default; it is now a random one kept in ${current}`);
    return next;
  }
  throw new Error(
    `cannot log in to the embedded PostgreSQL in ${dir}: ${current} is missing, and neither the old default password ` +
      'nor the pending one works',
  );
}
