import { Body, Controller, Get, HttpCode, Ip, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, Public } from '../common/auth/access.decorator';
import { CurrentUser, type UserPrincipal } from '../common/auth/principal';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { RefreshTokenDto } from './dto/refresh-token.dto';
import { TooManyLoginsException } from './login-throttle.service';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/login')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Sign in: a short-lived access token and a refresh token (429 with Retry-After after repeated failures)' })
  login(@Body() dto: LoginDto, @Ip() ip: string, @Res({ passthrough: true }) res: Response) {
    return this.auth.login(dto, ip).catch((e: unknown) => {
      if (e instanceof TooManyLoginsException) res.setHeader('Retry-After', String(e.retryAfterSeconds));
      throw e;
    });
  }

  @Post('auth/refresh')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair (the old token is revoked; reusing it ends the session)' })
  refresh(@Body() dto: RefreshTokenDto) {
    return this.auth.refreshPair(dto.refreshToken);
  }

  @Post('auth/logout')
  @HttpCode(204)
  @Public()
  @ApiOperation({ summary: 'Sign out: revoke the refresh token and every token rotated from the same login' })
  logout(@Body() dto: RefreshTokenDto) {
    return this.auth.logout(dto.refreshToken);
  }

  @Get('me')
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The signed-in user, their roles and effective permissions' })
  me(@CurrentUser() user: UserPrincipal) {
    return this.auth.me(user.userId);
  }
}
