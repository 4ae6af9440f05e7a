import { EngineError } from '../errors';
import type { AuthorizableRequest } from '../types';
import type { TokenPlacement } from './connection-spec';

/** The request as rendered, before any token was placed (a refreshed token is placed there again). */
const originals = new WeakMap<AuthorizableRequest, { pathname: string; body?: string }>();

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\b/i;

function placementError(message: string): EngineError {
  return new EngineError('TOKEN_PLACEMENT', message);
}

/**
 * Puts a token where its connection says (Gcalls' parameter kinds: Header, Query, Body, Path):
 * - header: `name: prefix + token`; query: `?name=token`;
 * - body: a member `"name": "token"` appended to the JSON object body, or a field `name=token`
 *   appended to the form body (the rest of the body is left byte for byte as rendered);
 * - path: every `{name}` in the URL path becomes the percent-encoded token.
 * A request the token cannot be placed in (no body, another body type, no `{name}` in the path,
 * the name already used) fails with TOKEN_PLACEMENT rather than going out without it.
 */
export function applyToken(req: AuthorizableRequest, p: TokenPlacement, token: string): void {
  switch (p.in) {
    case 'header':
      req.headers[p.name.toLowerCase()] = `${p.prefix ?? ''}${token}`;
      return;
    case 'query':
      req.url.searchParams.set(p.name, token);
      return;
    case 'path':
      return placeInPath(req, p.name, token);
    case 'body':
      return placeInBody(req, p.name, token);
  }
}

function original(req: AuthorizableRequest): { pathname: string; body?: string } {
  let o = originals.get(req);
  if (!o) {
    o = { pathname: req.url.pathname, ...(req.body !== undefined ? { body: req.body } : {}) };
    originals.set(req, o);
  }
  return o;
}

function placeInPath(req: AuthorizableRequest, name: string, token: string): void {
  const { pathname } = original(req);
  // The URL parser percent-encodes the braces of a `{name}` written in the path.
  const marker = new RegExp(`%7B${encodeURIComponent(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}%7D`, 'gi');
  const parts = pathname.split(marker);
  if (parts.length < 2) {
    throw placementError(`the connection puts its token in the URL path, but the URL has no {${name}} in its path`);
  }
  const value = encodeURIComponent(token);
  // `.` and `..` would be dot segments, whatever their encoding.
  if (value === '.' || value === '..') throw placementError('the token cannot be a path segment ("." or "..")');
  req.url.pathname = parts.join(value);
}

function placeInBody(req: AuthorizableRequest, name: string, token: string): void {
  const { body } = original(req);
  const type = req.headers['content-type'] ?? '';
  if (body === undefined) {
    throw placementError(`the connection puts its token in the body (field "${name}"), but this request has no body`);
  }
  if (FORM_TYPE.test(type)) {
    if (new URLSearchParams(body).has(name)) {
      throw placementError(`the form body already has a field "${name}", where the connection puts its token`);
    }
    const field = new URLSearchParams([[name, token]]).toString();
    req.body = body === '' ? field : `${body}&${field}`;
    return;
  }
  if (JSON_TYPE.test(type)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw placementError('the connection puts its token in the body, but the body is not JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw placementError(
        `the connection puts its token in the body (member "${name}"), but the JSON body is not an object`,
      );
    }
    if (Object.prototype.hasOwnProperty.call(parsed, name)) {
      throw placementError(`the JSON body already has "${name}", where the connection puts its token`);
    }
    // Appended as the last member; the rest stays as rendered (no re-serialising: numbers keep their digits).
    const end = body.lastIndexOf('}');
    const member = `${JSON.stringify(name)}:${JSON.stringify(token)}`;
    const empty = Object.keys(parsed).length === 0;
    const head = body.slice(0, end).replace(/\s*$/, '');
    req.body = `${head}${empty ? '' : ','}${member}${body.slice(head.length)}`;
    return;
  }
  throw placementError(
    `the connection puts its token in the body, which must be JSON or a form, not "${type || 'none'}"`,
  );
}
