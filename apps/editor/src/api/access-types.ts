/** Shapes of the access-control and connection endpoints (README.md, "API overview"; docs/security.md, "Access"). */

/** GET /me: the signed-in user, their roles and effective permissions. */
export interface Me {
  id: string;
  email: string;
  tenantId: string;
  isBootstrap?: boolean;
  permissions: string[];
  directPermissions?: string[];
  roles?: { id: string; name: string }[];
}

/** A row of GET /permissions. */
export interface PermissionInfo {
  name: string;
  description: string;
  /** Whether users and roles may hold it (tenants.manage and triggers.invoke may not). */
  grantable: boolean;
}

export interface Role {
  id: string;
  name: string;
  permissions: string[];
  /** admin | editor | viewer for the seeded roles, else null. */
  builtIn: string | null;
  createdAt?: string;
  updatedAt?: string;
}

export interface ManagedUser {
  id: string;
  email: string;
  active: boolean;
  roleIds: string[];
  /** Direct grants. */
  permissions: string[];
  isBootstrap?: boolean;
  createdAt?: string;
}

export interface ApiKey {
  id: string;
  name: string;
  keyPrefix: string;
  scopes: string[];
  flowKeys: string[] | null;
  createdAt: string;
  lastUsedAt: string | null;
  /** The user who made it is deactivated: calls with it are refused until they are active again. */
  suspended?: boolean;
}

export interface AuditEntry {
  id: string;
  actorUserId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** The target's current name (or a user's email); null when it is gone or has none. */
  targetName?: string | null;
  details: unknown;
  createdAt: string;
}

export type ConnectionType =
  'none' | 'basic' | 'bearer' | 'api_key' | 'oauth2_client_credentials' | 'token_endpoint' | 'soap_ws_security';

/** GET /connections/:id: settings, free fields, and only the names of the secrets set. */
export interface ConnectionDetail {
  id: string;
  name: string;
  type: ConnectionType;
  description: string | null;
  fields: Record<string, unknown>;
  /** Origins its credentials may be sent to. */
  allowedOrigins?: string[];
  secretsSet: string[];
  createdAt?: string;
  updatedAt?: string;
  [setting: string]: unknown;
}

export type ConnectionTestResult =
  | { ok: true; expiresAt?: string | null; operations?: number; message?: string }
  | { ok: false; error: { code: string; message: string } };
