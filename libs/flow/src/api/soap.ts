/**
 * What `POST /soap/describe` answers (types only): the engine's SOAP service builds it from the
 * WSDL, the editor's SOAP panel reads it.
 */

/** An attribute of an element in a SoapShape. */
export interface SoapAttributeShape {
  name: string;
  /** The xs type (e.g. `xs:string`), when the WSDL gives one. */
  type?: string;
  required?: boolean;
}

/**
 * The shape of an operation's input or output, derived from node-soap's describe():
 * a simple type (`type` = the xs type, e.g. `xs:string`, with `enum` values when restricted),
 * or `type: 'object'` with `fields`.
 */
export interface SoapShape {
  type: string;
  fields?: SoapField[];
  attributes?: SoapAttributeShape[];
  enum?: string[];
  /** The type contains itself here; not expanded again. */
  recursive?: boolean;
  /** Not expanded further (depth or size limit). */
  truncated?: boolean;
}

/** A named element within a SoapShape; `array` when it may repeat (maxOccurs > 1). */
export interface SoapField extends SoapShape {
  name: string;
  array?: boolean;
}

/** One operation of a port, for the editor's parameter forms. */
export interface SoapOperationDescription {
  name: string;
  input: SoapShape;
  output: SoapShape;
  documentation?: string;
}

/** Services → ports → operations of a WSDL. */
export interface SoapDescription {
  services: {
    name: string;
    ports: {
      name: string;
      address?: string;
      soapVersion?: '1.1' | '1.2';
      operations: SoapOperationDescription[];
    }[];
  }[];
}
