/**
 * What the HTTP API answers about access control (types only): the API's services declare them,
 * the editor reads them. `Time` is `Date` where the API builds a view and `string` (ISO) on the wire.
 */

/** The languages the editor is written in (a user's saved choice is one of them). */
export type UiLocale = 'en' | 'it' | 'ru';

/** GET /me: the signed-in user, their roles and effective permissions. */
export interface Me {
  id: string;
  email: string;
  tenantId: string;
  /** The editor language the user chose (PATCH /me), or null: the browser's then applies. */
  locale: UiLocale | null;
  isBootstrap: boolean;
  /** Effective permissions (direct ∪ roles), sorted. */
  permissions: string[];
  directPermissions: string[];
  roles: { id: string; name: string }[];
}

/** PATCH /me: what a user may change of their own account. */
export interface MePatch {
  /** null forgets the choice. */
  locale: UiLocale | null;
}

/** POST /auth/login and POST /auth/refresh: a new pair of tokens and the signed-in user. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds the access token lives. */
  expiresIn: number;
  user: Me;
}

/** A row of GET /permissions. */
export interface PermissionInfo {
  name: string;
  description: string;
  /** Whether users and roles may hold it (tenants.manage and triggers.invoke may not). */
  grantable: boolean;
}

/** A role of GET /roles. */
export interface Role<Time = string> {
  id: string;
  name: string;
  permissions: string[];
  /** admin | editor | viewer for the seeded roles, else null. */
  builtIn: string | null;
  createdAt: Time;
  updatedAt: Time;
}

/** A user of GET /users. */
export interface ManagedUser<Time = string> {
  id: string;
  email: string;
  active: boolean;
  roleIds: string[];
  /** Direct grants (roles add theirs). */
  permissions: string[];
  isBootstrap: boolean;
  createdAt: Time;
}

/** An API key of GET /api-keys (never the key itself, which POST answers once). */
export interface ApiKey<Time = string> {
  id: string;
  name: string;
  keyPrefix: string;
  scopes: string[];
  flowKeys: string[] | null;
  createdAt: Time;
  lastUsedAt: Time | null;
  /** The user who made it is deactivated: calls with it are refused until they are active again. */
  suspended: boolean;
}

/** An entry of GET /audit. */
export interface AuditEntry<Time = string> {
  id: string;
  actorUserId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  /** The target's current name (or a user's email); null when it is gone or has none. */
  targetName: string | null;
  details: Record<string, unknown>;
  createdAt: Time;
}

/** The kinds of connection (their settings and secrets: the engine's connection specs). */
export type ConnectionType =
  'none' | 'basic' | 'bearer' | 'api_key' | 'oauth2_client_credentials' | 'token_endpoint' | 'soap_ws_security';

/** GET /connections/:id: settings, free fields, and only the names of the secrets set. */
export interface ConnectionDetail<Time = string> {
  id: string;
  name: string;
  type: ConnectionType;
  description: string | null;
  fields: Record<string, unknown>;
  /** Origins its credentials may be sent to; empty: nowhere. */
  allowedOrigins: string[];
  secretsSet: string[];
  createdAt: Time;
  updatedAt: Time;
  [setting: string]: unknown;
}

/** POST /api-keys: the new key, shown this once (only its hash is kept). */
export interface CreatedApiKey<Time = string> extends ApiKey<Time> {
  key: string;
}

/** POST /flows/:id/webhook-secret: the new secret, shown this once. */
export interface IssuedWebhookSecret<Time = string> {
  secret: string;
  fingerprint: string;
  createdAt: Time;
}

/** GET /flows/:id/webhook-secret: whether the flow has its own secret, never the secret. */
export interface WebhookSecretStatus<Time = string> {
  set: boolean;
  /** A keyed fingerprint, to tell two secrets apart without showing either. */
  fingerprint?: string;
  createdAt?: Time;
}

/**
 * POST /connections/:id/test: a failure is a 200 too, its message scrubbed of the connection's secrets.
 * `checked: false`: the type calls nothing by itself (basic, bearer, …), so nothing was tried.
 */
export type ConnectionTestResult =
  | { ok: true; expiresAt?: string | null; operations?: number; checked?: false; message?: string }
  | { ok: false; error: { code: string; message: string } };
