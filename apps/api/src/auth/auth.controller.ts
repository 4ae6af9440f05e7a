import { Body, Controller, Get, HttpCode, Ip, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated, Public } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { RefreshTokenDto } from './dto/refresh-token.dto';
import { UpdateMeDto } from './dto/update-me.dto';
import { TooManyLoginsException } from './login-throttle.service';
import { clearRefreshCookie, cookieSession, refreshTokenOf, SESSION_HEADER, withRefreshCookie } from './session-cookie';

const CookieSessionHeader = () =>
  ApiHeader({
    name: SESSION_HEADER,
    required: false,
    description: '"cookie": the refresh token travels in an HttpOnly cookie, not the body (the editor; same origin)',
  });

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/login')
  @HttpCode(200)
  @Public()
  @CookieSessionHeader()
  @ApiOperation({
    summary: 'Sign in: a short-lived access token and a refresh token (429 with Retry-After after repeated failures)',
  })
  login(@Body() dto: LoginDto, @Ip() ip: string, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const cookie = cookieSession(req);
    return this.auth.login(dto, ip, cookie ? 'editor' : 'api').then(
      (pair) => (cookie ? withRefreshCookie(req, res, pair) : pair),
      (e: unknown) => {
        if (e instanceof TooManyLoginsException) res.setHeader('Retry-After', String(e.retryAfterSeconds));
        throw e;
      },
    );
  }

  @Post('auth/refresh')
  @HttpCode(200)
  @Public()
  @CookieSessionHeader()
  @ApiOperation({
    summary:
      'Exchange a refresh token (body, or the session cookie) for a new pair ' +
      '(the old token is revoked; reusing it ends the session)',
  })
  async refresh(@Body() dto: RefreshTokenDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { token, cookie } = refreshTokenOf(dto, req);
    const pair = await this.auth.refreshPair(token).catch((e: unknown) => {
      if (cookie) clearRefreshCookie(req, res);
      throw e;
    });
    return cookie ? withRefreshCookie(req, res, pair) : pair;
  }

  @Post('auth/logout')
  @HttpCode(204)
  @Public()
  @CookieSessionHeader()
  @ApiOperation({
    summary: 'Sign out: revoke the refresh token (body, or the session cookie) and every token rotated from the login',
  })
  async logout(@Body() dto: RefreshTokenDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { token, cookie } = refreshTokenOf(dto, req, true);
    if (cookie) clearRefreshCookie(req, res);
    if (token !== undefined) await this.auth.logout(token);
  }

  @Get('me')
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The signed-in user, their roles and effective permissions' })
  me(@CurrentUser() user: UserPrincipal) {
    return this.auth.me(user.userId);
  }

  @Patch('me')
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The signed-in user changes their own preferences (the editor language); answers /me' })
  updateMe(@CurrentUser() user: UserPrincipal, @Body() dto: UpdateMeDto) {
    return this.auth.updateMe(user, dto);
  }
}
