import 'reflect-metadata';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded-postgres';
import { migrate } from './database/migrate';

/** The embedded database, when this process runs one (stopped on every exit path). */
let embedded: EmbeddedDatabase | undefined;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  let url = config.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres(`${config.DATA_DIR}/postgres`, config.EMBEDDED_PG_PORT, (m) => process.stdout.write(`${m}\n`), { detached: true });
    url = embedded.url;
  }
  await migrate(url);
  const app = await createApp(config, url);
  // One shutdown path, in order: close the app (HTTP, workers, pool), then the embedded database.
  // Nest's shutdown hooks and embedded-postgres' exit hook also listen to these signals and would
  // race this (closing the pool twice, or exiting before the app is closed): they are replaced.
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`callflow stopping (${signal})\n`);
    const force = setTimeout(() => {
      process.stderr.write('callflow: shutdown took over 15 s, exiting\n');
      process.exit(1);
    }, 15_000);
    force.unref();
    await app.close().catch((err: unknown) => process.stderr.write(`callflow: error while closing: ${String(err)}\n`));
    await embedded?.stop().catch(() => undefined);
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, stop);
  }
  if (config.ROLE === 'worker') {
    await app.init();
    process.stdout.write(`callflow worker started (ROLE=worker)\n`);
  } else {
    await app.listen(config.PORT, config.HOST);
    process.stdout.write(`callflow listening on http://${config.HOST}:${config.PORT} (API /api/v1, docs /api/docs, ROLE=${config.ROLE})\n`);
  }
}

main().catch(async (err) => {
  process.stderr.write(`callflow failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  await embedded?.stop().catch(() => undefined);
  process.exit(1);
});
