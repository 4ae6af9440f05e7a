import { ContractFake, LoopbackServer, queryOf, type Check, type SeenRequest } from './contract';

/**
 * RetailCRM's telephony API (seed 003): `POST /api/v5/telephony/call/event` with form field
 * `event` = JSON {phone, type: in|out|hangup, codes, externalPhone}, and `POST
 * /api/v5/telephony/calls/upload` with form field `calls` = JSON array of at most 50 calls; the API
 * key as the `apiKey` parameter. Answers like RetailCRM: {success:true} or 400 {success:false, errors}.
 */
export class RetailCrmFake extends ContractFake {
  static async start(apiKey: string): Promise<RetailCrmFake> {
    const f = new RetailCrmFake(await LoopbackServer.start());
    const form = (req: SeenRequest, c: Check, field: string): unknown => {
      c.equal(queryOf(req).apiKey, apiKey, 'apiKey parameter');
      c.that(/^application\/x-www-form-urlencoded\b/.test(String(req.headers['content-type'])), `content-type must be a form, got ${req.headers['content-type']}`);
      const params = new URLSearchParams(req.body);
      c.equal([...params.keys()].join(','), field, 'form fields');
      try {
        return JSON.parse(params.get(field) ?? '');
      } catch {
        c.that(false, `${field} is not JSON: ${params.get(field)}`);
        return undefined;
      }
    };

    f.route('POST /api/v5/telephony/call/event', (req, c) => {
      const event = form(req, c, 'event') as any;
      if (event) {
        c.that(typeof event.phone === 'string' && event.phone !== '', 'event.phone missing');
        c.that(['in', 'out', 'hangup'].includes(event.type), `event.type must be in, out or hangup, got ${event.type}`);
        c.that(Array.isArray(event.codes) && event.codes.every((x: unknown) => typeof x === 'string'), 'event.codes must be an array of strings');
        c.that(event.externalPhone === undefined || typeof event.externalPhone === 'string', 'event.externalPhone must be a string');
      }
      return { body: event, answer: { success: true } };
    });

    f.route('POST /api/v5/telephony/calls/upload', (req, c) => {
      const calls = form(req, c, 'calls') as any;
      c.that(Array.isArray(calls), 'calls must be a JSON array');
      if (Array.isArray(calls)) {
        c.that(calls.length >= 1 && calls.length <= 50, `a request holds 1 to 50 calls, got ${calls.length}`);
        calls.forEach((call: any, i: number) => {
          c.that(typeof call?.date === 'string' && typeof call?.phone === 'string' && ['in', 'out'].includes(call?.type), `calls[${i}] needs date, phone and type in|out`);
        });
      }
      return { body: calls, answer: { success: true } };
    });
    return f;
  }
}
