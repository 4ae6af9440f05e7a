import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { clusterPlaces } from './embedded-postgres-place';

// The postmaster as a process: one left by a killed parent, and throwaway clusters' removal. No
// import of embedded-postgres (an ES module): test setup code loads this under jest.

/**
 * Stops the postgres of the folder `dir` if one runs, and removes its cluster wherever it is
 * (inside `dir` or outside) and `dir` itself: for throwaway clusters (tests).
 */
export function removeEmbeddedPostgres(dir: string): void {
  for (const place of clusterPlaces(dir)) {
    const pidFile = path.join(place.dataDir, 'postmaster.pid');
    const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
    if (pid > 0 && isAlive(pid) && isPostgres(pid)) {
      process.kill(pid, 'SIGKILL');
      const until = Date.now() + 5_000;
      while (isAlive(pid) && Date.now() < until) execFileSync('sleep', ['0.05']);
    }
    if (place.outside) fs.rmSync(place.home, { recursive: true, force: true });
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Stops a postmaster whose pid file survives a SIGKILLed parent (or removes a stale pid file whose
 * pid is gone or now belongs to another program). A postmaster whose parent is still a live node
 * process belongs to another running server on the same DATA_DIR: that is refused, not killed.
 */
export function stopOrphan(dataDir: string, log: (msg: string) => void): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (pid > 0 && isAlive(pid) && isPostgres(pid)) {
    const parent = parentPid(pid);
    const byNode = parent !== undefined && /(^|\/)node(\0|$)/.test(cmdline(parent).split('\0')[0] ?? '');
    if (parent !== undefined && parent > 1 && parent !== process.pid && isAlive(parent) && byNode) {
      throw new Error(
        `the embedded PostgreSQL in ${dataDir} is in use by another running process (pid ${parent}); ` +
          'stop it or use another DATA_DIR',
      );
    }
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
  if (fs.existsSync(pidFile) && !(isAlive(pid) && isPostgres(pid))) fs.rmSync(pidFile, { force: true });
}

/** The command line of a process ('' when unknown: not Linux, or gone). */
function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** Whether `pid` runs postgres (assumed so where /proc is unavailable). */
function isPostgres(pid: number): boolean {
  if (!fs.existsSync('/proc/self/cmdline')) return true;
  return /postgres/.test(cmdline(pid).split('\0')[0] ?? '');
}

function parentPid(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command name: state, ppid, ...
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
