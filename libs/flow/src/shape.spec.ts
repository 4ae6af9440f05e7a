import type { SoapShape } from './api/soap';
import { mergeShapes, missingPath, pathSegment, pathsOf, shapeOf, soapValueShape } from './shape';
import { analyzeTemplate } from './template/analyze';

const paths = (value: unknown) => pathsOf(shapeOf(value)).map((p) => p.segments.join('.'));

describe('shapeOf and pathsOf', () => {
  const crm = {
    customer: { name: 'Jeanne', tier: 'gold', visits: 3 },
    items: [{ id: 1 }, { id: 2, sku: 'A' }],
    ok: true,
  };

  it('lists nested paths to any depth, shallow first, list items as [0]', () => {
    expect(paths(crm)).toEqual([
      'customer',
      'items',
      'ok',
      'customer.name',
      'customer.tier',
      'customer.visits',
      'items.[0]',
      'items.[0].id',
      'items.[0].sku',
    ]);
    const deep = paths({ a: { b: { c: { d: { e: { f: 'deep' } } } } } });
    expect(deep.at(-1)).toBe('a.b.c.d.e.f');
  });

  it('gives each path its type and a preview of the value', () => {
    const byPath = new Map(pathsOf(shapeOf(crm)).map((p) => [p.segments.join('.'), p]));
    expect(byPath.get('customer.name')).toMatchObject({ type: 'string', example: '"Jeanne"' });
    expect(byPath.get('customer.visits')).toMatchObject({ type: 'number', example: '3' });
    expect(byPath.get('items')).toMatchObject({ type: 'list of object', example: '2 items' });
    expect(byPath.get('customer')).toMatchObject({ type: 'object' });
    const long = pathsOf(shapeOf({ note: 'x'.repeat(100) }))[0]!;
    expect(long.example!.length).toBeLessThanOrEqual(40);
  });

  it('writes keys Handlebars cannot read as names as [key]; the analysis reads them back as the key', () => {
    expect(pathSegment('content-type')).toBe('content-type');
    expect(pathSegment('first name')).toBe('[first name]');
    expect(pathSegment('a.b')).toBe('[a.b]');
    expect(pathSegment('true')).toBe('[true]');
    expect(pathSegment('x]y')).toBeUndefined();
    const sample = { 'first name': 'J', 'a.b': 1, true: 2, list: [{ 'x y': 3 }], 'content-type': 'json', 'x]y': 0 };
    for (const p of pathsOf(shapeOf(sample))) {
      const analysis = analyzeTemplate(`{{nodes.crm.body.${p.segments.join('.')}}}`);
      expect(analysis.ok).toBe(true);
      if (!analysis.ok) continue;
      const read = analysis.references[0]!.path.slice(2);
      expect(read).toEqual(p.segments.map((s) => (s === '[0]' ? '0' : s.replace(/^\[(.*)\]$/, '$1'))));
    }
    expect(paths(sample)).not.toContain('x]y');
  });

  it('keeps __proto__ and constructor keys as data', () => {
    const shape = shapeOf(JSON.parse('{"__proto__": {"x": 1}, "constructor": "c"}'));
    expect([...shape.fields!.keys()]).toEqual(['__proto__', 'constructor']);
    expect(missingPath(shape, ['__proto__', 'x'])).toBeUndefined();
    expect(missingPath(shape, ['toString'])).toMatchObject({ key: 'toString' });
  });

  it('bounds its work: deep nesting, wide objects and long lists are cut off, not walked', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    expect(() => shapeOf(deep)).not.toThrow();
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    const w = shapeOf(wide);
    expect(w.fields!.size).toBe(200);
    expect(w.open).toBe(true);
    expect(missingPath(w, ['k4000'])).toBeUndefined();
    expect(pathsOf(shapeOf({ list: Array.from({ length: 100_000 }, (_, i) => ({ i })) })).length).toBe(3);
    expect(pathsOf(shapeOf(wide), { max: 50 })).toHaveLength(50);
  });
});

describe('mergeShapes', () => {
  it('unites keys; null gives way to a value; conflicting scalars become any', () => {
    const m = mergeShapes(shapeOf({ a: 1, n: null, s: 'x' }), shapeOf({ b: 2, n: { deep: true }, s: 3 }));
    expect([...m.fields!.keys()]).toEqual(['a', 'n', 's', 'b']);
    expect(m.fields!.get('n')!.kind).toBe('object');
    expect(m.fields!.get('s')!.kind).toBe('any');
    expect(missingPath(m, ['s', 'anything'])).toBeUndefined();
  });

  it('an object met as text stays an object whose other keys are not judged', () => {
    const m = mergeShapes(shapeOf({ tier: 'gold' }), shapeOf({ tier: { $value: 'gold', attributes: { level: 2 } } }));
    expect(m.fields!.get('tier')).toMatchObject({ kind: 'object', open: true });
  });
});

describe('missingPath', () => {
  const shape = shapeOf({ customer: { name: 'J' }, items: [{ id: 1 }], empty: [], text: 'abc', n: null });

  it('finds the first segment the sample lacks, with the keys it has there', () => {
    expect(missingPath(shape, ['custmer'])).toEqual({
      at: [],
      key: 'custmer',
      kind: 'object',
      keys: ['customer', 'items', 'empty', 'text', 'n'],
    });
    expect(missingPath(shape, ['customer', 'nme'])).toMatchObject({ at: ['customer'], key: 'nme' });
  });

  it('lets through what is there, list indexes and length, and whatever a null or empty list may hold', () => {
    for (const ok of [
      ['customer', 'name'],
      ['items', '0', 'id'],
      ['items', '3', 'id'],
      ['items', 'length'],
      ['text', 'length'],
      ['n', 'anything'],
      ['empty', '0', 'x'],
    ])
      expect(missingPath(shape, ok)).toBeUndefined();
  });

  it('says when a list is read like an object and a text like one', () => {
    expect(missingPath(shape, ['items', 'id'])).toMatchObject({ kind: 'array', key: 'id', at: ['items'] });
    expect(missingPath(shape, ['text', 'x'])).toMatchObject({ kind: 'string', key: 'x' });
    expect(missingPath(shape, ['items', '0', 'nope'])).toMatchObject({ at: ['items', '0'], key: 'nope' });
  });
});

describe('soapValueShape', () => {
  const output: SoapShape = {
    type: 'object',
    fields: [
      { name: 'AddResult', type: 'xs:int' },
      { name: 'vip', type: 'xs:boolean' },
      { name: 'tags', type: 'xs:string', array: true },
      { name: 'address', type: 'object', fields: [{ name: 'city', type: 'xs:string' }] },
      { name: 'tier', type: 'xs:string', attributes: [{ name: 'level', type: 'xs:int' }] },
      { name: 'self', type: 'object', recursive: true },
    ],
  };

  it('maps elements to fields, repeating ones to lists, xs types to kinds with the type as preview', () => {
    const s = soapValueShape(output);
    const byPath = new Map(pathsOf(s).map((p) => [p.segments.join('.'), p]));
    expect(byPath.get('AddResult')).toMatchObject({ type: 'number', example: 'xs:int' });
    expect(byPath.get('vip')).toMatchObject({ type: 'boolean' });
    expect(byPath.get('tags')).toMatchObject({ type: 'list of string' });
    expect(byPath.get('address.city')).toMatchObject({ type: 'string' });
    expect(byPath.get('tier.attributes.level')).toBeDefined();
    expect(missingPath(s, ['AddReslt'])).toMatchObject({ key: 'AddReslt' });
    expect(missingPath(s, ['self', 'anything'])).toBeUndefined();
    expect(missingPath(s, ['tier', 'anything'])).toBeUndefined();
  });
});
