/** Stops the embedded PostgreSQL started by global-setup.ts. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __testPg?: { stop(): Promise<void> } }).__testPg?.stop();
}
