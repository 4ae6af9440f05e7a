import { ContractFake, LoopbackServer, queryOf, queryString } from './contract';

/**
 * The CRM behind a XiVO third-party integration (seed 004), behind a bearer token:
 * - `GET /contacts/lookup?phone=&queue=&callId=&agent=` (in that order) → 200 {id, name, url} or 404;
 * - `POST /xivo/logins` JSON {login, xivoccHost, loggedInAt} → 204: on which XiVO a user logged in
 *   (THIRD_PARTY_LOGIN_URL).
 * Anything else (another header, parameter order, member) is a 400 and a violation.
 */
export class CrmFake extends ContractFake {
  readonly contacts = new Map<string, { id: string; name: string; url: string }>();
  readonly logins: { login: string; xivoccHost: string; loggedInAt: string }[] = [];
  failLookups = false;

  static async start(bearer: string): Promise<CrmFake> {
    const f = new CrmFake(await LoopbackServer.start());
    f.route('GET /contacts/lookup', (req, c) => {
      c.headers(req, { authorization: `Bearer ${bearer}` });
      const q = queryOf(req);
      c.rawQuery(
        req,
        queryString(
          Object.entries({
            phone: q.phone ?? '',
            queue: q.queue ?? '',
            callId: q.callId ?? '',
            agent: q.agent ?? '',
          }),
        ),
      );
      c.that(!!q.phone, 'phone missing');
      if (f.failLookups) return { body: q, status: 503, answer: { error: 'down' } };
      const contact = f.contacts.get(q.phone ?? '');
      return { body: q, status: contact ? 200 : 404, answer: contact ?? { error: 'not found' } };
    });
    f.route('POST /xivo/logins', (req, c) => {
      c.headers(req, { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' });
      const body = c.jsonMembers(req.body, ['login', 'xivoccHost', 'loggedInAt'], 'login');
      if (body) {
        c.that(
          /^[\w.@-]{1,64}$/.test(String(body.login)),
          `login must be a user name, got ${JSON.stringify(body.login)}`,
        );
        c.that(
          /^[\w.-]+(:\d+)?$/.test(String(body.xivoccHost)),
          `xivoccHost must be a host, got ${JSON.stringify(body.xivoccHost)}`,
        );
        c.that(!Number.isNaN(Date.parse(String(body.loggedInAt))), 'loggedInAt must be a date');
      }
      if (c.ok) f.logins.push(body);
      return { body, status: 204, answer: '' };
    });
    return f;
  }
}
