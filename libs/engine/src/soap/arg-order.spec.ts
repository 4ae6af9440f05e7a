import { WSDL } from 'soap';
import { FlowEngine } from '../engine';
import type { RunResult } from '../types';
import { buildFlow } from '../../test/flows';
import { jsonbOrder, ORDER_NS, orderWsdl, placeOrderArgs, rpcWsdl } from '../../test/strict-soap/order-wsdl';
import { StrictSoapServer } from '../../test/strict-soap/strict-soap-server';
import { orderArgs, OrderPlanner, type OrderPlan } from './arg-order';

/** The exact body element node-soap writes for placeOrderArgs() when the keys are in schema order. */
const PLACE_ORDER_XML =
  `<PlaceOrder xmlns="${ORDER_NS}"><orderNumber>1042</orderNumber>` +
  '<customer><id>7</id><name>Ada</name><address><street>1 Loop Rd</street>' +
  '<city>Localhost</city><zip>00100</zip></address>' +
  '<tier>gold</tier><accountManager>Bob</accountManager></customer>' +
  '<lines lineNo="1" currency="EUR"><sku>A-1</sku><quantity>2</quantity><giftWrap>true</giftWrap></lines>' +
  '<lines lineNo="2"><sku>B-2</sku><quantity>1</quantity></lines>' +
  '<express>true</express><note>leave at the door</note><channel>ivr</channel>' +
  '<meta><source>ivr</source><campaignId>cmp-9</campaignId></meta></PlaceOrder>';

describe('SOAP arguments go out in the WSDL order (against a strict SOAP server)', () => {
  let server: StrictSoapServer;
  let engine: FlowEngine;
  beforeAll(async () => {
    server = await StrictSoapServer.start({
      documents: (base) => ({ '/orders?wsdl': orderWsdl(`${base}/orders`) }),
      wsdl: '/orders?wsdl',
      handlers: {
        PlaceOrder: (r) => ({
          result: { accepted: true, reference: `R-${String(r.args.orderNumber)}`, total: '12.50' },
        }),
      },
    });
    engine = new FlowEngine({ outbound: { allow: ['127.0.0.1'] } });
  });
  afterAll(async () => {
    await engine.close();
    await server.close();
  });
  beforeEach(() => (server.exchanges.length = 0));

  function run(args: Record<string, unknown>, soapHeaders: Record<string, unknown> = {}): Promise<RunResult> {
    const flow = buildFlow(
      [
        ['t', 'trigger.ivr', 'ivr'],
        ['s', 'soap', 'order', { wsdlUrl: server.wsdlUrl, operation: 'PlaceOrder', args, soapHeaders }],
        ['ok', 'respond', 'ok', { body: { type: 'json', template: '{{json nodes.order.result}}' } }],
        ['ko', 'respond', 'ko', { status: 502, body: { type: 'json', template: '{{json nodes.order.error}}' } }],
      ],
      [
        ['t', 's'],
        ['s', 'ok', 'success'],
        ['s', 'ko', 'error'],
      ],
    );
    return engine.run(engine.compile(flow), {});
  }

  it('sends keys jsonb re-sorted in the sequence order, at every depth; the strict server accepts it', async () => {
    const stored = jsonbOrder(placeOrderArgs());
    // The premise: the database's order is not the schema's (else this test would prove nothing).
    expect(Object.keys(stored)).toEqual(['meta', 'note', 'lines', 'channel', 'express', 'customer', 'orderNumber']);
    expect(Object.keys(stored.customer as object)).toEqual(['id', 'name', 'tier', 'address', 'accountManager']);

    const run1 = await run(stored);
    expect(server.violations).toEqual([]);
    expect(run1.output).toEqual({ accepted: true, reference: 'R-1042', total: 12.5 });
    const [post] = server.posts;
    expect(post!.body).toContain(`<soap:Body>${PLACE_ORDER_XML}</soap:Body>`);
    expect(post!.headers.soapaction).toBe(`"${ORDER_NS}/PlaceOrder"`);
    expect(post!.headers['content-type']).toBe('text/xml; charset=utf-8');
  });

  it('puts keys the schema does not know after the known ones, as given (the strict server refuses them)', async () => {
    const args = { zzExtra: 'x', ...jsonbOrder(placeOrderArgs()) };
    const r = await run(args);
    const body = server.posts[0]!.body;
    expect(body).toMatch(/<\/meta><zzExtra>x<\/zzExtra><\/PlaceOrder>/);
    expect(r.output).toMatchObject({ code: 'SOAP_FAULT' });
    expect(server.violations.join('\n')).toMatch(/zzExtra: this element is not expected/);
  });

  it('a refused envelope under an IVR: step failed with the fault, fallback answered, handledError set', async () => {
    const r = await run({ ...placeOrderArgs(), orderNumber: 'not a number' });
    expect(r.status).toBe('succeeded');
    expect(r.steps.map((s) => [s.name, s.status, s.handle])).toEqual([
      ['ivr', 'succeeded', 'next'],
      ['order', 'failed', 'error'],
      ['ko', 'succeeded', 'next'],
    ]);
    expect(r.steps[1]!.error).toMatchObject({ code: 'SOAP_FAULT', details: { faultcode: 'soap:Client', status: 500 } });
    const handled = {
      code: 'SOAP_FAULT',
      message: expect.stringMatching(/envelope refused: .*orderNumber: value 'not a number' is not a valid xs:int/),
      nodeId: 's',
      node: 'order',
    };
    expect(r.handledError).toEqual(handled);
    expect(r.respond!.handledError).toEqual(handled);
    expect(r.error).toBeUndefined();
  });

  it('orders the content of a SOAP header entry by the schema element of that name', async () => {
    const header = jsonbOrder({ AgentHeader: { agentName: 'ivr-7', apiKey: '{{call.id}}' } });
    expect(Object.keys(header.AgentHeader)).toEqual(['apiKey', 'agentName']);
    const r = await run(jsonbOrder(placeOrderArgs()), header);
    expect(r.status).toBe('succeeded');
    expect(server.violations).toEqual([]);
    expect(server.posts[0]!.body).toMatch(
      /<soap:Header><AgentHeader[^>]*><agentName>ivr-7<\/agentName><apiKey>[^<]*<\/apiKey><\/AgentHeader><\/soap:Header>/,
    );
  });
});

describe('RPC/literal: parts in message order, their content in schema order (strict server)', () => {
  it('sends a jsonb-sorted definition as the message and its types define', async () => {
    const server = await StrictSoapServer.start({
      documents: (base) => ({ '/dial?wsdl': rpcWsdl(`${base}/dial`) }),
      wsdl: '/dial?wsdl',
      handlers: {
        Dial: () => ({
          xml: '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns:DialResponse xmlns:ns="urn:strict:dial"><queued>true</queued></ns:DialResponse></soap:Body></soap:Envelope>',
        }),
      },
    });
    const engine = new FlowEngine({ outbound: { allow: ['127.0.0.1'] } });
    try {
      const args = jsonbOrder({
        campaignId: 'c-1',
        target: { number: '+3906', ext: '12', priority: 2 },
        at: '2026-12-01T10:00:00Z',
      });
      expect(Object.keys(args)).toEqual(['at', 'target', 'campaignId']);
      const flow = buildFlow(
        [
          ['t', 'trigger.ivr', 'ivr'],
          ['s', 'soap', 'dial', { wsdlUrl: server.wsdlUrl, operation: 'Dial', args }],
        ],
        [['t', 's']],
      );
      const r = await engine.run(engine.compile(flow), {});
      expect(server.violations).toEqual([]);
      expect(r.status).toBe('succeeded');
      expect(server.posts[0]!.body).toMatch(
        /<campaignId>c-1<\/campaignId><target><number>\+3906<\/number><ext>12<\/ext><priority>2<\/priority><\/target><at>2026-12-01T10:00:00Z<\/at>/,
      );
    } finally {
      await engine.close();
      await server.close();
    }
  });
});

describe('orderArgs', () => {
  let plan: OrderPlan;
  beforeAll(async () => {
    const wsdl = await parsed(orderWsdl('http://127.0.0.1:1/orders'));
    const input = (wsdl.definitions as any).services.OrdersService.ports.OrdersPort.binding.methods.PlaceOrder.input;
    plan = new OrderPlanner(wsdl.definitions as never).forInput(input)!;
  });

  it('reads the order from the schema: base type first, choice alternatives at one place, refs by name', () => {
    const byRank = [...plan.rank.entries()].sort((a, b) => a[1] - b[1]).map(([name]) => name);
    expect(byRank).toEqual(['orderNumber', 'customer', 'lines', 'express', 'deliverOn', 'note', 'channel', 'meta']);
    expect(plan.rank.get('express')).toBe(plan.rank.get('deliverOn'));
    expect([...plan.child.get('customer')!.rank.keys()]).toEqual(['id', 'name', 'address', 'tier', 'accountManager']);
    expect([...plan.child.get('lines')!.attrRank.keys()]).toEqual(['lineNo', 'currency']);
  });

  it('returns the very same object when it is in order already (no copy on the common path)', () => {
    const args = placeOrderArgs();
    expect(orderArgs(args, plan)).toBe(args);
  });

  it('puts attributes first, $value and $xml last, and orders the items of arrays and attributes', () => {
    const out = orderArgs(
      {
        $value: 'v',
        lines: [{ quantity: 1, sku: 'a', attributes: { currency: 'EUR', lineNo: 1 } }],
        orderNumber: 1,
        attributes: { x: '1' },
      },
      plan,
    ) as any;
    expect(Object.keys(out)).toEqual(['attributes', 'orderNumber', 'lines', '$value']);
    expect(Object.keys(out.lines[0])).toEqual(['attributes', 'sku', 'quantity']);
    expect(Object.keys(out.lines[0].attributes)).toEqual(['lineNo', 'currency']);
  });

  it('renames a key overrideElementKey names (in place, not last as node-soap would) and reads prefixed keys', () => {
    const out = orderArgs({ 'tns:customer': {}, num: 1 }, plan, {
      attributes: 'attributes',
      value: '$value',
      xml: '$xml',
      rename: { num: 'orderNumber' },
    });
    expect(Object.keys(out as object)).toEqual(['orderNumber', 'tns:customer']);
  });
});

function parsed(xml: string): Promise<WSDL> {
  return new Promise((resolve, reject) => {
    const w = new WSDL(xml, 'http://127.0.0.1:1/orders?wsdl', {} as never);
    w.onReady((err) => (err ? reject(err) : resolve(w)));
  });
}
