import { ContractFake, LoopbackServer, parseJson, queryOf } from './contract';

/**
 * A CRM behind a bearer token: BRIX365-style parsed call events (POST /voip/events) and the XiVO
 * caller lookup (GET /contacts/lookup?phone= → {id, name, url} or 404).
 */
export class CrmFake extends ContractFake {
  readonly contacts = new Map<string, { id: string; name: string; url: string }>();
  failLookups = false;

  static async start(bearer: string): Promise<CrmFake> {
    const f = new CrmFake(await LoopbackServer.start());
    f.route('POST /voip/events', (req, c) => {
      c.equal(req.headers.authorization, `Bearer ${bearer}`, 'authorization');
      c.that(/^application\/json\b/.test(String(req.headers['content-type'])), 'content-type must be JSON');
      const body = parseJson(req.body, c, 'event');
      if (body) {
        c.that(['incoming', 'hangup', 'record'].includes(body.type), `type must be incoming|hangup|record, got ${body.type}`);
        for (const k of ['callId', 'srcPhone', 'dstPhone']) c.that(typeof body[k] === 'string' && body[k] !== '', `${k} missing`);
        if (body.type === 'record') c.that(typeof body.recordUrl === 'string' && /^https?:\/\//.test(body.recordUrl), 'a record event needs recordUrl');
      }
      return { body, answer: { ok: true } };
    });
    f.route('GET /contacts/lookup', (req, c) => {
      c.equal(req.headers.authorization, `Bearer ${bearer}`, 'authorization');
      const q = queryOf(req);
      c.that(!!q.phone, 'phone missing');
      if (f.failLookups) return { body: q, status: 503, answer: { error: 'down' } };
      const contact = f.contacts.get(q.phone ?? '');
      return { body: q, status: contact ? 200 : 404, answer: contact ?? { error: 'not found' } };
    });
    return f;
  }
}
