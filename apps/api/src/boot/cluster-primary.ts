import cluster, { type Worker } from 'node:cluster';
import net from 'node:net';
import type { AppConfig } from '../platform/config/app-config';
import {
  CLOSED_MESSAGE,
  CONNECTION_MESSAGE,
  FORCE_EXIT_MS,
  listeningLine,
  READY_MESSAGE,
  STOP_SIGNALS,
} from './process-protocol';

/** A process that dies is replaced after this long, ms. */
const RESTART_DELAY_MS = 500;
/** More deaths than this within RESTART_WINDOW_MS: something is wrong with every process; stop. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/** A child process and the connections it was handed that are still open. */
interface Child {
  worker: Worker;
  ready: boolean;
  open: number;
}

/**
 * PROCESSES > 1: this process starts that many server processes (node:cluster) and supervises
 * them. It owns what must exist once: the embedded database (started by main), the migrations
 * (run by main) and, for HTTP roles, the listening socket. Each accepted connection goes to the
 * ready child with the fewest open connections: IVRs and PBXs keep a few keep-alive connections
 * open for hours, so handing them out in turn (node:cluster's default) can leave one process with
 * twice the calls of another. Each child runs `serve` with ROLE on the same DATABASE_URL and
 * secrets (DATA_DIR). A child that dies is replaced; one that dies before all were first ready,
 * or more than MAX_RESTARTS deaths within a minute, stops everything with exit code 1. A stop
 * signal closes the socket, stops the children gracefully (each finishes its runs and writes its
 * rows), then runs `afterStop` (the database).
 */
export async function runPrimary(
  config: AppConfig,
  databaseUrl: string,
  afterStop: () => Promise<void>,
): Promise<void> {
  const count = config.PROCESSES;
  const children = new Map<number, Child>();
  const waiting: net.Socket[] = [];
  const deaths: number[] = [];
  let turn = 0;
  let announced = false;
  let stopping = false;
  let exitCode = 0;

  /** The ready child with the fewest open connections (ties: the next in turn). */
  const leastBusy = (): Child | undefined => {
    const ready = [...children.values()].filter((c) => c.ready && c.worker.isConnected());
    if (ready.length === 0) return undefined;
    turn = (turn + 1) % ready.length;
    let best = ready[turn]!;
    for (const c of ready) if (c.open < best.open) best = c;
    return best;
  };

  const handOut = (socket: net.Socket) => {
    const child = leastBusy();
    if (!child) return void waiting.push(socket);
    child.open++;
    child.worker.send(CONNECTION_MESSAGE, socket, (err) => {
      if (!err) return;
      child.open--;
      socket.destroy();
    });
  };

  const listener = config.ROLE === 'worker' ? undefined : net.createServer({ pauseOnConnect: true }, handOut);
  if (listener) {
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(config.PORT, config.HOST, () => {
        listener.off('error', reject);
        resolve();
      });
    });
    // Past startup, a failed accept (e.g. out of file descriptors) is logged, not fatal.
    listener.on('error', (err) => process.stderr.write(`callflow: accepting a connection failed: ${err.message}\n`));
  }

  const fork = (): void => {
    const worker = cluster.fork({ DATABASE_URL: databaseUrl });
    const child: Child = { worker, ready: false, open: 0 };
    children.set(worker.id, child);
    worker.on('message', (m: unknown) => {
      if (m === CLOSED_MESSAGE) child.open = Math.max(0, child.open - 1);
      else if (m === READY_MESSAGE) {
        child.ready = true;
        while (waiting.length > 0 && !stopping) handOut(waiting.shift()!);
        if (!announced && [...children.values()].filter((c) => c.ready).length === count) {
          announced = true;
          process.stdout.write(
            config.ROLE === 'worker'
              ? `callflow worker started (ROLE=worker, ${count} processes)\n`
              : listeningLine(config, count),
          );
        }
      }
    });
  };

  const finish = async () => {
    await afterStop().catch(() => undefined);
    process.exit(exitCode);
  };

  const stop = (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    process.stdout.write(`callflow stopping (${reason})\n`);
    listener?.close();
    for (const s of waiting.splice(0)) s.destroy();
    const force = setTimeout(() => {
      process.stderr.write(`callflow: shutdown took over ${FORCE_EXIT_MS / 1000} s, killing the processes left\n`);
      for (const c of children.values()) c.worker.process.kill('SIGKILL');
    }, FORCE_EXIT_MS + 2_000);
    force.unref();
    if (children.size === 0) void finish();
    for (const c of children.values()) c.worker.process.kill('SIGTERM');
  };

  cluster.on('exit', (worker, code, signal) => {
    const child = children.get(worker.id);
    children.delete(worker.id);
    if (stopping) {
      if (children.size === 0) void finish();
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (!child?.ready && !announced) {
      process.stderr.write(`callflow failed to start: a server process exited (${how}) before it was ready\n`);
      return stop('a server process failed to start', 1);
    }
    const now = Date.now();
    deaths.push(now);
    while (deaths.length > 0 && deaths[0]! < now - RESTART_WINDOW_MS) deaths.shift();
    if (deaths.length > MAX_RESTARTS) {
      process.stderr.write(
        `callflow: server processes died ${deaths.length} times within ${RESTART_WINDOW_MS / 1000} s; stopping\n`,
      );
      return stop('too many restarts', 1);
    }
    process.stderr.write(`callflow: server process ${worker.process.pid} exited (${how}); starting another\n`);
    setTimeout(() => {
      if (!stopping) fork();
    }, RESTART_DELAY_MS);
  });

  // Ctrl-C reaches the children too (same process group): they stop on their own, and this waits.
  for (const signal of STOP_SIGNALS) {
    process.removeAllListeners(signal);
    process.on(signal, () => stop(signal));
  }
  for (let i = 0; i < count; i++) fork();
}
