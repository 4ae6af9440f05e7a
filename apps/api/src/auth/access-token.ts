import { UnauthorizedException } from '@nestjs/common';
import type { JwtService } from '@nestjs/jwt';

/** The only algorithm access tokens are signed and accepted with. */
export const ACCESS_TOKEN_ALGORITHM = 'HS256';
/** Clock skew tolerated on `iat` between API processes, seconds. */
const IAT_SKEW_SECONDS = 60;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the server puts in an access token (`iat` and `exp` are added when signing). */
export interface AccessTokenClaims {
  /** The user. */
  sub: string;
  /** The user's tenant. */
  tid: string;
  /** The sign-in session: the refresh token family it was issued from (revoked → the token is dead). */
  sid: string;
}

export interface VerifiedAccessToken extends AccessTokenClaims {
  iat: number;
  exp: number;
}

const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/**
 * Verifies an access token: HS256 only, signature, `exp` present and not passed, `iat` present
 * and not in the future, `sub`/`tid`/`sid` UUIDs. Any fault is a 401 (never a 500 from a query
 * given a malformed id); whether the session still lives is the guard's question.
 */
export async function verifyAccessToken(jwt: JwtService, token: string): Promise<VerifiedAccessToken> {
  let payload: unknown;
  try {
    payload = await jwt.verifyAsync<object>(token, { algorithms: [ACCESS_TOKEN_ALGORITHM] });
  } catch {
    throw new UnauthorizedException('the access token is invalid or expired');
  }
  const c = payload as Partial<Record<keyof VerifiedAccessToken, unknown>>;
  const now = Date.now() / 1000;
  const timed = typeof c.exp === 'number' && typeof c.iat === 'number' && c.iat <= now + IAT_SKEW_SECONDS;
  if (!timed || !isUuid(c.sub) || !isUuid(c.tid) || !isUuid(c.sid)) {
    throw new UnauthorizedException('the access token is malformed; sign in again');
  }
  return c as VerifiedAccessToken;
}
