import { execFileSync } from 'node:child_process';
import { callExample, misplacedFieldHint } from './call-example';
import { campaignTrigger, endOfCallTrigger, ivrTrigger, webhookTrigger } from './nodes/triggers';
import { setNode } from './nodes/logic';

const base = 'https://cc.example.com/api/v1';
const call = { id: 'c-1', callerId: '+390612345678' };

/** What a POSIX shell makes of the curl line: its arguments after `curl`, one per entry. */
function argv(curl: string, env: Record<string, string> = {}): string[] {
  const script = `${curl.replace(/^curl /, 'printf "%s\\0" ')}`;
  const out = execFileSync('sh', ['-c', script], { env: { PATH: process.env.PATH, ...env } }).toString();
  return out.split('\0').slice(0, -1);
}

describe('callExample', () => {
  it('IVR: POST /ivr/<key> with the run input parts as the body', () => {
    const ex = callExample(ivrTrigger, {}, 'lookup', { call, ivr: { digits: '1' }, request: { method: 'GET' } }, base)!;
    expect([ex.method, ex.url, ex.mode]).toEqual(['POST', `${base}/ivr/lookup`, 'sync']);
    expect(JSON.parse(ex.body!)).toEqual({ call, ivr: { digits: '1' } });
    expect(ex.shape).toContain('"call": {…}');
  });

  it('end of call and campaign: POST /events with one event of their type', () => {
    const input = { call, contact: { id: 'k' }, event: { id: 'evt-9', at: '2026-01-15T09:34:41Z', type: 'x' } };
    const ended = callExample(endOfCallTrigger, {}, 'any', input, base)!;
    expect([ended.url, ended.mode]).toEqual([`${base}/events`, 'async']);
    const event = { id: 'evt-9', type: 'call.ended', call, contact: { id: 'k' }, at: '2026-01-15T09:34:41Z' };
    expect(JSON.parse(ended.body!)).toEqual(event);
    const contact = callExample(campaignTrigger, {}, 'any', { contact: { id: 'k' } }, base)!;
    expect(JSON.parse(contact.body!)).toEqual({ id: 'evt-1', type: 'campaign.contact', contact: { id: 'k' } });
  });

  it('webhook: its method, the sample query in the URL, no body on GET', () => {
    const input = { request: { method: 'GET', query: { clientId: 'a b', n: 2 }, body: { x: 1 } } };
    const get = callExample(webhookTrigger, { methods: ['GET', 'POST'] }, 'crm hook', input, base)!;
    expect([get.method, get.url, get.body]).toEqual(['GET', `${base}/hooks/crm%20hook?clientId=a%20b&n=2`, undefined]);
    const post = callExample(webhookTrigger, { methods: ['POST'] }, 'k', input, base)!;
    expect([post.method, JSON.parse(post.body!)]).toEqual(['POST', { x: 1 }]);
  });

  it('the curl line survives a shell: quotes in the data, the API key from the environment', () => {
    const input = { contact: { lastName: "O'Brien", note: 'say "hi" $HOME `id` \\n' } };
    const ex = callExample(ivrTrigger, {}, "it's", input, base)!;
    const args = argv(ex.curl, { CALLFLOW_API_KEY: 'cf_secret' });
    expect(args).toEqual([
      '-X',
      'POST',
      `${base}/ivr/it's`,
      '-H',
      'Authorization: Bearer cf_secret',
      '-H',
      'Content-Type: application/json',
      '-d',
      JSON.stringify({ contact: input.contact }),
    ]);
  });

  it('is undefined for a node that is not a trigger', () => {
    expect(callExample(setNode, {}, 'k', {}, base)).toBeUndefined();
  });
});

describe('misplacedFieldHint', () => {
  it('names the part a top-level field belongs in, else shows the shape', () => {
    expect(misplacedFieldHint(ivrTrigger, 'callerId')).toBe(
      'callerId belongs inside "call": send {"call": {"callerId": …}}',
    );
    expect(misplacedFieldHint(ivrTrigger, 'digits')).toBe('digits belongs inside "ivr": send {"ivr": {"digits": …}}');
    expect(misplacedFieldHint(ivrTrigger, 'agent')).toContain('inside "call"');
    expect(misplacedFieldHint(ivrTrigger, 'phone')).toContain('inside "contact"');
    expect(misplacedFieldHint(ivrTrigger, 'nonsense')).toBe(`the body is ${ivrTrigger.trigger!.call.shape}`);
  });
});
