// The module object itself (a namespace import would be a copy the spies below could not see through).
// eslint-disable-next-line @typescript-eslint/no-require-imports
import fs = require('fs');
import { EngineError } from '../errors';
import { OutboundClient } from '../outbound/outbound-client';
import { CRM_XSD, crmWsdl, SOAP12_FAULT, startCrmServer, type CrmServer } from './soap.fixtures';
import { SoapService, soapExchangeOf, type SoapCallRequest } from './soap.service';

const LIMITS = { timeoutMs: 5000, maxResponseBytes: 1_000_000 };

async function failure(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    return err as EngineError;
  }
  throw new Error('expected the call to fail');
}

describe('SoapService', () => {
  let srv: CrmServer;
  let outbound: OutboundClient;
  let wsdlUrl: string;

  beforeAll(async () => {
    srv = await startCrmServer();
    outbound = new OutboundClient({ policy: { allow: ['127.0.0.1'] } });
    wsdlUrl = `${srv.base}/crm.wsdl`;
    srv.routes.set('GET /crm.wsdl', { body: crmWsdl(`${srv.base}/crm`) });
    srv.routes.set('GET /crm12.wsdl', { body: crmWsdl(`${srv.base}/soap12`, { soap12: true }) });
    srv.routes.set('POST /soap12', { status: 500, type: 'application/soap+xml', body: SOAP12_FAULT });
    srv.routes.set('POST /down', { status: 503, type: 'text/plain', body: 'Service Unavailable' });
    const imported = `<xs:schema><xs:import namespace="urn:crm" schemaLocation="types.xsd"/></xs:schema>`;
    srv.routes.set('GET /imp/main.wsdl', { body: crmWsdl(`${srv.base}/crm`, { types: imported }) });
    srv.routes.set('GET /imp/types.xsd', { body: CRM_XSD });
    const fileImport = `<xs:schema><xs:import namespace="urn:crm" schemaLocation="file:///etc/passwd"/></xs:schema>`;
    srv.routes.set('GET /evil/file.wsdl', { body: crmWsdl(`${srv.base}/crm`, { types: fileImport }) });
    const absImport = `<xs:schema><xs:import namespace="urn:crm" schemaLocation="/etc/hostname"/></xs:schema>`;
    srv.routes.set('GET /evil/abs.wsdl', { body: crmWsdl(`${srv.base}/crm`, { types: absImport }) });
    srv.routes.set('GET /etc/hostname', { body: CRM_XSD });
  });

  afterAll(async () => {
    await outbound?.close();
    await srv?.close();
  });

  beforeEach(() => {
    srv.hits.length = 0;
    srv.calls.length = 0;
  });

  const request = (over: Partial<SoapCallRequest> = {}): SoapCallRequest => ({
    wsdlUrl,
    operation: 'GetCustomer',
    args: { phone: '+15550100' },
    ...LIMITS,
    ...over,
  });

  it('calls an operation with nested args, arrays and attributes and returns parsed objects', async () => {
    const soapSvc = new SoapService({ outbound });
    const res = await soapSvc.call(
      request({
        args: { phone: '+1 <555> & co', filter: { attributes: { mode: 'strict' }, channels: ['sms', 'voice'] } },
      }),
    );
    expect(srv.calls[0]!.args).toEqual({
      phone: '+1 <555> & co',
      filter: { attributes: { mode: 'strict' }, channels: ['sms', 'voice'] },
    });
    expect(res.result).toMatchObject({
      name: 'Ada Lovelace',
      vip: true,
      visits: 42,
      tier: { attributes: { level: '2' }, $value: 'gold' },
      segment: 'business',
      address: { street: '1 Loop Rd', city: 'Localhost' },
      tags: ['priority', 'callback'],
    });
    expect(res.status).toBe(200);
    expect(res.endpoint).toBe(`${srv.base}/crm`);
    expect(res.requestXml).toContain('+1 &lt;555&gt; &amp; co');
    expect(res.responseXml).toContain('Ada Lovelace');
    expect(res.headers).toEqual({ ServerTime: '2024-01-01T00:00:00Z' });
  });

  it('sends SOAP headers, each call its own', async () => {
    const soapSvc = new SoapService({ outbound });
    const [a, b] = await Promise.all([
      soapSvc.call(request({ args: { phone: 'a' }, soapHeaders: { AuthToken: 'token-a', Agent: { id: '7' } } })),
      soapSvc.call(request({ args: { phone: 'b' }, soapHeaders: { AuthToken: 'token-b & <x>' } })),
    ]);
    expect(JSON.parse((a.result as { echo: string }).echo).headers).toEqual({
      AuthToken: 'token-a',
      Agent: { id: '7' },
    });
    expect(JSON.parse((b.result as { echo: string }).echo).headers).toEqual({ AuthToken: 'token-b & <x>' });
  });

  it('maps a SOAP 1.1 fault to SOAP_FAULT with its code and text', async () => {
    const err = await failure(new SoapService({ outbound }).call(request({ args: { phone: 'unknown' } })));
    expect(err.code).toBe('SOAP_FAULT');
    expect(err.details).toMatchObject({
      faultcode: 'soap:Client',
      faultstring: 'Unknown customer',
      detail: { reason: 'no such phone' },
    });
    expect(err.message).toContain('Unknown customer');
    expect(soapExchangeOf(err)?.responseXml).toContain('Unknown customer');
  });

  it('uses SOAP 1.2 for a SOAP 1.2 port and maps its fault', async () => {
    const err = await failure(new SoapService({ outbound }).call(request({ wsdlUrl: `${srv.base}/crm12.wsdl` })));
    expect(err.code).toBe('SOAP_FAULT');
    expect(err.details).toMatchObject({
      faultcode: 'env:Sender',
      subcode: 'crm:BadPhone',
      faultstring: 'Phone number is malformed',
      detail: { field: 'phone' },
    });
    expect(soapExchangeOf(err)?.requestXml).toContain('http://www.w3.org/2003/05/soap-envelope');
  });

  it('maps a non-fault HTTP error to HTTP_STATUS; endpoint overrides the WSDL address', async () => {
    const err = await failure(new SoapService({ outbound }).call(request({ endpoint: `${srv.base}/down` })));
    expect(err.code).toBe('HTTP_STATUS');
    expect(err.details).toMatchObject({ status: 503 });
    expect(srv.hits).toContain('POST /down');
  });

  it('times out fast when the server never answers', async () => {
    const started = Date.now();
    const err = await failure(
      new SoapService({ outbound }).call(request({ operation: 'Hang', args: { id: '1' }, timeoutMs: 300 })),
    );
    expect(err.code).toBe('HTTP_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops when the run is aborted', async () => {
    const soapSvc = new SoapService({ outbound });
    await soapSvc.describe(wsdlUrl); // separate cache entry: the call below still loads its WSDL
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await failure(
      soapSvc.call(request({ operation: 'Hang', args: { id: '1' }, signal: controller.signal })),
    );
    expect(err.code).toBe('RUN_ABORTED');
  });

  it('lists the available operations when the operation is unknown', async () => {
    const soapSvc = new SoapService({ outbound });
    const err = await failure(soapSvc.call(request({ operation: 'DeleteEverything' })));
    expect(err.code).toBe('SOAP_OPERATION_NOT_FOUND');
    expect(err.message).toContain('GetCustomer, Hang');
    const wrongPort = await failure(soapSvc.call(request({ service: 'CrmService', port: 'Nope' })));
    expect(wrongPort.code).toBe('SOAP_OPERATION_NOT_FOUND');
    const ok = await soapSvc.call(request({ service: 'CrmService', port: 'CrmPort' }));
    expect(ok.status).toBe(200);
  });

  it('loads the WSDL once for many calls, concurrent or not', async () => {
    const soapSvc = new SoapService({ outbound });
    await Promise.all(Array.from({ length: 10 }, (_, i) => soapSvc.call(request({ args: { phone: `c${i}` } }))));
    for (let i = 0; i < 10; i++) await soapSvc.call(request({ args: { phone: `s${i}` } }));
    expect(srv.hits.filter((h) => h === 'GET /crm.wsdl')).toHaveLength(1);
    expect(srv.calls).toHaveLength(20);
  });

  it('does not cache a failed load', async () => {
    let served = 0;
    srv.routes.set('GET /flaky.wsdl', {
      body: () => (served++ === 0 ? { status: 500, body: 'boom' } : { body: crmWsdl(`${srv.base}/crm`) }),
    });
    const soapSvc = new SoapService({ outbound });
    const err = await failure(soapSvc.call(request({ wsdlUrl: `${srv.base}/flaky.wsdl` })));
    expect(err.code).toBe('WSDL_LOAD');
    const ok = await soapSvc.call(request({ wsdlUrl: `${srv.base}/flaky.wsdl` }));
    expect(ok.status).toBe(200);
  });

  it('expires cached WSDLs after the TTL', async () => {
    const soapSvc = new SoapService({ outbound, ttlMs: 50 });
    await soapSvc.call(request());
    await new Promise((r) => setTimeout(r, 80));
    await soapSvc.call(request());
    expect(srv.hits.filter((h) => h === 'GET /crm.wsdl')).toHaveLength(2);
  });

  it('refuses a WSDL host the policy does not allow, without contacting it', async () => {
    const blocked = new OutboundClient({ policy: { allow: [] } });
    try {
      const err = await failure(new SoapService({ outbound: blocked }).call(request()));
      expect(err.code).toBe('OUTBOUND_BLOCKED');
      const desc = await failure(new SoapService({ outbound: blocked }).describe(wsdlUrl));
      expect(desc.code).toBe('OUTBOUND_BLOCKED');
      expect(srv.hits).toEqual([]);
    } finally {
      await blocked.close();
    }
  });

  it('keeps credentials in the WSDL URL out of errors', async () => {
    const url = `${srv.base.replace('//', '//admin:s3cret@')}/missing.wsdl`;
    const err = await failure(new SoapService({ outbound }).call(request({ wsdlUrl: url })));
    expect(err.code).toBe('WSDL_LOAD');
    expect(srv.hits).toEqual(['GET /missing.wsdl']);
    expect(JSON.stringify([err.message, err.details])).not.toContain('s3cret');
  });

  it('refuses non-http WSDL URLs', async () => {
    const err = await failure(new SoapService({ outbound }).call(request({ wsdlUrl: 'file:///etc/passwd' })));
    expect(err.code).toBe('URL_INVALID');
  });

  it('follows xsd:import over http, every request through the outbound client', async () => {
    const seen: string[] = [];
    const counting = {
      request: (r: Parameters<OutboundClient['request']>[0]) => {
        seen.push(`${r.method} ${new URL(r.url).pathname}`);
        return outbound.request(r);
      },
    };
    const res = await new SoapService({ outbound: counting }).call(request({ wsdlUrl: `${srv.base}/imp/main.wsdl` }));
    expect(res.result).toMatchObject({ name: 'Ada Lovelace' });
    expect(seen).toEqual(['GET /imp/main.wsdl', 'GET /imp/types.xsd', 'POST /crm']);
    expect(srv.hits).toEqual(seen);
  });

  describe('never reads WSDL imports from the file system', () => {
    let readFile: jest.SpyInstance;
    let readFileSync: jest.SpyInstance;
    beforeEach(() => {
      readFile = jest.spyOn(fs, 'readFile');
      readFileSync = jest.spyOn(fs, 'readFileSync');
    });
    afterEach(() => jest.restoreAllMocks());

    it('(control) the spy sees node-soap reading a path', async () => {
      const { open_wsdl } = jest.requireActual<typeof import('soap/lib/wsdl')>('soap/lib/wsdl');
      await new Promise((resolve) => open_wsdl('/nonexistent/control.wsdl', resolve));
      expect(readFile).toHaveBeenCalledWith('/nonexistent/control.wsdl', 'utf8', expect.any(Function));
    });

    it('refuses a file: import', async () => {
      const err = await failure(new SoapService({ outbound }).call(request({ wsdlUrl: `${srv.base}/evil/file.wsdl` })));
      expect(readFile).not.toHaveBeenCalled();
      expect(readFileSync).not.toHaveBeenCalledWith(expect.stringContaining('passwd'), expect.anything());
      expect(err.code).toBe('WSDL_LOAD');
      expect(err.message).toContain('file:///etc/passwd');
    });

    it('resolves an absolute-path import against the WSDL URL (http), not the disk', async () => {
      const desc = await new SoapService({ outbound }).describe(`${srv.base}/evil/abs.wsdl`);
      expect(desc.services[0]!.ports[0]!.operations.map((o) => o.name)).toContain('GetCustomer');
      expect(srv.hits).toContain('GET /etc/hostname');
      expect(readFile).not.toHaveBeenCalled();
      expect(readFileSync).not.toHaveBeenCalledWith(expect.stringContaining('hostname'), expect.anything());
    });
  });

  it('describes services, ports and operations with input and output shapes', async () => {
    const desc = await new SoapService({ outbound }).describe(wsdlUrl, { timeoutMs: 5000 });
    expect(desc.services).toHaveLength(1);
    const port = desc.services[0]!.ports[0]!;
    expect(desc.services[0]!.name).toBe('CrmService');
    expect(port).toMatchObject({ name: 'CrmPort', address: `${srv.base}/crm`, soapVersion: '1.1' });
    const op = port.operations.find((o) => o.name === 'GetCustomer')!;
    expect(op.documentation).toBe('Looks up a customer by phone number.');
    expect(op.input).toEqual({
      type: 'object',
      fields: [
        { name: 'phone', type: 'xs:string' },
        {
          name: 'filter',
          type: 'object',
          fields: [{ name: 'channels', type: 'xs:string', array: true }],
          attributes: [{ name: 'mode', type: 'xs:string' }],
        },
      ],
    });
    const out = Object.fromEntries(op.output.fields!.map((f) => [f.name, f]));
    expect(out.vip).toEqual({ name: 'vip', type: 'xs:boolean' });
    expect(out.tags).toEqual({ name: 'tags', type: 'xs:string', array: true });
    expect(out.segment).toMatchObject({ type: 'xs:string', enum: ['retail', 'business'] });
    expect(out.address).toMatchObject({
      type: 'object',
      fields: [
        { name: 'street', type: 'xs:string' },
        { name: 'city', type: 'xs:string' },
      ],
    });
    expect(JSON.parse(JSON.stringify(desc))).toEqual(desc);

    const desc12 = await new SoapService({ outbound }).describe(`${srv.base}/crm12.wsdl`);
    expect(desc12.services[0]!.ports[0]!.soapVersion).toBe('1.2');
  });

  describe('a WSDL behind authentication', () => {
    const BASIC = `Basic ${Buffer.from('crm-user:crm-pass').toString('base64')}`;
    const authorize = async (req: { url: URL; headers: Record<string, string> }) => {
      req.headers.authorization = BASIC;
    };
    let other: CrmServer;
    /** Authorization headers the other origin received. */
    const otherSaw: (string | undefined)[] = [];

    beforeAll(async () => {
      other = await startCrmServer();
      other.routes.set('GET /shared/types.xsd', {
        body: (req) => (otherSaw.push(req.headers.authorization), { body: CRM_XSD }),
      });
      const guarded = (body: string) => (req: import('http').IncomingMessage) =>
        req.headers.authorization === BASIC
          ? { body }
          : { status: 401, type: 'text/plain', body: 'authentication required' };
      const sameOriginImport = `<xs:schema><xs:import namespace="urn:crm" schemaLocation="types.xsd"/></xs:schema>`;
      srv.routes.set('GET /private/crm.wsdl', {
        body: guarded(crmWsdl(`${srv.base}/crm`, { types: sameOriginImport })),
      });
      srv.routes.set('GET /private/types.xsd', { body: guarded(CRM_XSD) });
      const typesUrl = `${other.base}/shared/types.xsd`;
      const otherOriginImport = `<xs:schema><xs:import namespace="urn:crm" schemaLocation="${typesUrl}"/></xs:schema>`;
      srv.routes.set('GET /private/split.wsdl', {
        body: guarded(crmWsdl(`${srv.base}/crm`, { types: otherOriginImport })),
      });
    });
    afterAll(() => other?.close());

    it('cannot be loaded without the credentials (the server answers 401)', async () => {
      const e = await failure(new SoapService({ outbound }).describe(`${srv.base}/private/crm.wsdl`));
      expect(e.code).toBe('WSDL_LOAD');
      expect(e.message).toMatch(/HTTP 401/);
    });

    it('is described and called with them, the same-origin import fetched with them too', async () => {
      const soap = new SoapService({ outbound });
      const desc = await soap.describe(`${srv.base}/private/crm.wsdl`, { authorize });
      expect(desc.services.map((x) => x.name)).toEqual(['CrmService']);
      const res = await soap.call(request({ wsdlUrl: `${srv.base}/private/crm.wsdl`, wsdlAuthorize: authorize }));
      expect(res.result).toMatchObject({ name: 'Ada Lovelace' });
      expect(srv.hits).toEqual(expect.arrayContaining(['GET /private/crm.wsdl', 'GET /private/types.xsd']));
    });

    it('is not served from the cache to a caller without the credentials, nor with other ones', async () => {
      const soap = new SoapService({ outbound });
      await soap.describe(`${srv.base}/private/crm.wsdl`, { authorize });
      expect((await failure(soap.describe(`${srv.base}/private/crm.wsdl`))).message).toMatch(/HTTP 401/);
      const wrong = async (req: { url: URL; headers: Record<string, string> }) => {
        req.headers.authorization = 'Basic d3Jvbmc6d3Jvbmc=';
      };
      expect(
        (await failure(soap.call(request({ wsdlUrl: `${srv.base}/private/crm.wsdl`, wsdlAuthorize: wrong })))).message,
      ).toMatch(/HTTP 401/);
    });

    it('sends no credentials to an import on another origin', async () => {
      otherSaw.length = 0;
      const desc = await new SoapService({ outbound }).describe(`${srv.base}/private/split.wsdl`, { authorize });
      expect(desc.services).toHaveLength(1);
      expect(otherSaw).toEqual([undefined]);
    });
  });
});
