/**
 * CPU time of processes from /proc (Linux), to state what a request costs each process: a figure
 * that holds on a noisy machine where throughput does not.
 */
import fs from 'node:fs';

const TICK_US = 10_000; // USER_HZ is 100 on Linux

/** User + system CPU time of `pid` in µs (0 when it is gone or /proc is unavailable). */
export function cpuMicros(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    return 0;
  }
}

/** The pids in /proc for which `match` holds (a process that is gone or not ours to read does not). */
function processesWhere(match: (pid: string) => boolean): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (match(e)) pids.push(Number(e));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** The postgres processes (postmaster and backends) whose working folder is under `dataDir`. */
export function postgresPids(dataDir: string): number[] {
  const root = dataDir.endsWith('/') ? dataDir : `${dataDir}/`;
  return processesWhere(
    (e) =>
      fs.readFileSync(`/proc/${e}/comm`, 'utf8').trim() === 'postgres' &&
      `${fs.readlinkSync(`/proc/${e}/cwd`)}/`.startsWith(root),
  );
}

/** `pid` and its child processes running node (cluster workers; not its PostgreSQL). */
export function nodeProcesses(pid: number): number[] {
  return [
    pid,
    ...processesWhere((e) => {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return comm === 'node' && ppid === pid;
    }),
  ];
}

/** Starts measuring; `stop(count)` gives µs of CPU per unit of work for each named group of processes. */
export function cpuMeter(groups: Record<string, () => number[]>): { stop(count: number): Record<string, number> } {
  const sum = (pids: number[]) => pids.reduce((a, p) => a + cpuMicros(p), 0);
  // Backends may come and go during the run: per pid, start from what it had at the start (or 0).
  const start = new Map<string, Map<number, number>>();
  for (const [name, pids] of Object.entries(groups)) start.set(name, new Map(pids().map((p) => [p, cpuMicros(p)])));
  return {
    stop(count) {
      const out: Record<string, number> = {};
      for (const [name, pids] of Object.entries(groups)) {
        const before = start.get(name)!;
        const now = pids();
        out[name] = count > 0 ? (sum(now) - now.reduce((a, p) => a + (before.get(p) ?? 0), 0)) / count : NaN;
      }
      return out;
    },
  };
}
