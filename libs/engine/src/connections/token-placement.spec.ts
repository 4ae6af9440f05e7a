import { EngineError } from '../errors';
import type { AuthorizableRequest } from '../types';
import { applyToken } from './token-placement';

const req = (url: string, body?: string, type?: string): AuthorizableRequest => ({
  url: new URL(url),
  headers: type ? { 'content-type': type } : {},
  ...(body !== undefined ? { body } : {}),
});
const code = (f: () => void) => {
  try {
    f();
  } catch (err) {
    return (err as EngineError).code + ': ' + (err as Error).message;
  }
  return 'no error';
};

describe('applyToken', () => {
  it('header and query, as before', () => {
    const r = req('https://x/a?b=1');
    applyToken(r, { in: 'header', name: 'Authorization', prefix: 'Bearer ' }, 't1');
    applyToken(r, { in: 'query', name: 'access_token' }, 't/2');
    expect(r.headers.authorization).toBe('Bearer t1');
    expect(r.url.toString()).toBe('https://x/a?b=1&access_token=t%2F2');
  });

  it('appends a member to a JSON object body, leaving the rest byte for byte (numbers keep their digits)', () => {
    const body = '{\n  "phone": "+84 90",\n  "big": 12345678901234567890, "f": 1.50\n}';
    const r = req('https://x/sms', body, 'application/json');
    applyToken(r, { in: 'body', name: 'access_token' }, 'tok"1');
    expect(r.body).toBe(
      '{\n  "phone": "+84 90",\n  "big": 12345678901234567890, "f": ' + '1.50,"access_token":"tok\\"1"\n}',
    );
    const empty = req('https://x/sms', '{ }', 'application/json; charset=utf-8');
    applyToken(empty, { in: 'body', name: 't' }, 'v');
    expect(empty.body).toBe('{"t":"v" }');
  });

  it('appends a field to a form body', () => {
    const r = req('https://x/sms', 'to=%2B8490&text=xin+ch%C3%A0o', 'application/x-www-form-urlencoded');
    applyToken(r, { in: 'body', name: 'token' }, 'a b&c');
    expect(r.body).toBe('to=%2B8490&text=xin+ch%C3%A0o&token=a+b%26c');
  });

  it('replaces {name} in the path with the percent-encoded token', () => {
    const r = req('https://x/api/{token}/contacts/{token}?q={token}');
    applyToken(r, { in: 'path', name: 'token' }, 'a/b c');
    expect(r.url.toString()).toBe('https://x/api/a%2Fb%20c/contacts/a%2Fb%20c?q={token}');
  });

  it('places a refreshed token where the first one was (not next to it)', () => {
    const path = req('https://x/api/{token}/x');
    applyToken(path, { in: 'path', name: 'token' }, 'old');
    applyToken(path, { in: 'path', name: 'token' }, 'new');
    expect(path.url.pathname).toBe('/api/new/x');
    const json = req('https://x/', '{"a":1}', 'application/json');
    applyToken(json, { in: 'body', name: 'tk' }, 'old');
    applyToken(json, { in: 'body', name: 'tk' }, 'new');
    expect(json.body).toBe('{"a":1,"tk":"new"}');
  });

  it('refuses a request the token does not fit (never sends it without the token)', () => {
    expect(code(() => applyToken(req('https://x/api/contacts'), { in: 'path', name: 'token' }, 't'))).toMatch(
      /^TOKEN_PLACEMENT: .*no \{token\} in its path/,
    );
    expect(code(() => applyToken(req('https://x/'), { in: 'body', name: 'token' }, 't'))).toMatch(
      /^TOKEN_PLACEMENT: .*has no body/,
    );
    expect(
      code(() => applyToken(req('https://x/', '<a/>', 'application/xml'), { in: 'body', name: 'token' }, 't')),
    ).toMatch(/must be JSON or a form/);
    expect(
      code(() => applyToken(req('https://x/', '[1]', 'application/json'), { in: 'body', name: 'token' }, 't')),
    ).toMatch(/not an object/);
    expect(
      code(() => applyToken(req('https://x/', '{"token":""}', 'application/json'), { in: 'body', name: 'token' }, 't')),
    ).toMatch(/already has "token"/);
    expect(
      code(() =>
        applyToken(
          req('https://x/', 'token=', 'application/x-www-form-urlencoded'),
          { in: 'body', name: 'token' },
          't',
        ),
      ),
    ).toMatch(/already has a field/);
    expect(code(() => applyToken(req('https://x/a/{t}'), { in: 'path', name: 't' }, '..'))).toMatch(/TOKEN_PLACEMENT/);
  });
});
