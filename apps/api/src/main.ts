import 'reflect-metadata';
import cluster from 'node:cluster';
import { runPrimary } from './boot/cluster-primary';
import { ConfigError, loadConfig, type AppConfig } from './platform/config/app-config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './platform/database/embedded-postgres';
import { migrate } from './database/migrate';

/** The embedded database, when this process runs one (stopped on every exit path). */
let embedded: EmbeddedDatabase | undefined;

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * `npm start`: the database (embedded when no DATABASE_URL), its migrations, then the server in
 * this process, or PROCESSES of them (cluster children get DATABASE_URL from the primary, which
 * did the rest once).
 */
async function main(): Promise<void> {
  const config = configOrExit();
  // Loaded only where the app runs: a cluster primary never builds it (less memory, no idle GC of it).
  const serve = async (url: string, afterClose?: () => Promise<void>) =>
    (await import('./boot/serve')).serve(config, url, afterClose);
  if (cluster.isWorker) return serve(config.DATABASE_URL!);
  let url = config.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres(
      `${config.DATA_DIR}/postgres`,
      config.EMBEDDED_PG_PORT,
      (m) => process.stdout.write(`${m}\n`),
      { detached: true },
    );
    url = embedded.url;
  }
  await migrate(url);
  const stopDatabase = async () => embedded?.stop();
  if (config.PROCESSES > 1) await runPrimary(config, url, stopDatabase);
  else await serve(url, stopDatabase);
}

main().catch(async (err) => {
  process.stderr.write(`callflow failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  await embedded?.stop().catch(() => undefined);
  process.exit(1);
});
