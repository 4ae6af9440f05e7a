import 'reflect-metadata';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded-postgres';
import { migrate } from './database/migrate';

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
  let embedded: EmbeddedDatabase | undefined;
  let url = config.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres(`${config.DATA_DIR}/postgres`, config.EMBEDDED_PG_PORT, (m) => process.stdout.write(`${m}\n`));
    url = embedded.url;
  }
  await migrate(url);
  const app = await createApp(config, url);
  const stop = async () => {
    await app.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (config.ROLE === 'worker') {
    await app.init();
    process.stdout.write(`callflow worker started (ROLE=worker)\n`);
  } else {
    await app.listen(config.PORT, config.HOST);
    process.stdout.write(`callflow listening on http://${config.HOST}:${config.PORT} (API /api/v1, docs /api/docs, ROLE=${config.ROLE})\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`callflow failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
