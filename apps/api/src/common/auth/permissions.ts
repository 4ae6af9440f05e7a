/** The permission catalogue (design.md §6). */
export const PERMISSIONS = [
  'flows.read', 'flows.write', 'flows.publish', 'flows.run',
  'executions.read',
  'connections.read', 'connections.write',
  'access.manage', 'api_keys.manage',
  'tenants.manage',
  'triggers.invoke',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Scopes an API key may carry. */
export const API_KEY_SCOPES = ['triggers.invoke'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
