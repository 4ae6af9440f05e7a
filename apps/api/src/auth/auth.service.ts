import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { verify } from '@node-rs/argon2';
import { Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { UserEntity } from '../users/user.entity';
import { UsersService, type LoadedUser } from '../users/users.service';
import type { LoginDto } from './dto/login.dto';
import { LoginThrottleService } from './login-throttle.service';
import type { AccessTokenClaims } from './access-token';
import { RefreshTokensService, type IssuedRefreshToken } from './refresh-tokens.service';

export type { AccessTokenClaims };

/** Verified against when the email is unknown, so timing does not reveal which emails exist. */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$I2dmI8aU6mz/5LtaaJ6TOg$V6r7B/Bj5qW9a33XShOzW/rd09gkfGAdXM65OrMT7Lw';

export interface MeView {
  id: string;
  email: string;
  tenantId: string;
  isBootstrap: boolean;
  /** Effective permissions (direct ∪ roles), sorted. */
  permissions: string[];
  directPermissions: string[];
  roles: { id: string; name: string }[];
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds the access token lives. */
  expiresIn: number;
  user: MeView;
}

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly usersService: UsersService,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottleService,
    private readonly refresh: RefreshTokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** 429 (TooManyLoginsException) past the failure limits, 401 on a wrong email or password. */
  async login(dto: LoginDto, ip: string): Promise<TokenPair> {
    const email = dto.email.trim().toLowerCase();
    await this.throttle.check(email, ip);
    const candidates = await this.users.find({ where: dto.tenantId ? { email, tenantId: dto.tenantId, active: true } : { email, active: true }, take: 2 });
    if (candidates.length > 1) throw new UnauthorizedException('this email exists in several tenants: pass tenantId');
    const user = candidates[0];
    const ok = await verify(user?.passwordHash ?? DUMMY_HASH, dto.password).catch(() => false);
    if (!user || !ok) {
      await this.throttle.failed(email, ip);
      throw new UnauthorizedException('wrong email or password');
    }
    await this.throttle.succeeded(email, ip);
    return this.pair(user.id, await this.refresh.issue(user.id, user.tenantId));
  }

  /** Rotates the refresh token: a new pair, the old token revoked (reuse revokes the family). */
  async refreshPair(token: string): Promise<TokenPair> {
    const { userId, refreshToken } = await this.refresh.rotate(token);
    return this.pair(userId, refreshToken);
  }

  async logout(token: string): Promise<void> {
    await this.refresh.revokeFamily(token);
  }

  async me(userId: string): Promise<MeView> {
    const user = await this.usersService.loadActive(userId);
    if (!user) throw new UnauthorizedException('the user no longer exists or is disabled');
    return this.view(user);
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

  private view(u: LoadedUser): MeView {
    return {
      id: u.id,
      email: u.email,
      tenantId: u.tenantId,
      isBootstrap: u.isBootstrap,
      permissions: [...this.usersService.effective(u)].sort(),
      directPermissions: [...u.permissions].sort(),
      roles: u.roles,
    };
  }
}
