import { validateXML } from 'xmllint-wasm';
import { ORDER_NS, orderWsdl } from './order-wsdl';
import { StrictSoapServer } from './strict-soap-server';

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

const VALID =
  '<orderNumber>1</orderNumber><customer><id>7</id><name>Ada</name><tier>gold</tier></customer>' +
  '<lines lineNo="1"><sku>A</sku><quantity>2</quantity></lines><express>true</express><channel>ivr</channel>';

/** PlaceOrder bodies, valid or not, each with the reason a strict validator must give. */
const BODIES: [name: string, inner: string, problem: RegExp | null][] = [
  ['valid', VALID, null],
  [
    'valid, optional parts and xs:all in another order',
    VALID.replace(
      '<channel>ivr</channel>',
      '<note>n</note><channel>web</channel><meta><campaignId>c</campaignId><source>s</source></meta>',
    ),
    null,
  ],
  [
    'valid, two lines and a date',
    VALID.replace(
      '<express>true</express>',
      '<lines lineNo="2" currency="EUR"><sku>B</sku><quantity>1</quantity></lines><deliverOn>2026-12-01</deliverOn>',
    ),
    null,
  ],
  [
    'sequence order',
    VALID.replace(
      '<orderNumber>1</orderNumber><customer><id>7</id><name>Ada</name><tier>gold</tier></customer>',
      '<customer><id>7</id><name>Ada</name><tier>gold</tier></customer><orderNumber>1</orderNumber>',
    ),
    /customer: this element is not expected\. Expected is \( \{urn:strict:orders\}orderNumber \)/,
  ],
  [
    'order inside an extension',
    VALID.replace('<name>Ada</name><tier>gold</tier>', '<tier>gold</tier><name>Ada</name>'),
    /tier: this element is not expected/,
  ],
  [
    'required element missing',
    VALID.replace('<channel>ivr</channel>', ''),
    /missing child element\(s\)\. Expected is \( .*channel/,
  ],
  [
    'not an int',
    VALID.replace('<orderNumber>1</orderNumber>', '<orderNumber>one</orderNumber>'),
    /'one' is not a valid xs:int/,
  ],
  [
    'int out of range',
    VALID.replace('<orderNumber>1</orderNumber>', '<orderNumber>3000000000</orderNumber>'),
    /xs:int \(out of range\)/,
  ],
  [
    'not in the enumeration',
    VALID.replace('<channel>ivr</channel>', '<channel>fax</channel>'),
    /'fax' is not one of \( ivr, web \)/,
  ],
  [
    'required attribute missing',
    VALID.replace('<lines lineNo="1">', '<lines>'),
    /attribute lineNo is required but missing/,
  ],
  [
    'attribute not declared',
    VALID.replace('<lines lineNo="1">', '<lines lineNo="1" color="red">'),
    /attribute color is not allowed/,
  ],
  [
    'unknown element',
    VALID.replace('<channel>ivr</channel>', '<channel>ivr</channel><extra>1</extra>'),
    /extra: this element is not expected/,
  ],
  [
    'unqualified child in a qualified schema',
    VALID.replace('<orderNumber>1</orderNumber>', '<orderNumber xmlns="">1</orderNumber>'),
    /orderNumber: this element is not expected/,
  ],
  [
    'both alternatives of a choice',
    VALID.replace('<express>true</express>', '<express>true</express><deliverOn>2026-12-01</deliverOn>'),
    /deliverOn: this element is not expected/,
  ],
  [
    'not a boolean',
    VALID.replace('<express>true</express>', '<express>yes</express>'),
    /'yes' is not a valid xs:boolean/,
  ],
  ['not a date', VALID.replace('<express>true</express>', '<deliverOn>01/12/2026</deliverOn>'), /not a valid xs:date/],
  [
    'nil where not nillable',
    VALID.replace(
      '<express>true</express>',
      '<express xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>',
    ),
    /xsi:nil is not allowed/,
  ],
];

const body = (inner: string) => `<PlaceOrder xmlns="${ORDER_NS}">${inner}</PlaceOrder>`;
const envelope = (content: string, ns = SOAP11, header = '') =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ns}">${header}` +
  `<soap:Body>${content}</soap:Body></soap:Envelope>`;
const SOAP11_HEADERS = { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${ORDER_NS}/PlaceOrder"` };

/** The WSDL's schema as a standalone XSD for libxml2 (the namespace declarations it inherits made explicit). */
function standaloneXsd(): string {
  const wsdl = orderWsdl('http://127.0.0.1:1/orders');
  const schema = wsdl.slice(wsdl.indexOf('<xs:schema'), wsdl.indexOf('</xs:schema>') + '</xs:schema>'.length);
  return schema.replace(
    '<xs:schema ',
    `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="${ORDER_NS}" `,
  );
}

describe('StrictSoapServer', () => {
  let server: StrictSoapServer;
  beforeAll(async () => {
    server = await StrictSoapServer.start({
      documents: (base) => ({ '/orders?wsdl': orderWsdl(`${base}/orders`) }),
      wsdl: '/orders?wsdl',
      handlers: { PlaceOrder: () => ({ result: { accepted: true, reference: 'R-1', total: '1.00' } }) },
    });
  });
  afterAll(() => server.close());

  it.each(BODIES)('judges the body "%s" as the schema says', (_name, inner, problem) => {
    const verdict = server.check('/orders', SOAP11_HEADERS, envelope(body(inner)));
    if (problem === null) expect(verdict.problems).toEqual([]);
    else expect(verdict.problems.join('\n')).toMatch(problem);
    expect(verdict.operation?.name).toBe('PlaceOrder');
  });

  it('agrees with libxml2 (xmllint) on every one of those bodies', async () => {
    const xsd = { fileName: 'orders.xsd', contents: standaloneXsd() };
    const results = await Promise.all(
      BODIES.map(([, inner]) => validateXML({ xml: { fileName: 'body.xml', contents: body(inner) }, schema: xsd })),
    );
    const libxml2 = results.map((r) => r.valid);
    const ours = BODIES.map(
      ([, inner]) => server.check('/orders', SOAP11_HEADERS, envelope(body(inner))).problems.length === 0,
    );
    expect(ours).toEqual(libxml2);
    expect(libxml2.filter(Boolean)).toHaveLength(3);
  }, 60_000);

  it.each([
    [
      'no SOAPAction',
      { 'content-type': 'text/xml; charset=utf-8' },
      envelope(body(VALID)),
      /SOAPAction must be "urn:strict:orders\/PlaceOrder", got none/,
    ],
    [
      'an unquoted SOAPAction',
      { ...SOAP11_HEADERS, soapaction: `${ORDER_NS}/PlaceOrder` },
      envelope(body(VALID)),
      /SOAPAction must be "urn:strict:orders\/PlaceOrder"/,
    ],
    [
      "another operation's SOAPAction",
      { ...SOAP11_HEADERS, soapaction: '"urn:other"' },
      envelope(body(VALID)),
      /SOAPAction must be/,
    ],
    [
      'a JSON content type',
      { ...SOAP11_HEADERS, 'content-type': 'application/json' },
      envelope(body(VALID)),
      /needs Content-Type text\/xml; charset=utf-8/,
    ],
    ['a SOAP 1.2 envelope on a 1.1 binding', SOAP11_HEADERS, envelope(body(VALID), SOAP12), /no SOAP 1\.2 binding/],
    [
      'XML that is not well-formed',
      SOAP11_HEADERS,
      envelope(body(VALID)).replace('</customer>', ''),
      /not well-formed/,
    ],
    ['a DTD', SOAP11_HEADERS, `<!DOCTYPE x [<!ENTITY a "b">]>${envelope(body(VALID))}`, /DTD/],
    [
      'two body elements',
      SOAP11_HEADERS,
      envelope(body(VALID) + body(VALID)),
      /the Body must hold one element, found 2/,
    ],
    [
      'a body element of no operation',
      SOAP11_HEADERS,
      envelope(`<PlaceOrders xmlns="${ORDER_NS}"/>`),
      /operation PlaceOrder takes \{urn:strict:orders\}PlaceOrder, got \{urn:strict:orders\}PlaceOrders/,
    ],
    ['no Envelope', SOAP11_HEADERS, body(VALID), /root element must be a SOAP Envelope/],
  ])('refuses %s', (_name, headers, xml, problem) => {
    expect(server.check('/orders', headers, xml).problems.join('\n')).toMatch(problem);
  });

  it('answers a refused envelope with a SOAP 1.1 Fault (HTTP 500), a valid one: result in schema order', async () => {
    const post = (xml: string) =>
      fetch(`${server.base}/orders`, { method: 'POST', headers: SOAP11_HEADERS, body: xml });
    const bad = await post(envelope(body(BODIES[3]![1])));
    expect(bad.status).toBe(500);
    expect(bad.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await bad.text()).toMatch(
      new RegExp(
        `<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body><soap:Fault><faultcode>soap:Client` +
          `</faultcode><faultstring>envelope refused: .*customer: this element is not expected`,
      ),
    );
    const good = await post(envelope(body(VALID)));
    expect(good.status).toBe(200);
    expect(await good.text()).toContain(
      `<soap:Body><PlaceOrderResponse xmlns="${ORDER_NS}"><accepted>true</accepted>` +
        `<reference>R-1</reference><total>1.00</total></PlaceOrderResponse></soap:Body>`,
    );
    expect(server.exchanges.slice(-2).map((e) => [e.status, e.problems.length > 0])).toEqual([
      [500, true],
      [200, false],
    ]);
  });

  it('checks SOAP 1.2: the action in the content type, a Sender fault', async () => {
    const s12 = await StrictSoapServer.start({
      documents: (base) => ({ '/o12?wsdl': orderWsdl(`${base}/orders`, { soap12: true }) }),
      wsdl: '/o12?wsdl',
      handlers: {},
    });
    try {
      const type = `application/soap+xml; charset=utf-8; action="${ORDER_NS}/PlaceOrder"`;
      expect(s12.check('/orders', { 'content-type': type }, envelope(body(VALID), SOAP12)).problems).toEqual([]);
      expect(
        s12
          .check(
            '/orders',
            { 'content-type': 'application/soap+xml; charset=utf-8; action="x"' },
            envelope(body(VALID), SOAP12),
          )
          .problems.join(),
      ).toMatch(/action parameter must be/);
      expect(
        s12
          .check('/orders', { 'content-type': 'text/xml; charset=utf-8' }, envelope(body(VALID), SOAP12))
          .problems.join(),
      ).toMatch(/SOAP 1\.2 needs Content-Type application\/soap\+xml/);
      const res = await fetch(`${s12.base}/orders`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: envelope(body(BODIES[4]![1]), SOAP12),
      });
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toBe('application/soap+xml; charset=utf-8');
      expect(await res.text()).toMatch(
        /<soap:Code><soap:Value>soap:Sender<\/soap:Value><\/soap:Code><soap:Reason><soap:Text xml:lang="en">envelope refused: .*tier: this element is not expected/,
      );
    } finally {
      await s12.close();
    }
  });
});
