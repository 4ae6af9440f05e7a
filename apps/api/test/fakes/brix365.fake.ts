import { ContractFake, LoopbackServer, queryOf, queryString, type Check, type SeenRequest } from './contract';

/** The members of the call event the flow forwards to the module, in order (what its VoipParseWebhookRequest reads). */
export const MODULE_EVENT_MEMBERS = ['event', 'callId', 'srcPhone', 'dstPhone', 'recordUrl', 'durationSec'];

/**
 * A BRIX365 custom telephony module's webhook (seed 002): the URL the Telephony Settings
 * workspace shows "handles the GET and POST HTTP requests. It must also include a required token
 * parameter"; a request without the module's token is refused (401). What arrives is handed to the
 * module's VoipParseWebhookRequest, here the script the templates pair with: a POST of JSON
 * {event, callId, srcPhone, dstPhone, recordUrl, durationSec} (members in that order), or a GET
 * with the same names as query parameters. It refuses anything else (400) and records the events
 * it parsed (`events`), as the system would show the incoming call or keep the recording link.
 */
export class Brix365ModuleFake extends ContractFake {
  readonly events: Record<string, unknown>[] = [];
  static readonly PATH = '/api/extensions/6f1c2a9e-telephony/script/webhook';

  get webhookUrl(): string {
    return `${this.base}${Brix365ModuleFake.PATH}`;
  }

  static async start(token: string): Promise<Brix365ModuleFake> {
    const f = new Brix365ModuleFake(await LoopbackServer.start());
    const tokenOk = (req: SeenRequest) => queryOf(req).token === token;
    const parse = (event: Record<string, unknown>, c: Check) => {
      c.that(
        ['incoming', 'hangup', 'record'].includes(String(event.event)),
        `event must be incoming|hangup|record, got ${event.event}`,
      );
      for (const k of ['callId', 'srcPhone', 'dstPhone'])
        c.that(typeof event[k] === 'string' && event[k] !== '', `${k} missing`);
      if (event.event === 'record')
        c.that(
          typeof event.recordUrl === 'string' && /^https?:\/\//.test(event.recordUrl),
          'a record event needs recordUrl (http or https)',
        );
      else
        c.that(
          event.recordUrl === null || event.recordUrl === undefined,
          'recordUrl only comes with a record ' + 'event',
        );
      c.that(
        event.durationSec === null ||
          event.durationSec === undefined ||
          (Number.isInteger(event.durationSec) && Number(event.durationSec) >= 0),
        'durationSec must be whole seconds or null',
      );
      if (c.ok) f.events.push(event);
    };
    f.route(`POST ${Brix365ModuleFake.PATH}`, (req, c) => {
      if (!tokenOk(req)) return { body: null, status: 401, answer: { success: false, error: 'invalid token' } };
      c.rawQuery(req, new URLSearchParams({ token }).toString());
      c.headers(req, { 'content-type': 'application/json' });
      const body = c.jsonMembers(req.body, MODULE_EVENT_MEMBERS, 'call event');
      if (body) parse(body, c);
      return { body, answer: { success: true } };
    });
    f.route(`GET ${Brix365ModuleFake.PATH}`, (req, c) => {
      if (!tokenOk(req)) return { body: null, status: 401, answer: { success: false, error: 'invalid token' } };
      c.headers(req, {});
      const q = queryOf(req);
      const event: Record<string, unknown> = {
        ...q,
        durationSec: q.durationSec === undefined ? null : Number(q.durationSec),
        recordUrl: q.recordUrl ?? null,
      };
      delete event.token;
      parse(event, c);
      return { body: event, answer: { success: true } };
    });
    return f;
  }
}

/** An extension of the PBX (its users). */
export interface PbxExtension {
  extension: string;
  name: string;
  email: string;
}

/**
 * The PBX side of the BRIX365 module's functions (seed 002: VoipGenerateCall, VoipGetMembers,
 * VoipGetCallLink, VoipTestConnection and the call page's VoipAcceptCall, VoipHangupCall,
 * VoipRedirectCall, VoipHoldCall). The seed leaves the PBX's API to the provider; this one is the
 * REST API the templates call, behind `X-Api-Key`:
 * - `POST /calls` {from, to} → 201 {id} (click-to-call: rings `from`, then dials `to`);
 * - `GET /extensions` → [{extension, name, email}];
 * - `GET /recordings?call_id=` → {url} (a fresh link) or 404;
 * - `GET /status` → {status: "ok", version};
 * - `POST /calls/answer|hangup` {from, to}, `/calls/transfer` {from, to, target}, `/calls/hold`
 *   {from, to, hold} → {ok: true}, 404 when no such call is up.
 * JSON bodies with exactly these members in this order; anything else is a 400 and a violation.
 */
export class PbxFake extends ContractFake {
  readonly extensions: PbxExtension[] = [];
  /** Calls up, by `from>to`, with what was done to them. */
  readonly calls = new Map<string, { id: string; state: string; target?: string }>();
  readonly recordings = new Map<string, string>();
  version = '3.2.1';

  static async start(apiKey: string): Promise<PbxFake> {
    const f = new PbxFake(await LoopbackServer.start());
    const json = 'application/json';
    const key = (c: Check, req: SeenRequest, withBody: boolean) =>
      c.headers(req, withBody ? { 'x-api-key': apiKey, 'content-type': json } : { 'x-api-key': apiKey });
    const authorized = (req: SeenRequest) => req.headers['x-api-key'] === apiKey;
    const denied = { body: null, status: 401, answer: { error: 'bad api key' } };

    f.route('POST /calls', (req, c) => {
      if (!authorized(req)) return denied;
      key(c, req, true);
      const body = c.jsonMembers(req.body, ['from', 'to'], 'originate');
      for (const k of ['from', 'to'])
        c.that(
          /^\+?\d{2,15}$/.test(String(body?.[k])),
          `${k} must be a phone number or extension, got ${JSON.stringify(body?.[k])}`,
        );
      const id = `pbx-${f.calls.size + 1}`;
      if (c.ok) f.calls.set(`${body.from}>${body.to}`, { id, state: 'ringing' });
      return { body, status: 201, answer: { id } };
    });
    f.route('GET /extensions', (req, c) => {
      if (!authorized(req)) return denied;
      key(c, req, false);
      c.rawQuery(req, '');
      return { body: null, answer: f.extensions };
    });
    f.route('GET /recordings', (req, c) => {
      if (!authorized(req)) return denied;
      key(c, req, false);
      const q = queryOf(req);
      c.rawQuery(req, queryString([['call_id', q.call_id ?? '']]));
      const url = f.recordings.get(q.call_id ?? '');
      return { body: q, status: url ? 200 : 404, answer: url ? { url } : { error: 'no recording' } };
    });
    f.route('GET /status', (req, c) => {
      if (!authorized(req)) return denied;
      key(c, req, false);
      return { body: null, answer: { status: 'ok', version: f.version } };
    });
    const action = (
      path: string,
      members: string[],
      apply: (call: { id: string; state: string; target?: string }, body: any, c: Check) => void,
    ) =>
      f.route(`POST /calls/${path}`, (req, c) => {
        if (!authorized(req)) return denied;
        key(c, req, true);
        const body = c.jsonMembers(req.body, members, path);
        const call = body && f.calls.get(`${body.from}>${body.to}`);
        if (c.ok && !call) return { body, status: 404, answer: { error: 'no such call' } };
        if (call) apply(call, body, c);
        return { body, answer: { ok: true } };
      });
    action('answer', ['from', 'to'], (call) => (call.state = 'talking'));
    action('hangup', ['from', 'to'], (call) => (call.state = 'ended'));
    action('transfer', ['from', 'to', 'target'], (call, body, c) => {
      c.that(
        /^\d{2,6}$/.test(String(body.target)),
        `target must be an internal number, got ${JSON.stringify(body.target)}`,
      );
      call.target = body.target;
      call.state = 'transferred';
    });
    action('hold', ['from', 'to', 'hold'], (call, body, c) => {
      c.that(typeof body.hold === 'boolean', `hold must be true or false, got ${JSON.stringify(body.hold)}`);
      call.state = body.hold ? 'held' : 'talking';
    });
    return f;
  }
}
