import { createHash } from 'node:crypto';
import type http from 'node:http';
import {
  ContractFake,
  LoopbackServer,
  pathOf,
  queryOf,
  queryString,
  type Check,
  type Handle,
  type SeenRequest,
} from './contract';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** Where the integrated API takes the Auth endpoint's token (Gcalls' parameter kinds: Header, Query, Body, Path). */
export type GcallsTokenIn = 'header' | 'query' | 'body' | 'path';

export interface GcallsFakeOptions {
  username: string;
  password: string;
  callcenterId: string;
  /** The Integrator's secret field the Md5 parameter signs with (never sent as itself). */
  apiSecret: string;
  tokenIn?: GcallsTokenIn;
}

interface Contact {
  id: string;
  name: string;
  phone: string;
  email: string;
}

/** Call log members in order: the pre-log when the call connects (savePreLogCRM), the log at its end (saveLogCRM). */
export const PRE_LOG_MEMBERS = [
  'callcenterId',
  'callId',
  'phone',
  'calledNumber',
  'direction',
  'status',
  'startedAt',
  'answeredAt',
  'agentExtension',
  'contactId',
];
export const LOG_MEMBERS = [
  'callcenterId',
  'callId',
  'phone',
  'calledNumber',
  'direction',
  'status',
  'startedAt',
  'endedAt',
  'durationSec',
  'recordingUrl',
  'agentExtension',
  'contactId',
];
const NOTE_MEMBERS = ['callcenterId', 'eventId', 'sentAt', 'contactId', 'phone', 'from', 'content'];
const TICKET_MEMBERS = ['callcenterId', 'contactId', 'phone', 'callId', 'subject', 'description', 'priority'];
const CONTACT_MEMBERS = ['callcenterId', 'name', 'phone', 'email'];
const SMS_FIELDS = ['callcenterId', 'to', 'from', 'text'];

/**
 * The integrated system's endpoints as a Gcalls integration template describes them (seed 000):
 * an Auth endpoint issuing an access token; GetData (contacts by phone), PostData (call logs,
 * tickets, contacts, SMS notes) and SendSMS endpoints that take the token where `tokenIn` says
 * and an Md5 header parameter `x-signature` = md5(callcenterId + <the request's key value> +
 * apiSecret). Every request is checked as it arrived: method, path, the exact header set, the
 * query string, the content type, the body's members (or form fields) in order; anything else is
 * a 400 and a violation. With `tokenIn: 'path'` the endpoints live under `/rest/<token>`.
 */
export class GcallsFake extends ContractFake {
  issued = 0;
  readonly contacts = new Map<string, Contact>();
  /** Call logs by callId: `stage` pre (connected) or final (ended). */
  readonly logs = new Map<string, { stage: 'pre' | 'final'; body: Record<string, unknown> }>();
  private readonly endpoints = new Map<string, Handle>();
  private revoked = new Set<string>();

  private constructor(
    server: LoopbackServer,
    private readonly opts: Required<GcallsFakeOptions>,
  ) {
    super(server);
  }

  get token(): string {
    return `gc-access-${this.issued}`;
  }

  /** The current token stops working (the next request gets 401; the flow's connection refreshes it). */
  revokeToken(): void {
    this.revoked.add(this.token);
  }

  static async start(options: GcallsFakeOptions): Promise<GcallsFake> {
    const f = new GcallsFake(await LoopbackServer.start(), { tokenIn: 'header', ...options });
    f.server.otherwise = (req, res) => f.dispatch(req, res);
    f.define();
    return f;
  }

  private dispatch(req: SeenRequest, res: http.ServerResponse): void {
    let path = pathOf(req);
    let pathToken: string | undefined;
    if (this.opts.tokenIn === 'path' && path !== '/api/auth') {
      const m = /^\/rest\/([^/]+)(\/.*)$/.exec(path);
      if (m) [pathToken, path] = [decodeURIComponent(m[1]!), m[2]!];
      else path = `(no /rest/<token> prefix) ${path}`;
    }
    const route = `${req.method} ${path}`;
    const handle = this.endpoints.get(route);
    if (!handle) {
      this.violations.push(`no such endpoint: ${req.method} ${req.url}`);
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such endpoint"}');
      return;
    }
    (req as SeenRequest & { pathToken?: string }).pathToken = pathToken;
    if (this.revoked.has(this.token) && path !== '/api/auth' && this.carriedToken(req) === this.token) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"token expired"}');
      return;
    }
    this.serve(route, req, res, handle, path);
  }

  /** The token the request carries where `tokenIn` says (undefined: none). */
  private carriedToken(req: SeenRequest): string | undefined {
    switch (this.opts.tokenIn) {
      case 'header':
        return /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      case 'query':
        return queryOf(req).access_token;
      case 'path':
        return (req as SeenRequest & { pathToken?: string }).pathToken;
      case 'body': {
        if (/json/.test(String(req.headers['content-type']))) {
          try {
            return JSON.parse(req.body).access_token;
          } catch {
            return undefined;
          }
        }
        return new URLSearchParams(req.body).get('access_token') ?? undefined;
      }
    }
  }

  /** The headers a request must carry: the token's (in header mode), plus `extra`. */
  private headersWith(extra: Record<string, string | RegExp>): Record<string, string | RegExp> {
    return this.opts.tokenIn === 'header' ? { ...extra, authorization: `Bearer ${this.token}` } : extra;
  }

  /** Members/fields of a body: the contract's, plus `access_token` last in body mode. */
  private withToken(names: string[]): string[] {
    return this.opts.tokenIn === 'body' ? [...names, 'access_token'] : names;
  }

  private checkToken(req: SeenRequest, c: Check): void {
    c.equal(this.carriedToken(req), this.token, `the Auth endpoint's token (in the ${this.opts.tokenIn})`);
  }

  private sign(c: Check, req: SeenRequest, key: unknown, what: string): void {
    c.equal(
      req.headers['x-signature'],
      md5(`${this.opts.callcenterId}${String(key)}${this.opts.apiSecret}`),
      `x-signature (md5 of callcenterId + ${what} + apiSecret)`,
    );
  }

  private endpoint(route: string, handle: Handle): void {
    this.endpoints.set(route, handle);
  }

  /** The query table as the http node writes it, then the token as the connection places it (a form encoder). */
  private query(names: [string, string][]): string {
    const q = queryString(names);
    if (this.opts.tokenIn !== 'query') return q;
    return `${q}&${new URLSearchParams([['access_token', this.token]]).toString()}`;
  }

  private define(): void {
    const o = this.opts;
    const json = 'application/json';
    this.endpoint('POST /api/auth', (req, c) => {
      c.headers(req, { accept: json, 'content-type': json });
      const body = c.jsonMembers(req.body, ['username', 'password'], 'auth body');
      c.equal(body?.username, o.username, 'username').equal(body?.password, o.password, 'password');
      if (c.ok) this.issued++;
      return {
        body: { username: body?.username },
        answer: { access_token: this.token, token_type: 'bearer', expires_in: 3600 },
      };
    });

    // GetData: the contact by phone.
    this.endpoint('GET /api/contacts', (req, c) => {
      const q = queryOf(req);
      c.headers(req, this.headersWith({ 'x-signature': /^[0-9a-f]{32}$/ }));
      c.rawQuery(
        req,
        this.query([
          ['phone', q.phone ?? ''],
          ['callcenterId', o.callcenterId],
        ]),
      );
      c.that(!!q.phone, 'phone query parameter missing');
      this.checkToken(req, c);
      this.sign(c, req, q.phone, 'phone');
      const contact = this.contacts.get(q.phone ?? '');
      return {
        body: q,
        status: contact ? 200 : 404,
        answer: contact ? { ...contact, url: `${this.base}/contacts/${contact.id}` } : { error: 'contact not found' },
      };
    });

    // PostData: the call log, created when the call connects and completed at its end (upsert by callId).
    this.endpoint('POST /api/calllogs', (req, c) => {
      c.headers(req, this.headersWith({ 'x-signature': /^[0-9a-f]{32}$/, 'content-type': json }));
      const pre = /"status"\s*:\s*"connected"/.test(req.body);
      const body = c.jsonMembers(
        req.body,
        this.withToken(pre ? PRE_LOG_MEMBERS : LOG_MEMBERS),
        pre ? 'pre-log' : 'call log',
      );
      this.checkToken(req, c);
      if (body) {
        c.equal(body.callcenterId, o.callcenterId, 'callcenterId');
        this.sign(c, req, body.callId, 'callId');
        for (const k of [
          'callId',
          'phone',
          'direction',
          'status',
          'startedAt',
          ...(pre ? ['answeredAt'] : ['endedAt']),
        ])
          c.that(typeof body[k] === 'string' && body[k] !== '', `${k} missing`);
        if (!pre) c.that(typeof body.durationSec === 'number', 'durationSec must be a number');
        c.that(body.contactId === null || typeof body.contactId === 'string', 'contactId must be a string or null');
        const existing = this.logs.get(String(body.callId));
        if (pre) c.that(!existing, `call ${body.callId} already has a log`);
      }
      if (c.ok) this.logs.set(String(body.callId), { stage: pre ? 'pre' : 'final', body });
      return { body, status: 201, answer: { id: `log-${body?.callId}` } };
    });

    // PostData from the agent iframe: a ticket (handleCreateTicket) and a contact (handleCreateContact).
    this.endpoint('POST /api/tickets', (req, c) => {
      c.headers(req, this.headersWith({ 'x-signature': /^[0-9a-f]{32}$/, 'content-type': json }));
      const body = c.jsonMembers(req.body, this.withToken(TICKET_MEMBERS), 'ticket');
      this.checkToken(req, c);
      if (body) {
        this.sign(c, req, body.phone, 'phone');
        c.equal(body.callcenterId, o.callcenterId, 'callcenterId');
        c.that(typeof body.subject === 'string' && body.subject.trim() !== '', 'subject missing');
        c.that(
          ['low', 'normal', 'high'].includes(body.priority),
          `priority must be low|normal|high, got ${body.priority}`,
        );
      }
      return { body, status: 201, answer: { id: `tk-${this.accepted.length + 1}` } };
    });
    this.endpoint('POST /api/contacts', (req, c) => {
      c.headers(req, this.headersWith({ 'x-signature': /^[0-9a-f]{32}$/, 'content-type': json }));
      const body = c.jsonMembers(req.body, this.withToken(CONTACT_MEMBERS), 'contact');
      this.checkToken(req, c);
      if (body) {
        this.sign(c, req, body.phone, 'phone');
        c.that(typeof body.name === 'string' && body.name !== '', 'name missing');
        c.that(/^\+?\d{6,15}$/.test(String(body.phone)), `phone must be digits, got ${body.phone}`);
      }
      if (c.ok && this.contacts.has(body.phone))
        return {
          body,
          status: 409,
          answer: { error: 'a contact with this ' + 'phone exists', id: this.contacts.get(body.phone)!.id },
        };
      const id = `ct-${this.contacts.size + 100}`;
      if (c.ok) this.contacts.set(body.phone, { id, name: body.name, phone: body.phone, email: body.email ?? '' });
      return { body, status: 201, answer: { id } };
    });

    // SendSMS: a form post.
    this.endpoint('POST /api/sms/send', (req, c) => {
      c.headers(
        req,
        this.headersWith({ 'x-signature': /^[0-9a-f]{32}$/, 'content-type': 'application/x-www-form-urlencoded' }),
      );
      const form = c.formFields(req.body, this.withToken(SMS_FIELDS));
      this.checkToken(req, c);
      this.sign(c, req, form.get('to'), 'to');
      c.equal(form.get('callcenterId'), o.callcenterId, 'callcenterId');
      c.that(!!form.get('text'), 'text missing');
      const body = Object.fromEntries(form);
      return { body, answer: { messageId: `sms-${this.accepted.length + 1}`, status: 'queued' } };
    });

    // PostData: the SMS log (createSMSNote).
    this.endpoint('POST /api/sms-notes', (req, c) => {
      c.headers(req, this.headersWith({ 'x-signature': /^[0-9a-f]{32}$/, 'content-type': json }));
      const body = c.jsonMembers(req.body, this.withToken(NOTE_MEMBERS), 'sms note');
      this.checkToken(req, c);
      if (body) {
        c.equal(body.callcenterId, o.callcenterId, 'callcenterId');
        this.sign(c, req, body.phone, 'phone');
        for (const k of ['phone', 'content', 'eventId'])
          c.that(typeof body[k] === 'string' && body[k] !== '', `${k} missing`);
      }
      return { body, status: 201, answer: { id: 'note-1' } };
    });
  }
}
