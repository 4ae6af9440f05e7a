import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
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
      c.that(/^application\/json\b/.test(String(req.headers['content-type'])), `content-type must be application/json, got ${req.headers['content-type']}`);
      c.equal(req.headers['x-integration'], 'ICTBroadcast', 'X-Integration header');
      const body = parseJson(req.body, c, 'body');
      if (body) {
        c.equal(body.event, 'call_status', 'event');
        for (const k of ['id', 'callerId', 'calledNumber', 'direction', 'disposition', 'startedAt', 'endedAt', 'recordingUrl']) c.that(typeof body.call?.[k] === 'string' && body.call[k] !== '', `call.${k} missing`);
        c.that(typeof body.call?.durationSec === 'number', 'call.durationSec must be a number');
        for (const k of ['id', 'phone', 'firstName', 'lastName']) c.that(typeof body.contact?.[k] === 'string' && body.contact[k] !== '', `contact.${k} missing`);
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
    <operation name="GetCustomerInfo"><input message="tns:GetCustomerInfoInput"/><output message="tns:GetCustomerInfoOutput"/></operation>
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

/** node-soap's own server on 127.0.0.1 serving the WSDL at /lookup?wsdl; records every call. */
export class IctSoapFake {
  /** Parsed arguments GetCustomerInfo received (node-soap parsed the envelope against the WSDL). */
  readonly calls: { callerId: string; digits?: string; callId: string }[] = [];
  /** `METHOD url soapaction content-type` of every HTTP request. */
  readonly hits: { method: string; url: string; soapAction?: string; contentType?: string }[] = [];
  private server!: http.Server;
  base!: string;

  get wsdlUrl(): string {
    return `${this.base}/lookup?wsdl`;
  }

  static async start(): Promise<IctSoapFake> {
    const f = new IctSoapFake();
    f.server = http.createServer((_req, res) => res.writeHead(404).end('not found'));
    await new Promise<void>((resolve) => f.server.listen(0, '127.0.0.1', resolve));
    f.base = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
    const services = {
      CustomerLookupService: {
        CustomerLookupPort: {
          GetCustomerInfo(args: { callerId: string; digits?: string; callId: string }) {
            f.calls.push({ ...args });
            const customer = CUSTOMERS[args.callerId];
            if (!customer) throw { Fault: { faultcode: 'soap:Client', faultstring: 'Unknown caller' } };
            return { ...customer };
          },
        },
      },
    };
    await new Promise<void>((resolve, reject) => {
      soap.listen(f.server, {
        path: '/lookup',
        services,
        xml: lookupWsdl(`${f.base}/lookup`),
        callback: (err: unknown) => (err ? reject(err) : resolve()),
      } as never);
    });
    // After node-soap has wrapped the request listeners: record everything that arrives.
    f.server.prependListener('request', (req: http.IncomingMessage) => {
      f.hits.push({ method: req.method!, url: req.url!, soapAction: req.headers.soapaction as string | undefined, contentType: req.headers['content-type'] });
    });
    return f;
  }

  close(): Promise<void> {
    this.server.closeAllConnections?.();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
