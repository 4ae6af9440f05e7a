import { soapConfigSchema } from '@callflow/flow';
import { OutboundClient } from '../outbound/outbound-client';
import { ORDER_NS, orderWsdl, placeOrderArgs } from '../../test/strict-soap/order-wsdl';
import { StrictSoapServer } from '../../test/strict-soap/strict-soap-server';
import { parseMultipart, multipartBoundary } from './mtom';
import { SoapService, type SoapCallRequest } from './soap.service';

const LIMITS = { timeoutMs: 5000, maxResponseBytes: 1_000_000 };

describe('soap node clientOptions: validation', () => {
  const base = { wsdlUrl: 'https://crm.example/x?wsdl', operation: 'Op' };
  const check = (clientOptions: unknown) => soapConfigSchema.safeParse({ ...base, clientOptions });

  it('takes the whitelisted node-soap options, typed', () => {
    const r = check({
      ignoredNamespaces: { namespaces: ['targetNamespace', 'typedNamespace'], override: true },
      overrideRootElement: {
        namespace: 'xmlns:tns',
        xmlnsAttributes: [{ name: 'xmlns:ns2', value: 'http://tempuri.org/' }],
      },
      overrideElementKey: { Nom: 'Name' },
      envelopeKey: 'soapenv',
      attributesKey: '$attributes',
      useEmptyTag: true,
      dates: 'text',
    });
    expect(r.success).toBe(true);
  });

  it.each([
    ['an option that swaps the HTTP client', { httpClient: {} }],
    ['an option that reads files or imports', { wsdl_options: { fixedPath: true } }],
    ['turning XML escaping off', { escapeXML: false }],
    [
      'an xmlns attribute value that breaks out of its quotes',
      { overrideRootElement: { namespace: 'tns', xmlnsAttributes: [{ name: 'xmlns:a', value: 'x" onload="y' }] } },
    ],
    [
      'an attribute name that is not a namespace declaration',
      { overrideRootElement: { namespace: 'tns', xmlnsAttributes: [{ name: 'id', value: 'x' }] } },
    ],
    ['a prefix with markup', { envelopeKey: 'soap><x' }],
    ['a string for a boolean', { useEmptyTag: 'yes' }],
  ])('refuses %s', (_name, options) => {
    expect(check(options).success).toBe(false);
  });
});

describe('soap node clientOptions: on the wire (strict SOAP server)', () => {
  let server: StrictSoapServer;
  let outbound: OutboundClient;
  let soap: SoapService;
  beforeAll(async () => {
    server = await StrictSoapServer.start({
      documents: (b) => ({ '/orders?wsdl': orderWsdl(`${b}/orders`) }),
      wsdl: '/orders?wsdl',
      handlers: { PlaceOrder: () => ({ result: { accepted: true, reference: '  R-1  ', total: '1.00' } }) },
    });
    outbound = new OutboundClient({ policy: { allow: ['127.0.0.1'] } });
    soap = new SoapService({ outbound });
  });
  afterAll(async () => {
    await outbound.close();
    await server.close();
  });
  beforeEach(() => (server.exchanges.length = 0));

  const call = (over: Partial<SoapCallRequest> = {}) =>
    soap.call({ wsdlUrl: server.wsdlUrl, operation: 'PlaceOrder', args: placeOrderArgs(), ...LIMITS, ...over });

  it('writes the envelope with the options given, parsing the WSDL once per set of options', async () => {
    const plain = await call();
    expect(plain.result).toMatchObject({ reference: 'R-1' });
    const env = await call({ clientOptions: { envelopeKey: 'env', preserveWhitespace: true } });
    expect(server.violations).toEqual([]);
    expect(env.requestXml).toMatch(
      /^<\?xml version="1\.0" encoding="utf-8"\?><env:Envelope xmlns:env="http:\/\/schemas\.xmlsoap\.org\/soap\/envelope\/"/,
    );
    expect(env.result).toMatchObject({ reference: '  R-1  ' });
    // Each option set has its own parsed WSDL (the options shape it); a repeat reuses it.
    await call({ clientOptions: { preserveWhitespace: true, envelopeKey: 'env' } });
    expect(server.exchanges.filter((e) => e.method === 'GET').length).toBe(2);
  });

  it('a renamed key goes out under its element name, in the schema order', async () => {
    const { orderNumber, ...rest } = placeOrderArgs();
    const r = await call({
      args: { ...rest, number: orderNumber },
      clientOptions: { overrideElementKey: { number: 'orderNumber' } },
    });
    expect(server.violations).toEqual([]);
    expect(r.requestXml).toContain(`<PlaceOrder xmlns="${ORDER_NS}"><orderNumber>1042</orderNumber><customer>`);
  });

  it('forceSoap12Headers sends SOAP 1.2 to a 1.1 binding, which the strict server refuses', async () => {
    await expect(call({ clientOptions: { forceSoap12Headers: true } })).rejects.toMatchObject({ code: 'SOAP_FAULT' });
    const post = server.posts.at(-1)!;
    expect(post.headers['content-type']).toMatch(
      /^application\/soap\+xml; charset=utf-8; action="urn:strict:orders\/PlaceOrder"/,
    );
    expect(post.problems.join()).toMatch(/no SOAP 1\.2 binding/);
  });
});

describe('MTOM answers (parseResponseAttachments)', () => {
  const part = (headers: string, body: string) => `--b1\r\n${headers}\r\n\r\n${body}\r\n`;

  it('splits a multipart/related body into its parts, byte for byte', () => {
    const binary = Buffer.from([0, 255, 13, 10, 45, 45, 1]);
    const body = Buffer.concat([
      Buffer.from(part('Content-Type: text/xml; charset=UTF-8', '<a/>')),
      Buffer.from('--b1\r\nContent-Type: image/tiff\r\nContent-ID: <p2>\r\n\r\n'),
      binary,
      Buffer.from('\r\n--b1--\r\n'),
    ]);
    expect(multipartBoundary('Multipart/Related; boundary=b1; type=text/xml;')).toBe('b1');
    expect(multipartBoundary('multipart/related; type="text/xml"; boundary="b1"')).toBe('b1');
    expect(multipartBoundary('text/xml')).toBeUndefined();
    const parts = parseMultipart(body, 'b1');
    expect(parts.map((p) => p.headers)).toEqual([
      { 'content-type': 'text/xml; charset=UTF-8' },
      { 'content-type': 'image/tiff', 'content-id': '<p2>' },
    ]);
    expect(parts[0]!.body.toString()).toBe('<a/>');
    expect(parts[1]!.body.equals(binary)).toBe(true);
    expect(() => parseMultipart(Buffer.from(part('A: b', 'x')), 'b1')).toThrow(/no closing delimiter/);
  });

  it('reads the envelope from the first part and returns the others as attachments', async () => {
    const envelope = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><PlaceOrderResponse xmlns="${ORDER_NS}"><accepted>true</accepted><reference>R-9</reference><total>2</total></PlaceOrderResponse></soap:Body></soap:Envelope>`;
    const mtom = await StrictSoapServer.start({
      documents: (b) => ({ '/o?wsdl': orderWsdl(`${b}/orders`) }),
      wsdl: '/o?wsdl',
      handlers: {
        PlaceOrder: () => ({
          xml:
            part('Content-Type: application/xop+xml; charset=UTF-8; type="text/xml"', envelope) +
            part('Content-Type: text/plain\r\nContent-ID: <att1>', 'hello') +
            '--b1--\r\n',
          type: 'multipart/related; type="application/xop+xml"; boundary="b1"',
        }),
      },
    });
    const outbound = new OutboundClient({ policy: { allow: ['127.0.0.1'] } });
    try {
      const svc = new SoapService({ outbound });
      const req = { wsdlUrl: mtom.wsdlUrl, operation: 'PlaceOrder', args: placeOrderArgs(), ...LIMITS };
      const r = await svc.call({ ...req, clientOptions: { parseResponseAttachments: true } });
      expect(r.result).toMatchObject({ reference: 'R-9' });
      expect(r.attachments).toEqual([
        {
          headers: { 'content-type': 'text/plain', 'content-id': '<att1>' },
          body: Buffer.from('hello').toString('base64'),
          bytes: 5,
        },
      ]);
      // Without the option the parts are not read (node-soap's lenient parser still finds the envelope).
      expect((await svc.call(req)).attachments).toBeUndefined();
    } finally {
      await outbound.close();
      await mtom.close();
    }
  });
});
