import { AttributeElement, Element } from 'soap/lib/wsdl/elements';
import type { SoapAttributeShape, SoapField, SoapShape } from './soap.types';

const MAX_DEPTH = 16;
const MAX_FIELDS = 5000;
// Keys node-soap's describe() adds to type descriptions that are not fields.
const META_KEYS = new Set(['targetNSAlias', 'targetNamespace']);
// Restriction facets node-soap lists next to enumeration values in a simple type description.
const FACETS = new Set([
  'length',
  'minLength',
  'maxLength',
  'pattern',
  'whiteSpace',
  'totalDigits',
  'fractionDigits',
  'minInclusive',
  'maxInclusive',
  'minExclusive',
  'maxExclusive',
  'annotation',
  'documentation',
]);

interface ShapeContext {
  definitions: unknown;
  /** Descriptions on the current path (node-soap reuses one object for a self-referencing type). */
  ancestors: Set<object>;
  fields: number;
}

/**
 * A JSON-friendly shape from a node-soap describe() value: a type string (`xs:string`,
 * `Name|xs:string|A,B`), an object of fields (`name[]` for repeating ones, attributes under
 * AttributeElement.Symbol), or — for RPC parts — a schema element to describe first.
 */
export function toSoapShape(description: unknown, definitions: unknown): SoapShape {
  return shapeOf(description, { definitions, ancestors: new Set(), fields: 0 }, 0);
}

function shapeOf(desc: unknown, ctx: ShapeContext, depth: number): SoapShape {
  if (desc instanceof Element) desc = describeElement(desc, ctx.definitions);
  if (typeof desc === 'string') return simpleShape(desc);
  if (desc === null || desc === undefined) return { type: 'object', fields: [] };
  if (typeof desc !== 'object') return { type: typeof desc };
  if (ctx.ancestors.has(desc)) return { type: 'object', recursive: true };
  if (depth >= MAX_DEPTH || ctx.fields >= MAX_FIELDS) return { type: 'object', truncated: true };

  ctx.ancestors.add(desc);
  const fields: SoapField[] = [];
  for (const [key, value] of Object.entries(desc as Record<string, unknown>)) {
    if (META_KEYS.has(key) || typeof value === 'function') continue;
    if (++ctx.fields > MAX_FIELDS) break;
    const array = key.endsWith('[]');
    const field: SoapField = { name: array ? key.slice(0, -2) : key, ...shapeOf(value, ctx, depth + 1) };
    if (array) field.array = true;
    fields.push(field);
  }
  ctx.ancestors.delete(desc);

  const shape: SoapShape = { type: 'object', fields };
  const attributes = attributesOf(desc as Record<symbol, unknown>);
  if (attributes.length > 0) shape.attributes = attributes;
  return shape;
}

function describeElement(el: Element, definitions: unknown): unknown {
  try {
    return (el as unknown as { description(defs: unknown, xmlns?: unknown): unknown }).description(
      definitions,
      (el as unknown as { schemaXmlns?: unknown }).schemaXmlns,
    );
  } catch {
    return 'object';
  }
}

/** `xs:string` | `base|facets,values` | `Name|base|facets,values` → type and enumeration. */
function simpleShape(desc: string): SoapShape {
  const parts = desc.split('|');
  let type = parts[0] ?? desc;
  let restrictions: string | undefined;
  if (parts.length >= 3) {
    type = parts[1]!;
    restrictions = parts.slice(2).join('|');
  } else if (parts.length === 2) {
    // `Name|xs:base` (named simple type, no facets) or `xs:base|values` (inline restriction)
    if (parts[1]!.includes(':') && !parts[1]!.includes(',')) type = parts[1]!;
    else restrictions = parts[1];
  }
  const shape: SoapShape = { type: type || 'xs:string' };
  const values = (restrictions ?? '').split(',').filter((v) => v !== '' && !FACETS.has(v));
  if (values.length > 0) shape.enum = values;
  return shape;
}

function attributesOf(desc: Record<symbol, unknown>): SoapAttributeShape[] {
  const attrs = desc[AttributeElement.Symbol];
  if (!attrs || typeof attrs !== 'object') return [];
  // `<attribute ref=...>` has no name; node-soap keys it "undefined" (e.g. soapenc:arrayType).
  const named = Object.entries(attrs as Record<string, { type?: unknown; required?: unknown }>).filter(
    ([name]) => name !== 'undefined',
  );
  return named.map(([name, a]) => {
    const out: SoapAttributeShape = { name };
    if (typeof a?.type === 'string') out.type = a.type;
    if (a?.required === true) out.required = true;
    return out;
  });
}
