import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestApp } from '../harness';

const ROOT = path.resolve(__dirname, '../../../..');

/** A queue worker process (support/worker-main.ts) on a test app's database. */
export interface WorkerProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<void>;
}

/**
 * Starts support/worker-main.ts as a separate process with ROLE=worker on the test database;
 * `dataDir` must hold the app's secrets (a copy of its DATA_DIR). Resolves once it prints "worker ready".
 */
export async function startWorkerProcess(
  t: TestApp,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/api/test/support/worker-main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: t.databaseUrl,
      ROLE: 'worker',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      OUTBOUND_ALLOW: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output.push(d.toString());
      if (output.join('').includes('worker ready')) resolve();
    });
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${output.join('')}`)));
  });
  return { child, output, exited };
}

/** SIGKILLs the worker and waits for its exit. */
export async function killWorkerProcess(w: WorkerProcess): Promise<void> {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await w.exited;
}
