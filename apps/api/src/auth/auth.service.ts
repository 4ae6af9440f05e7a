import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { verify } from '@node-rs/argon2';
import { Repository } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import type { LoginDto } from './dto/login.dto';

/** Verified against when the email is unknown, so timing does not reveal which emails exist. */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$I2dmI8aU6mz/5LtaaJ6TOg$V6r7B/Bj5qW9a33XShOzW/rd09gkfGAdXM65OrMT7Lw';

export interface AccessTokenClaims {
  sub: string;
  tid: string;
}

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly usersService: UsersService,
    private readonly jwt: JwtService,
  ) {}

  async login(dto: LoginDto) {
    const email = dto.email.trim().toLowerCase();
    const candidates = await this.users.find({ where: dto.tenantId ? { email, tenantId: dto.tenantId, active: true } : { email, active: true }, take: 2 });
    if (candidates.length > 1) throw new UnauthorizedException('this email exists in several tenants: pass tenantId');
    const user = candidates[0];
    const ok = await verify(user?.passwordHash ?? DUMMY_HASH, dto.password).catch(() => false);
    if (!user || !ok) throw new UnauthorizedException('wrong email or password');
    const claims: AccessTokenClaims = { sub: user.id, tid: user.tenantId };
    const accessToken = await this.jwt.signAsync(claims);
    return {
      accessToken,
      user: { id: user.id, email: user.email, tenantId: user.tenantId, permissions: [...this.usersService.effectivePermissions(user)] },
    };
  }
}
