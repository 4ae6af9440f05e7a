import { chainFlow, postNode, respondNode, sleep } from '../support/triggers';
import { ContractFake, LoopbackServer, type Check, type SeenRequest } from './contract';

/**
 * The CRM behind the flows, strict: `POST /customers` and `POST /tickets` with exactly a JSON body
 * {"phone": "+<digits>"} and a JSON content type, nothing else. /customers answers {queue} after the
 * delay set for that phone (default 30 ms); /tickets answers 503 for the phones set to fail.
 */
export class StatsCrm extends ContractFake {
  readonly delays = new Map<string, number>();
  readonly failing = new Set<string>();

  static async start(): Promise<StatsCrm> {
    const f = new StatsCrm(await LoopbackServer.start());
    f.server.on('POST /customers', async (req, res) => {
      const phone = StatsCrm.phoneOf(req);
      await sleep(f.delays.get(phone ?? '') ?? 30);
      f.serve('POST /customers', req, res, (r, c) => {
        const body = f.check(r, c);
        return { body, answer: { queue: phone?.endsWith('1') ? 'vip' : 'sales' } };
      });
    });
    f.route('POST /tickets', (req, c) => {
      const body = f.check(req, c);
      return f.failing.has(body?.phone) ? { body, status: 503, answer: { error: 'down' } } : { body, answer: {} };
    });
    return f;
  }

  private static phoneOf(req: SeenRequest): string | undefined {
    try {
      return (JSON.parse(req.body) as { phone?: string }).phone;
    } catch {
      return undefined;
    }
  }

  private check(req: SeenRequest, c: Check) {
    c.headers(req, { 'content-type': 'application/json' });
    const body = c.jsonMembers(req.body, ['phone']);
    c.that(/^\+\d{6,15}$/.test(String(body?.phone)), `phone must be E.164, got ${JSON.stringify(body?.phone)}`);
    return body;
  }
}

/**
 * The IVR flow the stats tests call (deadline 1 s, fallback {queue: default}): note (set) → crm
 * (POST /customers) → tickets (POST /tickets; its error edge unhandled: a 503 fails the run before
 * any answer, so the caller gets the fallback) → answer.
 */
export function routingFlow(crmBase: string) {
  const body = '{"phone":"{{call.callerId}}"}';
  const flow = chainFlow(
    { id: 't', type: 'trigger.ivr', name: 'ivr', config: { deadlineMs: 1000, fallback: { queue: 'default' } } },
    { id: 'note', type: 'set', name: 'note', config: { values: [{ name: 'line', value: '{{call.calledNumber}}' }] } },
    { ...postNode(`${crmBase}/customers`, body, 'crm'), id: 'crm' },
    { ...postNode(`${crmBase}/tickets`, body, 'tickets'), id: 'tickets' },
    respondNode('{"queue":"{{nodes.crm.body.queue}}"}'),
  );
  // Cards side by side without overlapping (the browser test shows this flow).
  flow.nodes.forEach((n, i) => (n.position = { x: i * 300, y: 0 }));
  return flow;
}
