/**
 * A WSDL whose input puts order to the test: an inline sequence whose names jsonb would re-sort,
 * a named type extending a base type, an optional nested type, a repeating element with a required
 * attribute, a choice, an element reference, xs:all, and typed leaves (int, boolean, date,
 * enumeration). `soap12` switches the binding to SOAP 1.2.
 */
export const ORDER_NS = 'urn:strict:orders';

export function orderWsdl(address: string, opts: { soap12?: boolean } = {}): string {
  const soapNs = opts.soap12 ? 'http://schemas.xmlsoap.org/wsdl/soap12/' : 'http://schemas.xmlsoap.org/wsdl/soap/';
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions name="Orders" targetNamespace="${ORDER_NS}" xmlns="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="${soapNs}" xmlns:tns="${ORDER_NS}" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <types>
    <xs:schema targetNamespace="${ORDER_NS}" elementFormDefault="qualified">
      <xs:element name="PlaceOrder">
        <xs:complexType><xs:sequence>
          <xs:element name="orderNumber" type="xs:int"/>
          <xs:element name="customer" type="tns:PremiumCustomer"/>
          <xs:element name="lines" type="tns:Line" maxOccurs="unbounded"/>
          <xs:choice>
            <xs:element name="express" type="xs:boolean"/>
            <xs:element name="deliverOn" type="xs:date"/>
          </xs:choice>
          <xs:element ref="tns:note" minOccurs="0"/>
          <xs:element name="channel" type="tns:Channel"/>
          <xs:element name="meta" minOccurs="0">
            <xs:complexType><xs:all>
              <xs:element name="source" type="xs:string"/>
              <xs:element name="campaignId" type="xs:string" minOccurs="0"/>
            </xs:all></xs:complexType>
          </xs:element>
        </xs:sequence></xs:complexType>
      </xs:element>
      <xs:element name="note" type="xs:string"/>
      <xs:element name="AgentHeader">
        <xs:complexType><xs:sequence>
          <xs:element name="agentName" type="xs:string"/>
          <xs:element name="apiKey" type="xs:string"/>
        </xs:sequence></xs:complexType>
      </xs:element>
      <xs:complexType name="Customer">
        <xs:sequence>
          <xs:element name="id" type="xs:int"/>
          <xs:element name="name" type="xs:string"/>
          <xs:element name="address" type="tns:Address" minOccurs="0"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="PremiumCustomer">
        <xs:complexContent><xs:extension base="tns:Customer"><xs:sequence>
          <xs:element name="tier" type="xs:string"/>
          <xs:element name="accountManager" type="xs:string" minOccurs="0"/>
        </xs:sequence></xs:extension></xs:complexContent>
      </xs:complexType>
      <xs:complexType name="Address">
        <xs:sequence>
          <xs:element name="street" type="xs:string"/>
          <xs:element name="city" type="xs:string"/>
          <xs:element name="zip" type="xs:string" minOccurs="0"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="Line">
        <xs:sequence>
          <xs:element name="sku" type="xs:string"/>
          <xs:element name="quantity" type="xs:int"/>
          <xs:element name="giftWrap" type="xs:boolean" minOccurs="0"/>
        </xs:sequence>
        <xs:attribute name="lineNo" type="xs:int" use="required"/>
        <xs:attribute name="currency" type="xs:string"/>
      </xs:complexType>
      <xs:simpleType name="Channel">
        <xs:restriction base="xs:string"><xs:enumeration value="ivr"/><xs:enumeration value="web"/></xs:restriction>
      </xs:simpleType>
      <xs:element name="PlaceOrderResponse">
        <xs:complexType><xs:sequence>
          <xs:element name="accepted" type="xs:boolean"/>
          <xs:element name="reference" type="xs:string"/>
          <xs:element name="total" type="xs:decimal"/>
        </xs:sequence></xs:complexType>
      </xs:element>
    </xs:schema>
  </types>
  <message name="PlaceOrderInput"><part name="body" element="tns:PlaceOrder"/></message>
  <message name="PlaceOrderOutput"><part name="body" element="tns:PlaceOrderResponse"/></message>
  <portType name="OrdersPortType">
    <operation name="PlaceOrder">
      <input message="tns:PlaceOrderInput"/><output message="tns:PlaceOrderOutput"/>
    </operation>
  </portType>
  <binding name="OrdersBinding" type="tns:OrdersPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="PlaceOrder"><soap:operation soapAction="${ORDER_NS}/PlaceOrder"/>
      <input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation>
  </binding>
  <service name="OrdersService">
    <port name="OrdersPort" binding="tns:OrdersBinding"><soap:address location="${address}"/></port>
  </service>
</definitions>`;
}

/** A valid PlaceOrder argument object, keys in schema order. */
export function placeOrderArgs(): Record<string, unknown> {
  return {
    orderNumber: 1042,
    customer: {
      id: 7,
      name: 'Ada',
      address: { street: '1 Loop Rd', city: 'Localhost', zip: '00100' },
      tier: 'gold',
      accountManager: 'Bob',
    },
    lines: [
      { attributes: { lineNo: 1, currency: 'EUR' }, sku: 'A-1', quantity: 2, giftWrap: true },
      { attributes: { lineNo: 2 }, sku: 'B-2', quantity: 1 },
    ],
    express: true,
    note: 'leave at the door',
    channel: 'ivr',
    meta: { source: 'ivr', campaignId: 'cmp-9' },
  };
}

/**
 * A value with its object keys in PostgreSQL jsonb's order (shorter keys first, then bytewise),
 * as a definition comes back from the database.
 */
export function jsonbOrder<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => jsonbOrder(v)) as T;
  if (!value || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort(
    (a, b) => Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)),
  );
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = jsonbOrder((value as Record<string, unknown>)[k]);
  return out as T;
}

/** An RPC/literal WSDL: parts in message order, the second one a complex type whose sequence jsonb would re-sort. */
export function rpcWsdl(address: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions name="Dial" targetNamespace="urn:strict:dial" xmlns="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:tns="urn:strict:dial" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <types>
    <xs:schema targetNamespace="urn:strict:dial">
      <xs:complexType name="Target">
        <xs:sequence>
          <xs:element name="number" type="xs:string"/>
          <xs:element name="ext" type="xs:string" minOccurs="0"/>
          <xs:element name="priority" type="xs:int"/>
        </xs:sequence>
      </xs:complexType>
    </xs:schema>
  </types>
  <message name="DialInput">
    <part name="campaignId" type="xs:string"/>
    <part name="target" type="tns:Target"/>
    <part name="at" type="xs:dateTime"/>
  </message>
  <message name="DialOutput"><part name="queued" type="xs:boolean"/></message>
  <portType name="DialPortType">
    <operation name="Dial"><input message="tns:DialInput"/><output message="tns:DialOutput"/></operation>
  </portType>
  <binding name="DialBinding" type="tns:DialPortType">
    <soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="Dial"><soap:operation soapAction="urn:strict:dial#Dial"/>
      <input><soap:body use="literal" namespace="urn:strict:dial"/></input>
      <output><soap:body use="literal" namespace="urn:strict:dial"/></output></operation>
  </binding>
  <service name="DialService">
    <port name="DialPort" binding="tns:DialBinding"><soap:address location="${address}"/></port>
  </service>
</definitions>`;
}
