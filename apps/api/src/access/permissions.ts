/** The permission catalogue (README.md, "API overview"; docs/security.md, "Access"). */
export const PERMISSIONS = [
  'flows.read',
  'flows.write',
  'flows.publish',
  'flows.run',
  'executions.read',
  'connections.read',
  'connections.write',
  'access.manage',
  'api_keys.manage',
  'tenants.manage',
  'triggers.invoke',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Scopes an API key may carry. */
export const API_KEY_SCOPES = ['triggers.invoke'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** What each permission allows (GET /permissions). */
export const PERMISSION_DESCRIPTIONS: Record<Permission, string> = {
  'flows.read': 'See flows, their versions and validation results',
  'flows.write': 'Create, edit, import and delete flow drafts',
  'flows.publish': 'Publish, roll back and unpublish flows',
  'flows.run': 'Test-run flows, retry executions, retry, pause and resume campaigns',
  'executions.read': 'See executions and their steps, and campaign progress',
  'connections.read': 'See connections (never their secrets)',
  'connections.write': 'Create, edit and delete connections and their secrets',
  'access.manage': 'Manage users, roles and grants; read the audit log',
  'api_keys.manage': 'Create and revoke API keys',
  'tenants.manage': 'Create tenants (the bootstrap admin only)',
  'triggers.invoke': 'API key scope: call the IVR, event and webhook triggers',
};

/**
 * Permissions that may be granted to users and roles: tenants.manage stays with the bootstrap
 * admin and triggers.invoke is an API key scope.
 */
export const GRANTABLE_PERMISSIONS: readonly Permission[] = PERMISSIONS.filter(
  (p) => p !== 'tenants.manage' && p !== 'triggers.invoke',
);
