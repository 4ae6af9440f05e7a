import type { AST } from '@callflow/flow';
import { ownProp } from './helpers';
import type { Expr } from './render-frame';

// Path and literal helpers of the template compiler.

export function walkSegments(base: Expr, segments: readonly string[]): Expr {
  switch (segments.length) {
    case 0:
      return base;
    case 1: {
      const [a] = segments as [string];
      return (f) => ownProp(base(f), a);
    }
    default:
      return (f) => {
        let v = base(f);
        for (let i = 0; i < segments.length && v !== undefined; i++) v = ownProp(v, segments[i] as string);
        return v;
      };
  }
}

export function isScoped(p: AST.PathExpression): boolean {
  return (p as { this?: boolean }).this === true || /^(this([./]|$)|\.\.?\/)/.test(p.original);
}

/** The name when `p` is a plain identifier (could name a helper): `foo`, not `a.b`, `this.foo`, `../foo`, `@foo`. */
export function simpleName(p: AST.Node): string | undefined {
  if (p.type !== 'PathExpression') return undefined;
  const path = p as AST.PathExpression;
  if (path.data || path.depth > 0 || path.parts.length !== 1 || isScoped(path)) return undefined;
  return typeof path.parts[0] === 'string' ? path.parts[0] : undefined;
}

export function literalValue(node: AST.Node): { value: unknown } | undefined {
  switch (node.type) {
    case 'StringLiteral':
    case 'NumberLiteral':
    case 'BooleanLiteral':
      return { value: (node as AST.StringLiteral).value };
    case 'NullLiteral':
      return { value: null };
    case 'UndefinedLiteral':
      return { value: undefined };
    default:
      return undefined;
  }
}

/** A literal in path position (`{{"my field"}}`) names a property, as in Handlebars. */
export function literalAsPath(node: AST.Node, value: unknown): AST.PathExpression {
  const name = String(value);
  return {
    type: 'PathExpression',
    loc: node.loc,
    data: false,
    depth: 0,
    parts: [name],
    head: name,
    tail: [],
    original: name,
  };
}
