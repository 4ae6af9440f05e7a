/**
 * A queue worker process for tests (worker-crash.e2e-spec.ts): builds the config from the
 * environment (DATABASE_URL of the test database, ROLE=worker, …) and starts the app without an
 * HTTP listener. Run with `node -r @swc-node/register apps/api/test/support/worker-main.ts`.
 * Prints "worker ready" once started; SIGTERM closes it gracefully (Nest shutdown hooks).
 */
import 'reflect-metadata';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/platform/config/app-config';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const url = config.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const app = await createApp(config, url);
  // createApp enables Nest's shutdown hooks: SIGTERM closes the app gracefully.
  await app.init();
  process.stdout.write('worker ready\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
