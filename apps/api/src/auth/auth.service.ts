import type { Me, MePatch, TokenPair } from '@callflow/flow';
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { UsersService, type LoadedUser } from '../users/users.service';
import type { LoginDto } from './dto/login.dto';
import { LoginThrottleService } from './login-throttle.service';
import type { AccessTokenClaims } from './access-token';
import { PasswordSignIn, severalTenants } from './password-sign-in.service';
import { RefreshTokensService, type IssuedRefreshToken } from '../sessions/refresh-tokens.service';
import { SignInAudit, type SignInVia } from './sign-in-audit.service';

@Injectable()
export class AuthService {
  constructor(
    private readonly signIn: PasswordSignIn,
    private readonly usersService: UsersService,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottleService,
    private readonly refresh: RefreshTokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: SignInAudit,
  ) {}

  /**
   * 429 (TooManyLoginsException) past the failure limits, 401 on a wrong email or password, 409
   * when the password opens accounts in several tenants (see PasswordSignIn). Sign-ins and failures
   * are recorded in the audit log (SignInAudit).
   */
  async login(dto: LoginDto, ip: string, via: SignInVia = 'api'): Promise<TokenPair> {
    const email = dto.email.trim().toLowerCase();
    const attempt = await this.throttle.begin(email, ip);
    const outcome = await this.signIn.find(email, dto.password, dto.tenantId).catch(async (e: unknown) => {
      await this.throttle.abandoned(attempt).catch(() => undefined);
      throw e;
    });
    if (outcome.kind === 'none') {
      await this.audit.failed(outcome.accounts, email, ip, via);
      throw new UnauthorizedException('wrong email or password');
    }
    await this.throttle.succeeded(attempt);
    if (outcome.kind === 'several') throw severalTenants(outcome.tenants);
    const pair = await this.pair(outcome.user.id, await this.refresh.issue(outcome.user.id, outcome.user.tenantId));
    await this.audit.succeeded(outcome.user, email, ip, via);
    return pair;
  }

  /** Rotates the refresh token: a new pair, the old token revoked (reuse revokes the family). */
  async refreshPair(token: string): Promise<TokenPair> {
    const { userId, refreshToken } = await this.refresh.rotate(token);
    return this.pair(userId, refreshToken);
  }

  async logout(token: string): Promise<void> {
    await this.refresh.revokeFamily(token);
  }

  async me(userId: string): Promise<Me> {
    const user = await this.usersService.loadActive(userId);
    if (!user) throw new UnauthorizedException('the user no longer exists or is disabled');
    return this.view(user);
  }

  /** The signed-in user changes their own preferences (their editor language). */
  async updateMe(user: { userId: string; tenantId: string }, patch: MePatch): Promise<Me> {
    await this.usersService.setLocale(user.userId, user.tenantId, patch.locale);
    return this.me(user.userId);
  }

  private async pair(userId: string, refreshToken: IssuedRefreshToken): Promise<TokenPair> {
    const user = await this.usersService.loadActive(userId);
    if (!user) {
      await this.refresh.revokeUser(userId);
      throw new UnauthorizedException('the user no longer exists or is disabled');
    }
    const claims: AccessTokenClaims = { sub: user.id, tid: user.tenantId, sid: refreshToken.familyId };
    const accessToken = await this.jwt.signAsync(claims);
    const expiresIn = this.config.JWT_TTL_SECONDS;
    return { accessToken, refreshToken: refreshToken.token, tokenType: 'Bearer', expiresIn, user: this.view(user) };
  }

  private view(u: LoadedUser): Me {
    return {
      id: u.id,
      email: u.email,
      tenantId: u.tenantId,
      isBootstrap: u.isBootstrap,
      locale: u.locale,
      permissions: [...this.usersService.effective(u)].sort(),
      directPermissions: [...u.permissions].sort(),
      roles: u.roles,
    };
  }
}
