import 'reflect-metadata';
import { BadRequestException } from '@nestjs/common';
import { parseConnectionBody } from './connection-body';

/** The details of the 400 `run` throws (its message is the first). */
function refused(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    if (!(err instanceof BadRequestException)) throw err;
    const r = err.getResponse() as { message: string; details: string[] };
    expect(r.message).toBe(r.details[0]);
    return r.details;
  }
  throw new Error('not refused');
}

const tokenEndpoint = {
  name: 'gcalls',
  type: 'token_endpoint',
  request: {
    url: 'https://{{connection.host}}/api/auth',
    headers: [{ name: 'X-Tenant', value: '{{connection.tenant}}' }],
    body: { type: 'json', template: '{"user":"{{secrets.user}}","password":"{{secrets.password}}"}' },
  },
  tokenPath: 'data.token',
  expiresInSeconds: 3600,
  apply: { in: 'header', name: 'Authorization', prefix: 'Bearer ' },
  secrets: { user: 'agent', password: 'pw' },
  fields: { host: 'gcalls.example.com', tenant: 't1', region: null, retries: 3, debug: false },
};

describe('parseConnectionBody', () => {
  it('splits each type into settings and secrets, with the defaults filled in', () => {
    expect(parseConnectionBody(tokenEndpoint, 'create')).toEqual({
      name: 'gcalls',
      description: undefined,
      type: 'token_endpoint',
      fields: tokenEndpoint.fields,
      config: {
        request: { method: 'POST', ...tokenEndpoint.request },
        tokenPath: 'data.token',
        expiresInSeconds: 3600,
        apply: tokenEndpoint.apply,
      },
      secrets: { user: 'agent', password: 'pw' },
    });
    const soap = { name: 's', type: 'soap_ws_security', username: 'u', password: 'p', hasNonce: true };
    expect(parseConnectionBody(soap, 'create')).toMatchObject({
      config: { username: 'u', passwordType: 'PasswordText', hasNonce: true },
      secrets: { password: 'p' },
      fields: {},
    });
    const apiKey = { name: 'k', type: 'api_key', placement: 'query', paramName: 'key', apiKey: 'v', description: null };
    expect(parseConnectionBody(apiKey, 'create')).toMatchObject({
      description: null,
      config: { placement: 'query', paramName: 'key' },
      secrets: { apiKey: 'v' },
    });
    const oauth = {
      name: 'o',
      type: 'oauth2_client_credentials',
      tokenUrl: 'https://auth.example.com/token',
      clientId: 'c',
      clientAuth: 'basic',
      clientSecret: 's',
    };
    expect(parseConnectionBody(oauth, 'create')).toMatchObject({ secrets: { clientSecret: 's' } });
    expect(parseConnectionBody({ name: 'n', type: 'none' }, 'create')).toMatchObject({ config: {}, secrets: {} });
  });

  it('on PUT: an omitted secret is not mentioned, null clears it (also in the secrets map)', () => {
    const basic = { name: 'b', type: 'basic', username: 'u' };
    expect(parseConnectionBody(basic, 'update').secrets).toEqual({});
    expect(parseConnectionBody({ ...basic, password: null }, 'update').secrets).toEqual({ password: null });
    expect(refused(() => parseConnectionBody({ ...basic, password: null }, 'create'))).toEqual([
      'password: must be text of 1 to 8000 characters',
    ]);
    expect(refused(() => parseConnectionBody(basic, 'create'))).toEqual(['password: is required']);
    const { secrets: _, ...noSecrets } = tokenEndpoint;
    expect(parseConnectionBody({ ...noSecrets, secrets: { user: null, pin: '1' } }, 'update').secrets).toEqual({
      user: null,
      pin: '1',
    });
    expect(refused(() => parseConnectionBody({ ...noSecrets, secrets: { user: null } }, 'create'))).toEqual([
      'secrets.user: must be text of 1 to 8000 characters',
    ]);
  });

  it('stores allowed origins canonical and names the first bad one by its index', () => {
    const body = { name: 'b', type: 'bearer', token: 't', allowedOrigins: ['HTTPS://CRM.Example.com:443/'] };
    expect(parseConnectionBody(body, 'create').allowedOrigins).toEqual(['https://crm.example.com']);
    expect(parseConnectionBody({ ...body, allowedOrigins: undefined }, 'create')).not.toHaveProperty('allowedOrigins');
    const bad = { ...body, allowedOrigins: ['https://a.example.com', 'https://a.example.com/api'] };
    expect(refused(() => parseConnectionBody(bad, 'create'))).toEqual([
      'allowedOrigins.1: "https://a.example.com/api": ' +
        'give only scheme, host and port (e.g. https://a.example.com), no path',
    ]);
    const many = { ...body, allowedOrigins: Array.from({ length: 21 }, (_, i) => `https://h${i}.example.com`) };
    expect(refused(() => parseConnectionBody(many, 'create'))).toEqual(['allowedOrigins: at most 20 origins']);
  });

  it('says which types exist when the type is unknown', () => {
    expect(refused(() => parseConnectionBody({ name: 'x', type: 'teleport' }, 'create'))).toEqual([
      'type: must be one of none, basic, bearer, api_key, oauth2_client_credentials, token_endpoint, ' +
        'soap_ws_security (got "teleport")',
    ]);
  });

  it('names the path of each problem, nested unions included', () => {
    const body = {
      ...tokenEndpoint,
      request: {
        method: 'DELETE',
        url: '',
        headers: [{ name: 'ok', value: 'v' }, { value: 'x' }],
        body: { type: 'xml' },
      },
      apply: { in: 'cookie' },
      expiresInSeconds: 1.5,
      fields: { 'bad key': 1 },
    };
    expect(refused(() => parseConnectionBody(body, 'create'))).toEqual([
      'request.method: must be one of GET, POST, PUT, PATCH',
      'request.url: must be text of 1 to 2000 characters',
      'request.headers.1.name: is required',
      'request.body.type: must be one of json, text, form',
      'expiresInSeconds: must be a whole number from 1 to 2592000',
      'apply.in: must be one of header, query, body, path',
      'fields.bad key: field names are identifiers (letters, digits, _; at most 64)',
    ]);
    const form = { ...tokenEndpoint, request: { url: 'u', body: { type: 'form', fields: [{ name: 'a', value: 1 }] } } };
    expect(refused(() => parseConnectionBody(form, 'create'))).toEqual([
      'request.body.fields.0.value: must be text of at most 4000 characters',
    ]);
    const extra = { ...tokenEndpoint, apply: { in: 'query', name: 'token', prefix: 'Bearer ' } };
    expect(refused(() => parseConnectionBody(extra, 'create'))).toEqual([
      'apply.prefix: property prefix should not exist',
    ]);
    const url = { name: 'o', type: 'oauth2_client_credentials', tokenUrl: 'ftp://x', clientId: 'c', clientSecret: 's' };
    expect(refused(() => parseConnectionBody(url, 'create'))).toEqual(['tokenUrl: must be an http(s) URL']);
  });

  it('refuses U+0000, reserved keys and lone surrogates anywhere in the body', () => {
    const nul = { ...tokenEndpoint, request: { ...tokenEndpoint.request, url: 'a\u0000' } };
    expect(refused(() => parseConnectionBody(nul, 'create'))).toEqual([
      'request.url: text may not contain the NUL character (U+0000)',
    ]);
    const proto = JSON.parse(`{"name":"n","type":"none","fields":{"__proto__":{"polluted":true}}}`) as unknown;
    expect(refused(() => parseConnectionBody(proto, 'create'))).toEqual([
      'fields.__proto__: property __proto__ should not exist',
    ]);
    const lone = { name: 'n', type: 'none', fields: { a: 'x\ud800' } };
    expect(refused(() => parseConnectionBody(lone, 'create'))).toEqual([
      'fields.a: text must be valid Unicode (it holds a lone UTF-16 surrogate)',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
