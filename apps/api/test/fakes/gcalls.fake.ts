import { createHash } from 'node:crypto';
import { ContractFake, LoopbackServer, parseJson, queryOf, type Check } from './contract';
import type { SeenRequest } from './contract';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/**
 * Gcalls' side (seed 000): an Auth endpoint issuing an access token, and GetData / PostData /
 * SMS-note endpoints that require `Authorization: Bearer <token>` and the Md5 header parameter
 * `x-signature` = md5(callcenterId + <the request's key value>).
 */
export class GcallsFake extends ContractFake {
  issued = 0;
  readonly contacts = new Map<string, { id: string; name: string }>();

  static async start(opts: { username: string; password: string; callcenterId: string }): Promise<GcallsFake> {
    const f = new GcallsFake(await LoopbackServer.start());
    const token = () => `gc-access-${f.issued}`;
    const authorized = (req: SeenRequest, c: Check) => c.equal(req.headers.authorization, `Bearer ${token()}`, 'authorization (the Auth endpoint token)');

    f.route('POST /api/auth', (req, c) => {
      const body = parseJson(req.body, c, 'auth body');
      c.equal(body?.username, opts.username, 'username').equal(body?.password, opts.password, 'password');
      if (c.ok) f.issued++;
      return { body: { username: body?.username }, answer: { access_token: token(), token_type: 'bearer', expires_in: 3600 } };
    });

    f.route('GET /api/contacts', (req, c) => {
      authorized(req, c);
      const q = queryOf(req);
      c.equal(q.callcenterId, opts.callcenterId, 'callcenterId query parameter');
      c.that(!!q.phone, 'phone query parameter missing');
      c.equal(req.headers['x-signature'], md5(`${opts.callcenterId}${q.phone}`), 'x-signature (md5 of callcenterId + phone)');
      const contact = f.contacts.get(q.phone ?? '');
      return { body: q, status: contact ? 200 : 404, answer: contact ?? { error: 'contact not found' } };
    });

    f.route('POST /api/calllogs', (req, c) => {
      authorized(req, c);
      c.that(/^application\/json\b/.test(String(req.headers['content-type'])), 'content-type must be JSON');
      const body = parseJson(req.body, c, 'call log');
      if (body) {
        c.equal(body.callcenterId, opts.callcenterId, 'callcenterId');
        c.equal(req.headers['x-signature'], md5(`${opts.callcenterId}${body.callId}`), 'x-signature (md5 of callcenterId + callId)');
        for (const k of ['callId', 'phone', 'direction', 'status', 'startedAt', 'endedAt']) c.that(typeof body[k] === 'string' && body[k] !== '', `${k} missing`);
        c.that(typeof body.durationSec === 'number', 'durationSec must be a number');
        c.that(body.contactId === null || typeof body.contactId === 'string', 'contactId must be a string or null');
      }
      return { body, status: 201, answer: { id: `log-${f.accepted.length + 1}` } };
    });

    f.route('POST /api/sms-notes', (req, c) => {
      authorized(req, c);
      const body = parseJson(req.body, c, 'sms note');
      if (body) {
        c.equal(body.callcenterId, opts.callcenterId, 'callcenterId');
        c.equal(req.headers['x-signature'], md5(`${opts.callcenterId}${body.phone}`), 'x-signature (md5 of callcenterId + phone)');
        for (const k of ['phone', 'content', 'eventId']) c.that(typeof body[k] === 'string' && body[k] !== '', `${k} missing`);
      }
      return { body, status: 201, answer: { id: 'note-1' } };
    });
    return f;
  }
}
