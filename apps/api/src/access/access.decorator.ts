import { SetMetadata } from '@nestjs/common';
import type { ApiKeyScope, Permission } from './permissions';

export const ACCESS_KEY = 'callflow:access';

/** How a route is reached: a user permission, an API key scope, or nothing (public). */
export type AccessRule =
  | { kind: 'permission'; permission: Permission }
  | { kind: 'apiKey'; scope: ApiKeyScope; orFlowSecret?: boolean; inHandler?: boolean }
  | { kind: 'public' }
  | { kind: 'authenticated' };

/** The route needs a signed-in user holding `permission` (checked on every request). */
export const RequirePermission = (permission: Permission) =>
  SetMetadata(ACCESS_KEY, { kind: 'permission', permission } satisfies AccessRule);
/**
 * The route is for machines: an API key with `scope` (Bearer, X-Api-Key or ?token=). With
 * `orFlowSecret`, a request that presents no API key reaches the handler without a principal, and
 * the handler must authenticate it by the flow's own secret (webhooks, see WebhookSecretAuth). With
 * `inHandler`, the guard lets every request through and the handler checks the key and `scope`
 * itself, in its own order (the IVR trigger: IvrPipeline answers alike in front of Express and here).
 */
export const RequireApiKey = (scope: ApiKeyScope, opts: { orFlowSecret?: boolean; inHandler?: boolean } = {}) =>
  SetMetadata(ACCESS_KEY, {
    kind: 'apiKey',
    scope,
    ...(opts.orFlowSecret ? { orFlowSecret: true } : {}),
    ...(opts.inHandler ? { inHandler: true } : {}),
  } satisfies AccessRule);
/** Any signed-in user (e.g. /me). */
export const Authenticated = () => SetMetadata(ACCESS_KEY, { kind: 'authenticated' } satisfies AccessRule);
/** No authentication (health, login). */
export const Public = () => SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies AccessRule);
