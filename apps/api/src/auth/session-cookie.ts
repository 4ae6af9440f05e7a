import { API_BASE_PATH } from '../platform/http/api-prefix';
import { BadRequestException, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { REFRESH_TTL_SECONDS } from '../sessions/refresh-tokens.service';

/**
 * The editor's session: its access token lives in the page's memory only and its refresh token
 * in this cookie, which script cannot read (HttpOnly), the browser sends to the auth routes only
 * (Path) and never from another site (SameSite=Strict), over https only when served so (Secure;
 * behind a proxy, X-Forwarded-Proto counts only from the proxies TRUST_PROXY names). API clients keep the
 * JSON form (`refreshToken` in the body); the cookie form is asked for with SESSION_HEADER.
 */
export const REFRESH_COOKIE = 'callflow_refresh';
export const REFRESH_COOKIE_PATH = `${API_BASE_PATH}/auth`;
/**
 * `X-Callflow-Session: cookie`: not a CORS-safelisted header, so another origin (a sandboxed
 * trigger answer included) cannot send it without a preflight, which the auth routes never grant.
 */
export const SESSION_HEADER = 'x-callflow-session';

/**
 * True when the request asks for the cookie session; then it must come from a page of this
 * origin (CSRF): `Sec-Fetch-Site`, when sent, is same-origin, and `Origin`, when sent, names
 * this host. Otherwise 403.
 */
export function cookieSession(req: Request): boolean {
  if (req.headers[SESSION_HEADER] !== 'cookie') return false;
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  const otherHost = origin !== undefined && hostOf(origin) !== req.hostname.toLowerCase();
  const foreign = (site !== undefined && site !== 'same-origin') || otherHost;
  if (foreign) throw new ForbiddenException('the session cookie is only used by pages of this origin');
  return true;
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).hostname.toLowerCase();
  } catch {
    return undefined; // "null" (a sandboxed document) and junk
  }
}

type RefreshBody = { refreshToken?: string };
type TokenSource = { token: string | undefined; cookie: boolean };

/**
 * The refresh token of a refresh or logout: the body's (API clients), else the session cookie
 * (the editor, with SESSION_HEADER). 400 when neither form is used; 401 when the cookie is
 * missing, unless `optional` (logout).
 */
export function refreshTokenOf(body: RefreshBody, req: Request): { token: string; cookie: boolean };
export function refreshTokenOf(body: RefreshBody, req: Request, optional: true): TokenSource;
export function refreshTokenOf(body: RefreshBody, req: Request, optional = false): TokenSource {
  if (body.refreshToken !== undefined) return { token: body.refreshToken, cookie: false };
  if (!cookieSession(req)) {
    throw new BadRequestException(`refreshToken is required (or the session cookie with ${SESSION_HEADER}: cookie)`);
  }
  const token = readCookie(req.headers.cookie, REFRESH_COOKIE);
  if (token === undefined && !optional) throw new UnauthorizedException('no session: sign in');
  return { token, cookie: true };
}

/** Moves the refresh token of an answer into the cookie: the body keeps everything else. */
export function withRefreshCookie<T extends { refreshToken: string }>(
  req: Request,
  res: Response,
  pair: T,
): Omit<T, 'refreshToken'> {
  const { refreshToken, ...rest } = pair;
  res.cookie(REFRESH_COOKIE, refreshToken, { ...cookieOptions(req), maxAge: REFRESH_TTL_SECONDS * 1000 });
  return rest;
}

export function clearRefreshCookie(req: Request, res: Response): void {
  res.clearCookie(REFRESH_COOKIE, cookieOptions(req));
}

function cookieOptions(req: Request) {
  return { httpOnly: true, secure: req.secure, sameSite: 'strict' as const, path: REFRESH_COOKIE_PATH };
}

/** One cookie's value from a Cookie header (refresh tokens are base64url: no decoding needed). */
function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
