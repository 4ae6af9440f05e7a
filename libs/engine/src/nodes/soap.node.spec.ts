import { WSSecurity } from 'soap';
import { FlowEngine } from '../engine';
import type { ConnectionResolver, RunInput, RunResult } from '../types';
import { crmWsdl, startCrmServer, type CrmServer } from '../soap/soap.fixtures';
import { buildFlow, type EdgeTuple, type NodeTuple } from '../../test/flows';

/** A schema with dates in the answer (read as ISO text, or as written when JavaScript cannot parse them). */
const DATED_TYPES = `<xs:schema targetNamespace="urn:crm" elementFormDefault="qualified">
      <xs:element name="GetCustomerRequest"><xs:complexType><xs:sequence>
        <xs:element name="phone" type="xs:string"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="GetCustomerResponse"><xs:complexType><xs:sequence>
        <xs:element name="name" type="xs:string"/><xs:element name="since" type="xs:dateTime"/>
        <xs:element name="seen" type="xs:dateTime" maxOccurs="unbounded"/>
        <xs:element name="birthday" type="xs:date"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="HangRequest"><xs:complexType><xs:sequence>
        <xs:element name="id" type="xs:string"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="HangResponse"><xs:complexType><xs:sequence>
        <xs:element name="id" type="xs:string"/>
      </xs:sequence></xs:complexType></xs:element>
    </xs:schema>`;
// No whitespace between the answer's fields: its one long line is cut with + rather than with line breaks.
const DATED_RESPONSE =
  `<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
  <GetCustomerResponse xmlns="urn:crm"><name>Ada</name><since>2024-01-02T03:04:05Z</since>` +
  `<seen>2024-02-01T10:00:00+01:00</seen><seen>2024-03-01T00:00:00Z</seen><birthday>1990-05-17-05:00</birthday>` +
  `</GetCustomerResponse>
</soap:Body></soap:Envelope>`;

const PASSWORD = 'pa55-s3cret-word';

describe('soap node (through FlowEngine, against node-soap on 127.0.0.1)', () => {
  let crm: CrmServer;
  let engine: FlowEngine;
  let wsdlUrl: string;
  const connections: ConnectionResolver = {
    async resolve(id) {
      if (id === 'crm-basic') {
        return {
          fields: {},
          secrets: [PASSWORD],
          authorize: async (req) =>
            void (req.headers.authorization = `Basic ${Buffer.from(`agent:${PASSWORD}`).toString('base64')}`),
        };
      }
      if (id !== 'crm-ws') return undefined;
      return {
        fields: {},
        secrets: [PASSWORD],
        soapSecurity: new WSSecurity('agent', PASSWORD, { passwordType: 'PasswordText', hasTimeStamp: false }),
      };
    },
  };

  beforeAll(async () => {
    crm = await startCrmServer();
    wsdlUrl = `${crm.base}/crm.wsdl`;
    crm.routes.set('GET /crm.wsdl', { body: crmWsdl(`${crm.base}/crm`) });
    crm.routes.set('GET /dated.wsdl', { body: crmWsdl(`${crm.base}/dated`, { types: DATED_TYPES }) });
    crm.routes.set('POST /dated', { body: DATED_RESPONSE });
    // A WSDL only its connection's Basic credentials open.
    const basic = `Basic ${Buffer.from(`agent:${PASSWORD}`).toString('base64')}`;
    crm.routes.set('GET /private.wsdl', {
      body: (req) =>
        req.headers.authorization === basic
          ? { body: crmWsdl(`${crm.base}/crm`) }
          : { status: 401, type: 'text/plain', body: 'no' },
    });
    engine = new FlowEngine({ outbound: { allow: ['127.0.0.1'] }, connections });
  });
  afterAll(async () => {
    await engine.close();
    await crm.close();
  });

  /** IVR trigger → soap `lookup` → `then` nodes; the soap node's error handle goes to a text respond (`onError`). */
  function run(
    soap: Record<string, unknown>,
    then: NodeTuple[],
    edges: EdgeTuple[],
    input: RunInput = {},
  ): Promise<RunResult> {
    const nodes: NodeTuple[] = [
      ['t', 'trigger.ivr', 'ivr'],
      ['s', 'soap', 'lookup', { wsdlUrl, operation: 'GetCustomer', ...soap }],
      [
        'e',
        'respond',
        'failed',
        {
          status: 502,
          body: {
            type: 'text',
            template:
              '{{nodes.lookup.error.code}} {{nodes.lookup.error.details.faultcode}}: ' +
              '{{nodes.lookup.error.details.faultstring}}',
          },
        },
      ],
      ...then,
    ];
    return engine.run(engine.compile(buildFlow(nodes, [['t', 's'], ['s', 'e', 'error'], ...edges])), input);
  }
  const answer = (template: string, type = 'json'): Record<string, unknown> => ({
    status: 200,
    body: { type, template },
  });

  it('sends templated args from call/contact tokens XML-escaped and intact', async () => {
    const input: RunInput = {
      call: { callerId: '+39 06 <1>&"2"', agent: { name: `O'Brien & <Sons> "Ltd"` } },
      contact: { firstName: '{{lookup this "constructor"}}', custom: { mode: `a<b>&c"d'e` } },
    };
    const r = await run(
      {
        args: {
          phone: '{{call.callerId}}',
          filter: {
            attributes: { mode: '{{contact.custom.mode}}' },
            channels: ['{{contact.firstName}}', 'agent {{call.agent.name}}'],
          },
        },
      },
      [['ok', 'respond', 'ok', answer('{{json nodes.lookup.result.name}}')]],
      [['s', 'ok', 'success']],
      input,
    );
    expect(r.status).toBe('succeeded');
    expect(r.output).toBe('Ada Lovelace');
    expect(crm.calls.at(-1)!.args).toEqual({
      phone: '+39 06 <1>&"2"',
      filter: {
        attributes: { mode: `a<b>&c"d'e` },
        channels: ['{{lookup this "constructor"}}', `agent O'Brien & <Sons> "Ltd"`],
      },
    });
    const step = r.steps[1]!;
    expect(step).toMatchObject({
      name: 'lookup',
      handle: 'success',
      request: { method: 'POST', url: `${crm.base}/crm`, operation: 'GetCustomer' },
    });
    const sent = step.request!.body!;
    expect(sent).toContain('&lt;Sons&gt;');
    expect(sent).toContain('+39 06 &lt;1&gt;&amp;');
    expect(sent).not.toContain('<Sons>');
    expect(sent).toContain('{{lookup this &quot;constructor&quot;}}');
    expect(step.response).toMatchObject({ status: 200 });
  });

  it('omitEmpty leaves out an argument whose value renders empty (an optional element), not the others', async () => {
    const args = { phone: '{{call.callerId}}', filter: { mode: '{{call.mode}}', channels: ['{{call.mode}}'] } };
    const on = await run(
      { args, omitEmpty: true },
      [['ok', 'respond', 'ok', answer('"ok"')]],
      [['s', 'ok', 'success']],
      { call: { callerId: '+39' } },
    );
    const sent = on.steps[1]!.request!.body!;
    expect(sent).toMatch(/<(\w+:)?phone>\+39</);
    expect(sent).not.toMatch(/<(\w+:)?mode/);
    expect(sent).toMatch(/<(\w+:)?channels>\s*<\/(\w+:)?channels>|<(\w+:)?channels\s*\/>/);
    const off = await run({ args }, [['ok', 'respond', 'ok', answer('"ok"')]], [['s', 'ok', 'success']], {
      call: { callerId: '+39' },
    });
    expect(off.steps[1]!.request!.body!).toMatch(/<(\w+:)?mode>\s*<\/(\w+:)?mode>|<(\w+:)?mode\s*\/>/);
  });

  it('a $xml argument is an XML template: its tokens are escaped, a caller cannot add elements', async () => {
    const input: RunInput = { call: { callerId: '1</phone><admin>true</admin><phone>2' } };
    const injected = await run(
      { args: { phone: 'p', filter: { $xml: '<channel>{{call.callerId}}</channel>' } } },
      [['ok', 'respond', 'ok', answer('"ok"')]],
      [['s', 'ok', 'success']],
      input,
    );
    const sent = injected.steps[1]!.request!.body!;
    expect(sent).toContain('<channel>1&lt;/phone&gt;&lt;admin&gt;true&lt;/admin&gt;&lt;phone&gt;2</channel>');
    expect(sent).not.toContain('<admin>');
  });

  it('routes a SOAP Fault to error, with its code and text readable by a following respond node', async () => {
    const r = await run(
      { args: { phone: 'unknown' } },
      [['ok', 'respond', 'ok', answer('"found"')]],
      [['s', 'ok', 'success']],
    );
    expect(r.status).toBe('succeeded');
    expect(r.respond).toMatchObject({ status: 502 });
    expect(r.output).toBe('SOAP_FAULT soap:Client: Unknown customer');
    const step = r.steps[1]!;
    expect(step).toMatchObject({
      status: 'failed',
      handle: 'error',
      error: { code: 'SOAP_FAULT', details: { faultcode: 'soap:Client', faultstring: 'Unknown customer' } },
    });
    // The exchange is on the step record of the error branch too.
    expect(step.request!.url).toBe(`${crm.base}/crm`);
    expect(step.request!.body).toMatch(/<soap:Envelope[\s\S]*<(\w+:)?phone>unknown<\/(\w+:)?phone>/);
    // node-soap's server answers its faults with HTTP 200
    expect(step.response!.status).toBe(step.error!.details!.status);
    expect(step.response!.body).toContain('Unknown customer');
  });

  it('records the exchange of a failed call with the connection secrets redacted', async () => {
    const r = await run({ args: { phone: 'unknown' }, connectionId: 'crm-ws' }, [], []);
    expect(r.output).toBe('SOAP_FAULT soap:Client: Unknown customer');
    const step = r.steps[1]!;
    expect(step.request!.body).toContain('<wsse:Username>agent</wsse:Username>');
    expect(step.request!.body).toContain('[redacted]');
    expect(JSON.stringify(r.steps)).not.toContain(PASSWORD);
  });

  it("loads a WSDL behind authentication with the node's connection, and fails clearly without it", async () => {
    const ok = await run(
      { wsdlUrl: `${crm.base}/private.wsdl`, connectionId: 'crm-basic', args: { phone: '+15550100' } },
      [['r', 'respond', 'answer', answer('{"name":"{{nodes.lookup.result.name}}"}')]],
      [['s', 'r', 'success']],
    );
    expect(ok.status).toBe('succeeded');
    expect(ok.output).toEqual({ name: 'Ada Lovelace' });
    expect(JSON.stringify(ok.steps)).not.toContain(PASSWORD);
    const refused = await run({ wsdlUrl: `${crm.base}/private.wsdl`, args: { phone: '+15550100' } }, [], []);
    expect(refused.output).toMatch(/^WSDL_LOAD /);
  });

  it('routes a timeout to error with HTTP_TIMEOUT', async () => {
    const t0 = Date.now();
    const r = await run(
      { operation: 'Hang', args: { id: 'h1' }, timeoutMs: 200 },
      [['ok', 'respond', 'ok', answer('"done"')]],
      [['s', 'ok', 'success']],
    );
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.status).toBe('succeeded');
    expect(r.output).toBe('HTTP_TIMEOUT : ');
    expect(r.steps[1]).toMatchObject({ handle: 'error', error: { code: 'HTTP_TIMEOUT' } });
    expect(r.steps[1]!.request!.body).toContain('h1');
    expect(r.steps[1]!.response).toBeUndefined();
  });

  it('exposes the result as nodes.<name>.result for a condition node', async () => {
    const then: NodeTuple[] = [
      [
        'c',
        'condition',
        'route',
        {
          rules: [
            { handle: 'gold_vip', left: '{{nodes.lookup.result.vip}}', op: 'eq', right: 'true' },
            { handle: 'regular', op: 'exists', left: '{{nodes.lookup.result.name}}' },
          ],
        },
      ],
      [
        'v',
        'respond',
        'vip',
        answer(
          '{"who": "{{nodes.lookup.result.name}}", "city": "{{nodes.lookup.result.address.city}}", ' +
            '"visits": {{nodes.lookup.result.visits}}, "tags": {{json nodes.lookup.result.tags}}}',
        ),
      ],
      ['r', 'respond', 'regular', answer('"regular"')],
      ['d', 'respond', 'other', answer('"other"')],
    ];
    const edges: EdgeTuple[] = [
      ['s', 'c', 'success'],
      ['c', 'v', 'gold_vip'],
      ['c', 'r', 'regular'],
      ['c', 'd', 'default'],
    ];
    const r = await run({ args: { phone: '{{call.callerId}}' } }, then, edges, { call: { callerId: '0612' } });
    expect(r.status).toBe('succeeded');
    expect(r.steps.map((s) => s.name)).toEqual(['ivr', 'lookup', 'route', 'vip']);
    expect(r.steps[2]!.output).toEqual({ matched: 'gold_vip' });
    expect(r.output).toEqual({ who: 'Ada Lovelace', city: 'Localhost', visits: 42, tags: ['priority', 'callback'] });
  });

  it('gives dates in the result as ISO strings, a date JavaScript cannot read as the service wrote it', async () => {
    const then: NodeTuple[] = [
      [
        'c',
        'condition',
        'recent',
        { rules: [{ handle: 'yes', left: '{{nodes.lookup.result.since}}', op: 'startsWith', right: '2024-01-02T' }] },
      ],
      [
        'ok',
        'respond',
        'ok',
        answer('{"since": "{{nodes.lookup.result.since}}", "result": {{json nodes.lookup.result}}}'),
      ],
    ];
    const r = await run({ wsdlUrl: `${crm.base}/dated.wsdl`, args: { phone: '1' } }, then, [
      ['s', 'c', 'success'],
      ['c', 'ok', 'yes'],
    ]);
    expect(r.status).toBe('succeeded');
    expect(r.output).toEqual({
      since: '2024-01-02T03:04:05.000Z',
      // An xs:date with its zone is valid XML Schema that Date cannot parse: kept, not null.
      result: {
        name: 'Ada',
        since: '2024-01-02T03:04:05.000Z',
        seen: ['2024-02-01T09:00:00.000Z', '2024-03-01T00:00:00.000Z'],
        birthday: '1990-05-17-05:00',
      },
    });
  });
});
