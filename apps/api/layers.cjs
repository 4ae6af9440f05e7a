/**
 * The API's layers, lowest first: a layer imports only itself and the layers below it. Every folder
 * of apps/api/src belongs to exactly one. Read by .dependency-cruiser.cjs (the rules) and
 * scripts/architecture-map.mjs (docs/architecture.md); apps/api/README.md says what each holds.
 */
module.exports = {
  platform: ['platform', 'types'],
  access: ['access', 'audit', 'api-keys', 'sessions', 'users', 'roles', 'tenants', 'auth'],
  flows: ['engine', 'connections', 'webhook-secrets', 'flow-templates', 'flows', 'soap'],
  runs: ['executions', 'queue', 'runs', 'workers', 'campaigns', 'flow-stats'],
  triggers: ['triggers'],
  // The composition on top: main.ts, app.module.ts, app.factory.ts, features.ts and these folders.
  composition: ['boot', 'bootstrap', 'health', 'database'],
};
