import { StrictSoapServer, type StrictExchange } from '../../../../libs/engine/test/strict-soap/strict-soap-server';
import { ContractFake, LoopbackServer, parseJson, queryOf } from './contract';

/**
 * The remote application of an ICTBroadcast "push call status" integration: POST /call-status
 * with JSON built from call and contact tokens, Basic auth, the raw ICTBroadcast-style headers.
 */
export class IctRemoteFake extends ContractFake {
  static async start(auth: { username: string; password: string }): Promise<IctRemoteFake> {
    const f = new IctRemoteFake(await LoopbackServer.start());
    const basic = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    f.route('POST /call-status', (req, c) => {
      c.equal(req.headers.authorization, basic, 'authorization');
      c.that(
        /^application\/json\b/.test(String(req.headers['content-type'])),
        `content-type must be application/json, got ${req.headers['content-type']}`,
      );
      c.equal(req.headers['x-integration'], 'ICTBroadcast', 'X-Integration header');
      const body = parseJson(req.body, c, 'body');
      if (body) {
        c.equal(body.event, 'call_status', 'event');
        for (const k of [
          'id',
          'callerId',
          'calledNumber',
          'direction',
          'disposition',
          'startedAt',
          'endedAt',
          'recordingUrl',
        ])
          c.that(typeof body.call?.[k] === 'string' && body.call[k] !== '', `call.${k} missing`);
        c.that(typeof body.call?.durationSec === 'number', 'call.durationSec must be a number');
        for (const k of ['id', 'phone', 'firstName', 'lastName'])
          c.that(typeof body.contact?.[k] === 'string' && body.contact[k] !== '', `contact.${k} missing`);
        c.equal(req.headers['x-call-id'], body.call?.id, 'X-Call-Id header');
        c.equal(queryOf(req).call_id, body.call?.id, 'call_id query parameter');
      }
      return { body, answer: { received: true } };
    });
    return f;
  }
}

const NS = 'urn:ictbroadcast:lookup';

/** A small WSDL: CustomerLookupService / GetCustomerInfo(callerId, digits, callId) → {name, vip, queue}. */
export function lookupWsdl(address: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions name="CustomerLookup" targetNamespace="${NS}" xmlns="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:tns="${NS}" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <types>
    <xs:schema targetNamespace="${NS}" elementFormDefault="qualified">
      <xs:element name="GetCustomerInfoRequest"><xs:complexType><xs:sequence>
        <xs:element name="callerId" type="xs:string"/>
        <xs:element name="digits" type="xs:string" minOccurs="0"/>
        <xs:element name="callId" type="xs:string"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="GetCustomerInfoResponse"><xs:complexType><xs:sequence>
        <xs:element name="name" type="xs:string"/>
        <xs:element name="vip" type="xs:boolean"/>
        <xs:element name="queue" type="xs:string"/>
      </xs:sequence></xs:complexType></xs:element>
    </xs:schema>
  </types>
  <message name="GetCustomerInfoInput"><part name="body" element="tns:GetCustomerInfoRequest"/></message>
  <message name="GetCustomerInfoOutput"><part name="body" element="tns:GetCustomerInfoResponse"/></message>
  <portType name="CustomerLookupPortType">
    <operation name="GetCustomerInfo">
      <input message="tns:GetCustomerInfoInput"/><output message="tns:GetCustomerInfoOutput"/>
    </operation>
  </portType>
  <binding name="CustomerLookupBinding" type="tns:CustomerLookupPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="GetCustomerInfo"><soap:operation soapAction="${NS}/GetCustomerInfo"/>
      <input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation>
  </binding>
  <service name="CustomerLookupService">
    <port name="CustomerLookupPort" binding="tns:CustomerLookupBinding"><soap:address location="${address}"/></port>
  </service>
</definitions>`;
}

/** The customers the SOAP fake knows, by caller id (E.164). */
export const CUSTOMERS: Record<string, { name: string; vip: boolean; queue: string }> = {
  '+390612345678': { name: 'Ada Lovelace & Co', vip: true, queue: 'vip' },
  '+390698765432': { name: 'Bob', vip: false, queue: 'support' },
};

/**
 * The SOAP service of an ICTBroadcast IVR integration, as strict as a schema-validating stack: the
 * shared StrictSoapServer (libs/engine/test/strict-soap) serves the WSDL at /lookup?wsdl and refuses
 * (SOAP Fault, HTTP 500) any envelope that breaks the WSDL: element order of the sequence, required
 * elements, content type, SOAPAction. Every exchange is kept as received.
 */
export class IctSoapFake {
  /** Arguments GetCustomerInfo accepted (envelopes that passed the strict check). */
  readonly calls: Record<string, unknown>[] = [];
  private constructor(readonly server: StrictSoapServer) {}

  get base(): string {
    return this.server.base;
  }

  get wsdlUrl(): string {
    return this.server.wsdlUrl;
  }

  /** Every HTTP exchange, as received. */
  get exchanges(): StrictExchange[] {
    return this.server.exchanges;
  }

  /** Envelopes the strict check refused. */
  get violations(): string[] {
    return this.server.violations;
  }

  static async start(): Promise<IctSoapFake> {
    // The handlers need the fake, which needs the server they are given to.
    const box: { fake?: IctSoapFake } = {};
    const server = await StrictSoapServer.start({
      documents: (base) => ({ '/lookup?wsdl': lookupWsdl(`${base}/lookup`) }),
      wsdl: '/lookup?wsdl',
      handlers: {
        GetCustomerInfo: (req) => {
          box.fake!.calls.push(req.args);
          const customer = CUSTOMERS[String(req.args.callerId)];
          if (!customer) return { fault: { string: 'Unknown caller' } };
          return { result: { name: customer.name, vip: customer.vip, queue: customer.queue } };
        },
      },
    });
    box.fake = new IctSoapFake(server);
    return box.fake;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
