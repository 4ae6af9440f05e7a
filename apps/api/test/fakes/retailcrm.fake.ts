import http from 'node:http';
import { Check, ContractFake, LoopbackServer, pathOf, queryOf, rawOf, send, type SeenRequest } from './contract';

/** RetailCRM's call results (calls[][result]). */
const RESULTS = ['answered', 'busy', 'failed', 'no answer', 'not allowed', 'unknown'];
const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\/[^\s]+$/.test(v);

/** The telephony module as registered through integration-modules/{code}/edit. */
export interface RegisteredModule {
  code: string;
  clientId: string;
  integrations: { telephony: { makeCallUrl: string; changeUserStatusUrl?: string } & Record<string, unknown> };
  [key: string]: unknown;
}

/** A response as RetailCRM's own HTTP client saw it: status, headers and the exact bytes. */
export interface Fetched {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * RetailCRM (seed 003) as the telephony sees it, byte for byte:
 * - `POST /api/v5/telephony/call/event` (form field `event` = JSON {phone, type in|out|hangup,
 *   codes, callExternalId, externalPhone}), `POST /api/v5/telephony/calls/upload` (form field
 *   `calls` = JSON array of 1 to 50 records: "За один запрос можно сохранить до 50 звонков"),
 *   `POST /api/v5/integration-modules/{code}/edit` (form field `integrationModule` = JSON; 201 when
 *   created, 200 when changed) and `GET /api/v5/integration-modules/{code}`;
 * - the API key in `X-API-KEY` (or the `apiKey` parameter), else 403 as RetailCRM answers;
 * - bodies exactly `application/x-www-form-urlencoded` with one field, encoded as a form encoder
 *   does, holding JSON with no empty ("" / null) members where RetailCRM takes a value or nothing;
 * - errors as RetailCRM's: `{success: false, errorMsg, errors?}`.
 * And RetailCRM's own calls to the telephony: makeCallUrl, changeUserStatusUrl and recordUrl with
 * the registered clientId, written as RetailCRM writes them (`phone=+79121234567`, the + raw).
 */
export class RetailCrmFake extends ContractFake {
  readonly modules = new Map<string, RegisteredModule>();
  /** Requests refused for a bad or missing key (not contract violations: RetailCRM answers them). */
  readonly forbidden: SeenRequest[] = [];

  static async start(apiKey: string): Promise<RetailCrmFake> {
    const f = new RetailCrmFake(await LoopbackServer.start());
    f.post('/api/v5/telephony/call/event', apiKey, 'event', (event, c) => {
      c.that(typeof event.phone === 'string' && event.phone !== '', 'event.phone must be a non-empty string');
      c.that(
        ['in', 'out', 'hangup'].includes(event.type),
        `event.type must be in, out or hangup, got ${JSON.stringify(event.type)}`,
      );
      c.that(
        event.codes === undefined ||
          (Array.isArray(event.codes) && event.codes.every((x: unknown) => typeof x === 'string' && x !== '')),
        'event.codes must be an array of codes (strings)',
      );
      c.that(
        event.externalPhone === undefined || (typeof event.externalPhone === 'string' && event.externalPhone !== ''),
        `event.externalPhone must be a phone or absent, got ${JSON.stringify(event.externalPhone)}`,
      );
      c.that(
        event.callExternalId === undefined || typeof event.callExternalId === 'string',
        'event.callExternalId must be a string',
      );
      return { status: 200, answer: { success: true } };
    });
    f.post('/api/v5/telephony/calls/upload', apiKey, 'calls', (calls, c) => {
      if (!Array.isArray(calls)) return (c.that(false, 'calls must be a JSON array'), undefined);
      // "За один запрос можно сохранить до 50 звонков": refused (400, RetailCRM's error shape) past 50.
      if (
        !c.that(calls.length >= 1 && calls.length <= 50, `calls: a request holds 1 to 50 calls, got ${calls.length}`).ok
      )
        return undefined;
      calls.forEach((call: Record<string, unknown>, i: number) => {
        const at = `calls[${i}]`;
        c.that(
          typeof call?.date === 'string' && DATE.test(call.date as string),
          `${at}.date must be "Y-m-d H:i:s", got ${JSON.stringify(call?.date)}`,
        );
        c.that(
          ['in', 'out'].includes(call?.type as string),
          `${at}.type must be in or out, got ${JSON.stringify(call?.type)}`,
        );
        c.that(typeof call?.phone === 'string' && call.phone !== '', `${at}.phone must be a phone`);
        c.that(
          call?.result === undefined || RESULTS.includes(call.result as string),
          `${at}.result must be one of ${RESULTS.join(', ')}, got ${JSON.stringify(call?.result)}`,
        );
        c.that(
          call?.duration === undefined || Number.isInteger(call.duration),
          `${at}.duration must be a whole number of seconds`,
        );
        c.that(
          call?.recordUrl === undefined || isUrl(call.recordUrl),
          `${at}.recordUrl must be an absolute URL, got ${JSON.stringify(call?.recordUrl)}`,
        );
        for (const k of ['code', 'externalId', 'externalPhone'])
          c.that(
            call?.[k] === undefined || (typeof call[k] === 'string' && call[k] !== ''),
            `${at}.${k} must be a non-empty string or absent, got ${JSON.stringify(call?.[k])}`,
          );
      });
      return { status: 200, answer: { success: true, processedCallsCount: calls.length } };
    });
    f.server.on('POST /api/v5/integration-modules/my-telephony/edit', (req, res) => f.edit(req, res, apiKey));
    f.server.on('GET /api/v5/integration-modules/my-telephony', (req, res) => {
      const c = new Check();
      if (!f.authorized(req, res, apiKey, c)) return;
      const m = f.modules.get('my-telephony');
      return m
        ? send(res, 200, { success: true, integrationModule: m })
        : send(res, 404, { success: false, errorMsg: 'Not found' });
    });
    return f;
  }

  /** A form POST with one JSON field; `handle` checks the parsed value (and may answer with RetailCRM's own error). */
  private post(
    route: string,
    apiKey: string,
    field: string,
    handle: (value: any, c: Check) => { status: number; answer: unknown } | undefined,
  ): void {
    this.server.on(`POST ${route}`, (req, res) => {
      const c = new Check();
      if (!this.authorized(req, res, apiKey, c)) return;
      const value = this.formJson(req, field, c);
      const out = c.ok ? handle(value, c) : undefined;
      if (!c.ok || !out) return this.refuse(route, c, res);
      if (out.status < 300)
        this.accepted.push({
          method: req.method,
          path: pathOf(req),
          query: queryOf(req),
          headers: req.headers,
          body: value,
          raw: rawOf(req),
        });
      send(res, out.status, out.answer);
    });
  }

  private edit(req: SeenRequest, res: http.ServerResponse, apiKey: string): void {
    const route = 'POST /api/v5/integration-modules/{code}/edit';
    const c = new Check();
    if (!this.authorized(req, res, apiKey, c)) return;
    const code = pathOf(req).split('/')[4]!;
    const m = this.formJson(req, 'integrationModule', c);
    if (m) {
      c.equal(m.code, code, 'integrationModule.code (the code in the path)');
      c.that(
        typeof m.clientId === 'string' && m.clientId.length >= 16,
        "integrationModule.clientId must be the telephony's unique code",
      );
      c.that(
        typeof m.active === 'boolean' && typeof m.name === 'string' && m.name !== '',
        'integrationModule.active and name are required',
      );
      for (const k of ['logo', 'accountUrl'])
        c.that(
          m[k] === undefined || isUrl(m[k]),
          `integrationModule.${k} must be a URL or absent, got ${JSON.stringify(m[k])}`,
        );
      const tel = m.integrations?.telephony;
      c.that(isUrl(tel?.makeCallUrl), 'integrations.telephony.makeCallUrl must be a URL');
      c.that(
        tel?.changeUserStatusUrl === undefined || isUrl(tel.changeUserStatusUrl),
        'integrations.telephony.changeUserStatusUrl must be a URL or absent',
      );
      c.that(
        typeof tel?.allowEdit === 'boolean' && typeof tel?.inputEventSupported === 'boolean',
        'allowEdit and inputEventSupported must be booleans',
      );
      c.that(
        tel?.additionalCodes === undefined ||
          (Array.isArray(tel.additionalCodes) &&
            tel.additionalCodes.every((a: any) => typeof a?.userId === 'string' && a?.code !== undefined)),
        'additionalCodes: [{userId, code}]',
      );
      c.that(
        tel?.externalPhones === undefined ||
          (Array.isArray(tel.externalPhones) &&
            tel.externalPhones.every(
              (p: any) => typeof p?.siteCode === 'string' && typeof p?.externalPhone === 'string',
            )),
        'externalPhones: [{siteCode, externalPhone}]',
      );
    }
    if (!c.ok) return this.refuse(route, c, res);
    const created = !this.modules.has(code);
    this.modules.set(code, m as RegisteredModule);
    this.accepted.push({
      method: req.method,
      path: pathOf(req),
      query: queryOf(req),
      headers: req.headers,
      body: m,
      raw: rawOf(req),
    });
    send(res, created ? 201 : 200, { success: true });
  }

  /** `X-API-KEY` or `apiKey`: RetailCRM answers 403 without the right one. */
  private authorized(req: SeenRequest, res: http.ServerResponse, apiKey: string, c: Check): boolean {
    const header = req.headers['x-api-key'];
    const param = queryOf(req).apiKey;
    const key = typeof header === 'string' ? header : param;
    c.that(!(typeof header === 'string' && param !== undefined), 'the API key is sent twice (X-API-KEY and ?apiKey=)');
    c.that(req.headers.authorization === undefined, 'RetailCRM takes no Authorization header');
    if (key === undefined || key !== apiKey) {
      this.forbidden.push(req);
      send(res, 403, {
        success: false,
        errorMsg: key === undefined ? '"apiKey" is missing.' : 'Wrong "apiKey" value.',
      });
      return false;
    }
    return true;
  }

  /**
   * The one form field `field`, checked as bytes: exactly the form content type, exactly one field,
   * encoded as a form encoder encodes it (re-encoding gives the same bytes), holding JSON.
   */
  private formJson(req: SeenRequest, field: string, c: Check): any {
    c.equal(req.headers['content-type'], 'application/x-www-form-urlencoded', 'content-type');
    const params = new URLSearchParams(req.body);
    c.equal([...params.keys()].join('&'), field, 'form fields');
    const text = params.get(field) ?? '';
    c.equal(req.body, new URLSearchParams([[field, text]]).toString(), 'the form encoding');
    let value: any;
    try {
      value = JSON.parse(text);
    } catch {
      c.that(false, `${field} is not JSON: ${text.slice(0, 200)}`);
      return undefined;
    }
    const q = queryOf(req);
    c.that(
      Object.keys(q).every((k) => k === 'apiKey'),
      `unexpected query parameters: ${Object.keys(q).join(', ')}`,
    );
    return value;
  }

  private refuse(route: string, c: Check, res: http.ServerResponse): void {
    this.violations.push(...c.problems.map((p) => `${route}: ${p}`));
    send(res, 400, { success: false, errorMsg: 'Errors in the input parameters', errors: c.problems });
  }

  /** Requests to routes RetailCRM does not have (LoopbackServer answered them 404). */
  unexpected(): string[] {
    const known =
      /^(POST \/api\/v5\/telephony\/(call\/event|calls\/upload)|POST \/api\/v5\/integration-modules\/my-telephony\/edit|GET \/api\/v5\/integration-modules\/my-telephony)$/;
    return this.server.seen.map((r) => `${r.method} ${pathOf(r)}`).filter((r) => !known.test(r));
  }

  /** The module registered under `code` (throws when none). */
  module(code = 'my-telephony'): RegisteredModule {
    const m = this.modules.get(code);
    if (!m) throw new Error(`no telephony module "${code}" registered`);
    return m;
  }

  /** RetailCRM → makeCallUrl: `?clientId=…&code=…&phone=…&userId=…[&externalPhone=…]`, as in the seed's example. */
  makeCall(
    p: { code: string; phone: string; userId: string; externalPhone?: string },
    clientId?: string,
  ): Promise<Fetched> {
    const m = this.module();
    const params: [string, string][] = [
      ['clientId', clientId ?? m.clientId],
      ['code', p.code],
      ['phone', p.phone],
      ['userId', p.userId],
    ];
    if (p.externalPhone) params.push(['externalPhone', p.externalPhone]);
    return fetchRaw(withParams(m.integrations.telephony.makeCallUrl, params));
  }

  /** RetailCRM → changeUserStatusUrl: `?clientId=…&code=…&userId=…&status=free|busy|dinner|break`. */
  changeUserStatus(p: { code: string; userId: string; status: string }, clientId?: string): Promise<Fetched> {
    const m = this.module();
    const url = m.integrations.telephony.changeUserStatusUrl;
    if (!url) throw new Error('no changeUserStatusUrl registered');
    return fetchRaw(
      withParams(url, [
        ['clientId', clientId ?? m.clientId],
        ['code', p.code],
        ['userId', p.userId],
        ['status', p.status],
      ]),
    );
  }

  /** RetailCRM plays a call: GET calls[][recordUrl] with its clientId. */
  playRecording(recordUrl: string, clientId?: string): Promise<Fetched> {
    return fetchRaw(withParams(recordUrl, [['clientId', clientId ?? this.module().clientId]]));
  }
}

/**
 * Adds parameters the way RetailCRM writes them in the seed (`phone=+79121234567`): each value
 * percent-encoded except `+`, which is left raw.
 */
export function withParams(url: string, params: [string, string][]): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%2B/g, '+');
  return url + (url.includes('?') ? '&' : '?') + params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
}

/** A GET with the URL sent exactly as given (no client re-encoding), the whole body kept as bytes. */
export function fetchRaw(url: string): Promise<Fetched> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method: 'GET',
        path: url.slice(url.indexOf(u.host) + u.host.length) || '/',
        headers: { 'user-agent': 'RetailCRM' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}
