import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';

/** Test fixtures: a CRM WSDL and a loopback server running it with node-soap's own server. */

const TYPES = `
      <xs:element name="GetCustomerRequest">
        <xs:complexType><xs:sequence>
          <xs:element name="phone" type="xs:string"/>
          <xs:element name="filter" minOccurs="0">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="channels" type="xs:string" maxOccurs="unbounded"/>
              </xs:sequence>
              <xs:attribute name="mode" type="xs:string"/>
            </xs:complexType>
          </xs:element>
        </xs:sequence></xs:complexType>
      </xs:element>
      <xs:element name="GetCustomerResponse">
        <xs:complexType><xs:sequence>
          <xs:element name="name" type="xs:string"/>
          <xs:element name="vip" type="xs:boolean"/>
          <xs:element name="visits" type="xs:int"/>
          <xs:element name="tier" type="tns:Tier"/>
          <xs:element name="segment" type="tns:Segment"/>
          <xs:element name="address" type="tns:Address"/>
          <xs:element name="tags" type="xs:string" maxOccurs="unbounded"/>
          <xs:element name="echo" type="xs:string" minOccurs="0"/>
        </xs:sequence></xs:complexType>
      </xs:element>
      <xs:complexType name="Tier">
        <xs:simpleContent>
          <xs:extension base="xs:string"><xs:attribute name="level" type="xs:int"/></xs:extension>
        </xs:simpleContent>
      </xs:complexType>
      <xs:simpleType name="Segment">
        <xs:restriction base="xs:string">
          <xs:enumeration value="retail"/><xs:enumeration value="business"/>
        </xs:restriction>
      </xs:simpleType>
      <xs:complexType name="Address">
        <xs:sequence>
          <xs:element name="street" type="xs:string"/><xs:element name="city" type="xs:string"/>
        </xs:sequence>
      </xs:complexType>
      <xs:element name="HangRequest"><xs:complexType><xs:sequence>
        <xs:element name="id" type="xs:string"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="HangResponse"><xs:complexType><xs:sequence>
        <xs:element name="id" type="xs:string"/>
      </xs:sequence></xs:complexType></xs:element>`;

/** The CRM schema as a standalone .xsd (for import tests). */
export const CRM_XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:crm" targetNamespace="urn:crm" elementFormDefault="qualified">${TYPES}
</xs:schema>`;

/**
 * The CRM WSDL. `types` replaces the inline schema (e.g. with an xs:import); `soap12` switches the
 * binding and address to SOAP 1.2.
 */
export function crmWsdl(address: string, opts: { types?: string; soap12?: boolean } = {}): string {
  const soapNs = opts.soap12 ? 'http://schemas.xmlsoap.org/wsdl/soap12/' : 'http://schemas.xmlsoap.org/wsdl/soap/';
  const types =
    opts.types ??
    `<xs:schema targetNamespace="urn:crm" elementFormDefault="qualified">${TYPES}
    </xs:schema>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions name="Crm" targetNamespace="urn:crm" xmlns="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="${soapNs}" xmlns:tns="urn:crm" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <types>
    ${types}
  </types>
  <message name="GetCustomerInput"><part name="body" element="tns:GetCustomerRequest"/></message>
  <message name="GetCustomerOutput"><part name="body" element="tns:GetCustomerResponse"/></message>
  <message name="HangInput"><part name="body" element="tns:HangRequest"/></message>
  <message name="HangOutput"><part name="body" element="tns:HangResponse"/></message>
  <portType name="CrmPortType">
    <operation name="GetCustomer">
      <documentation>Looks up a customer by phone number.</documentation>
      <input message="tns:GetCustomerInput"/><output message="tns:GetCustomerOutput"/>
    </operation>
    <operation name="Hang"><input message="tns:HangInput"/><output message="tns:HangOutput"/></operation>
  </portType>
  <binding name="CrmBinding" type="tns:CrmPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="GetCustomer"><soap:operation soapAction="urn:crm/GetCustomer"/>
      <input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation>
    <operation name="Hang"><soap:operation soapAction="urn:crm/Hang"/>
      <input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation>
  </binding>
  <service name="CrmService">
    <port name="CrmPort" binding="tns:CrmBinding"><soap:address location="${address}"/></port>
  </service>
</definitions>`;
}

/** A static answer of the loopback server. */
export interface Route {
  status?: number;
  type?: string;
  /** A function sees the request (headers) and answers per call. */
  body: string | ((req: http.IncomingMessage) => { status?: number; type?: string; body: string });
}

/** The loopback server: node-soap's server at /crm, static routes elsewhere, every request recorded. */
export interface CrmServer {
  base: string;
  /** `METHOD /path` of every request received. */
  hits: string[];
  /** Arguments and SOAP headers GetCustomer received. */
  calls: { args: any; headers: any }[];
  routes: Map<string, Route>;
  close(): Promise<void>;
}

export async function startCrmServer(): Promise<CrmServer> {
  const routes = new Map<string, Route>();
  const hits: string[] = [];
  const calls: { args: any; headers: any }[] = [];
  const server = http.createServer((req, res) => {
    const route = routes.get(`${req.method} ${req.url}`);
    if (!route) {
      res.writeHead(404).end('not found');
      return;
    }
    req.resume();
    req.on('end', () => {
      const answer = typeof route.body === 'function' ? route.body(req) : { ...route, body: route.body };
      res.writeHead(answer.status ?? 200, { 'content-type': answer.type ?? 'text/xml; charset=utf-8' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const services = {
    CrmService: {
      CrmPort: {
        GetCustomer(args: any, _cb: unknown, headers: any) {
          calls.push({ args, headers });
          if (args.phone === 'unknown') {
            throw {
              Fault: { faultcode: 'soap:Client', faultstring: 'Unknown customer', detail: { reason: 'no such phone' } },
            };
          }
          return {
            name: 'Ada Lovelace',
            vip: true,
            visits: 42,
            tier: { attributes: { level: 2 }, $value: 'gold' },
            segment: 'business',
            address: { street: '1 Loop Rd', city: 'Localhost' },
            tags: ['priority', 'callback'],
            echo: JSON.stringify({ phone: args.phone, filter: args.filter ?? null, headers: headers ?? null }),
          };
        },
        Hang() {
          return new Promise(() => undefined);
        },
      },
    },
  };
  await new Promise<void>((resolve, reject) => {
    soap.listen(server, {
      path: '/crm',
      services,
      xml: crmWsdl(`${base}/crm`),
      callback: (err: unknown, listener: soap.Server) => {
        if (err) return reject(err);
        listener.addSoapHeader({ ServerTime: '2024-01-01T00:00:00Z' });
        resolve();
      },
    } as never);
  });
  // After node-soap has wrapped the request listeners: record everything that arrives.
  server.prependListener('request', (req: http.IncomingMessage) => hits.push(`${req.method} ${req.url}`));

  return {
    base,
    hits,
    calls,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A SOAP 1.2 fault envelope. */
export const SOAP12_FAULT = `<?xml version="1.0"?>
<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope">
  <env:Body><env:Fault>
    <env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>crm:BadPhone</env:Value></env:Subcode></env:Code>
    <env:Reason><env:Text xml:lang="en">Phone number is malformed</env:Text></env:Reason>
    <env:Detail><field>phone</field></env:Detail>
  </env:Fault></env:Body>
</env:Envelope>`;
