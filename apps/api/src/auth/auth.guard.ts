import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { verifyAccessToken } from './access-token';
import { UsersService } from '../users/users.service';
import { ACCESS_KEY, type AccessRule } from '../access/access.decorator';
import { apiKeyOf, bearerOf, queryTokenOf } from '../access/api-key-of';
import type { AuthenticatedRequest, UserPrincipal } from '../access/principal';

function bearer(req: Request): string | undefined {
  return bearerOf(req.headers.authorization);
}

/**
 * The one global guard: every route must declare how it is reached (a permission, an API key
 * scope, or public); a route that declares nothing is denied. User permissions are read from
 * the database on each request, so a revoke bites at once.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (!rule) throw new ForbiddenException('this route declares no access rule');
    if (rule.kind === 'public') return true;
    const req = ctx.switchToHttp().getRequest<Request & AuthenticatedRequest>();

    if (rule.kind === 'apiKey') {
      // The handler authenticates the key with rule.scope itself (IvrPipeline).
      if (rule.inHandler) return true;
      const key = apiKeyOf(req.headers, queryTokenOf(req.query?.token));
      // No key at all: a webhook may still be called with its flow's own secret (the handler checks it).
      if (key === undefined && rule.orFlowSecret) return true;
      req.principal = await this.apiKeys.authenticate(key, rule.scope);
      return true;
    }

    const token = bearer(req);
    if (!token) throw new UnauthorizedException('sign in first: Authorization: Bearer <accessToken>');
    const claims = await verifyAccessToken(this.jwt, token);
    // One query: the user, their grants and their roles' grants, and whether the token's session still
    // lives (sign-out, password change, deactivation revoke it): a revoke bites on the next request.
    const user = await this.users.loadActive(claims.sub, claims.sid);
    if (!user || user.tenantId !== claims.tid) {
      throw new UnauthorizedException('the session has ended or the user is disabled; sign in again');
    }
    const principal: UserPrincipal = {
      kind: 'user',
      userId: user.id,
      tenantId: user.tenantId,
      email: user.email,
      permissions: this.users.effective(user),
      roles: user.roles,
    };
    req.principal = principal;
    if (rule.kind === 'permission' && !principal.permissions.has(rule.permission))
      throw new ForbiddenException(`missing permission ${rule.permission}`);
    return true;
  }
}
