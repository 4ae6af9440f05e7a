import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Permission } from './permissions';

/** A signed-in user, with permissions evaluated on this request. */
export interface UserPrincipal {
  kind: 'user';
  userId: string;
  tenantId: string;
  email: string;
  permissions: ReadonlySet<Permission>;
  /** The user's roles (ids and names), loaded with the permissions. */
  roles: readonly { id: string; name: string }[];
}

/** A machine calling with an API key. */
export interface ApiKeyPrincipal {
  kind: 'apiKey';
  keyId: string;
  tenantId: string;
  scopes: readonly string[];
  /** When set, the key may trigger only these flows. */
  flowKeys: readonly string[] | null;
}

export type Principal = UserPrincipal | ApiKeyPrincipal;

export interface AuthenticatedRequest {
  principal?: Principal;
}

/** The caller of the current request (set by the global AuthGuard). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal | undefined => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
});

/** The signed-in user (routes guarded by a user permission). */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): UserPrincipal => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal as UserPrincipal;
});
