import { TEMPLATE_BLOCK_HELPERS, type AST, type TemplateContext } from '@callflow/flow';
import { chargeArgs, meter, overBudget, printable, TEMPLATE_LIMITS, xmlCharged } from './budget';
import { Escaped, escapeFor, isTruthy, toText } from './escape';
import { getHelper, type Helper, type HelperHash } from './helpers';
import { readSecret } from './secret-value';
import { isScoped, literalAsPath, literalValue, simpleName, walkSegments } from './ast-paths';
import {
  append,
  fail,
  helperFailure,
  urlToken,
  type DataFrame,
  type Depth,
  type Expr,
  type Frame,
  type Located,
  type Stmt,
} from './render-frame';

const EMPTY_HASH: HelperHash = Object.freeze(Object.create(null) as Record<string, unknown>);
const NOOP: Stmt = () => {};
const DATA_VARS = new Set(['root', 'index', 'key', 'first', 'last']);
const BLOCK_HELPERS: ReadonlySet<string> = new Set(TEMPLATE_BLOCK_HELPERS);
// A local reference: the hot paths below decrement it inline (no call through the module binding).
const work = meter;

/** Compiles a Handlebars AST into a tree of closures for one escaping context. */
export class TemplateCompiler {
  /** Block param names of enclosing programs that declare some, innermost last. */
  private readonly blockParams: string[][] = [];
  /** Statements compiled so far: an `#each` block's share is what each of its iterations costs. */
  private statements = 0;
  /** Enclosing blocks that change `this` (#each, #with): at 0, a plain path reads the run's scope. */
  private contextDepth = 0;

  constructor(private readonly context: TemplateContext) {}

  program(p: AST.Program | undefined): Stmt {
    if (!p) return NOOP;
    const declares = (p.blockParams?.length ?? 0) > 0;
    if (declares) this.blockParams.push(p.blockParams);
    try {
      const parts: Stmt[] = [];
      let text = '';
      for (const stmt of p.body) {
        if (stmt.type === 'ContentStatement') {
          text += (stmt as AST.ContentStatement).value;
          continue;
        }
        if (stmt.type === 'CommentStatement') continue;
        if (text) parts.push(this.content(text));
        text = '';
        parts.push(this.statement(stmt));
      }
      if (text) parts.push(this.content(text));
      if (parts.length === 0) return NOOP;
      if (parts.length === 1) return parts[0] as Stmt;
      return (f, o) => {
        for (let i = 0; i < parts.length; i++) (parts[i] as Stmt)(f, o);
      };
    } finally {
      if (declares) this.blockParams.pop();
    }
  }

  /** The value of a lone `{{expression}}` statement. */
  mustacheValue(m: AST.MustacheStatement): Expr {
    if (m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0) return this.helperCall(m);
    if (m.path.type === 'SubExpression') return this.expression(m.path);
    const lit = literalValue(m.path);
    const path = lit ? literalAsPath(m.path, lit.value) : (m.path as AST.PathExpression);
    const name = simpleName(path);
    if (name === undefined || this.findBlockParam(name)) return this.path(path);
    const helper = getHelper(name);
    if (!helper) return this.path(path);
    // A bare `{{length}}`: the context's own data wins, else the helper with no arguments.
    const call = this.invoke(name, helper, [], [], [], m);
    return (f) => {
      const c = f.ctx.value;
      if (c !== null && c !== undefined && Object.prototype.hasOwnProperty.call(c, name))
        return (c as Record<string, unknown>)[name];
      return call(f);
    };
  }

  private content(text: string): Stmt {
    return (_f, o) => append(o, text);
  }

  private statement(stmt: AST.Statement): Stmt {
    this.statements++;
    switch (stmt.type) {
      case 'MustacheStatement': {
        const m = stmt as AST.MustacheStatement;
        const value = this.mustacheValue(m);
        const context = this.context;
        if (!m.escaped) return (f, o) => append(o, toText(printable(value(f))));
        if (context === 'url') return (f, o) => append(o, urlToken(escapeFor(printable(value(f)), context), o));
        if (context === 'xml') return (f, o) => append(o, escapeFor(xmlCharged(printable(value(f))), context));
        return (f, o) => append(o, escapeFor(printable(value(f)), context));
      }
      case 'BlockStatement':
        return this.block(stmt as AST.BlockStatement);
      default:
        return fail(stmt, `unsupported template construct (${stmt.type})`);
    }
  }

  private expression(node: AST.Expression): Expr {
    const lit = literalValue(node);
    if (lit) {
      const v = lit.value;
      return () => v;
    }
    if (node.type === 'SubExpression') return this.helperCall(node as AST.SubExpression);
    if (node.type === 'PathExpression') return this.path(node as AST.PathExpression);
    return fail(node, `unsupported expression (${node.type})`);
  }

  private helperCall(node: {
    path: AST.Node;
    params: AST.Expression[];
    hash?: AST.Hash;
    loc?: AST.SourceLocation;
  }): Expr {
    const lit = literalValue(node.path);
    const name = lit ? String(lit.value) : simpleName(node.path);
    if (name === undefined) {
      const original = (node.path as AST.PathExpression).original ?? node.path.type;
      return fail(node, `"${original}" is not a helper (only helpers take arguments)`);
    }
    const helper = getHelper(name);
    if (!helper) {
      if (BLOCK_HELPERS.has(name)) fail(node, `"${name}" is a block helper: use {{#${name} …}}…{{/${name}}}`);
      fail(node, `unknown helper "${name}"`);
    }
    const pairs = node.hash?.pairs ?? [];
    return this.invoke(
      name,
      helper,
      node.params.map((p) => this.expression(p)),
      pairs.map((p) => p.key),
      pairs.map((p) => this.expression(p.value)),
      node,
    );
  }

  private invoke(name: string, helper: Helper, params: Expr[], keys: string[], values: Expr[], node: Located): Expr {
    const n = params.length;
    return (f) => {
      const args = new Array<unknown>(n);
      for (let i = 0; i < n; i++) args[i] = (params[i] as Expr)(f);
      let hash = EMPTY_HASH;
      let hashValues: unknown[] | undefined;
      if (keys.length > 0) {
        const h = Object.create(null) as Record<string, unknown>;
        hashValues = new Array<unknown>(keys.length);
        for (let i = 0; i < keys.length; i++) h[keys[i] as string] = hashValues[i] = (values[i] as Expr)(f);
        hash = h;
      }
      try {
        chargeArgs(name, args);
        if (hashValues) chargeArgs(name, hashValues);
        return helper(args, hash);
      } catch (err) {
        throw helperFailure(err, name, node);
      }
    };
  }

  private findBlockParam(name: string): { depth: number; index: number } | undefined {
    for (let d = 0; d < this.blockParams.length; d++) {
      const names = this.blockParams[this.blockParams.length - 1 - d] as string[];
      const index = names.indexOf(name);
      if (index >= 0) return { depth: d, index };
    }
    return undefined;
  }

  private path(p: AST.PathExpression): Expr {
    const head = p.parts[0];
    if (head !== undefined && typeof head !== 'string') {
      // `(lookup a b).c`: a subexpression head, then plain segments.
      return walkSegments(this.helperCall(head), p.parts.slice(1) as string[]);
    }
    const parts = p.parts as string[];
    if (p.data) return this.dataPath(p, parts);
    const bp = p.depth === 0 && !isScoped(p) && head !== undefined ? this.findBlockParam(head) : undefined;
    if (bp) {
      const { depth, index } = bp;
      const base: Expr = (f) => {
        let b = f.bp;
        for (let i = 0; i < depth && b; i++) b = b.up;
        return b?.values[index];
      };
      return walkSegments(base, parts.slice(1));
    }
    const depth = p.depth;
    // `secrets.<name>` (a connection's secret) is never a plain property of the scope: see secret-value.ts.
    if (depth === 0 && this.contextDepth === 0 && head === 'secrets' && !isScoped(p)) {
      const rest = parts.slice(1);
      return (f) => readSecret(f.data.root, rest);
    }
    const base: Expr =
      depth === 0
        ? (f) => f.ctx.value
        : (f) => {
            let c: Depth | undefined = f.ctx;
            for (let i = 0; i < depth && c; i++) c = c.up;
            return c?.value;
          };
    return walkSegments(base, parts);
  }

  private dataPath(p: AST.PathExpression, parts: string[]): Expr {
    const name = parts[0] ?? '';
    // Like Handlebars, an unknown `@name` reads nothing (the flow analyzer accepts it too).
    if (!DATA_VARS.has(name)) return () => undefined;
    if (name === 'root' && parts[1] === 'secrets') {
      const rest = parts.slice(2);
      return (f) => readSecret(f.data.root, rest);
    }
    const depth = p.depth;
    const base: Expr = (f) => {
      let d: DataFrame | undefined = f.data;
      for (let i = 0; i < depth && d; i++) d = d.parent;
      return d?.[name as 'root'];
    };
    return walkSegments(base, parts.slice(1));
  }

  private block(b: AST.BlockStatement): Stmt {
    const name = simpleName(b.path);
    if (name === undefined || !BLOCK_HELPERS.has(name)) {
      fail(
        b,
        `unknown block helper "#${name ?? b.path.original}" (known: ` +
          `${TEMPLATE_BLOCK_HELPERS.map((h) => '#' + h).join(', ')})`,
      );
    }
    if (b.params.length !== 1) fail(b, `#${name} needs exactly one argument`);
    const arg = this.expression(b.params[0] as AST.Expression);
    const before = this.statements;
    const changesContext = name === 'each' || name === 'with';
    if (changesContext) this.contextDepth++;
    let fn: Stmt;
    try {
      fn = this.program(b.program);
    } finally {
      if (changesContext) this.contextDepth--;
    }
    const blockStatements = this.statements - before;
    const inverse = this.program(b.inverse);
    const bpCount = b.program?.blockParams?.length ?? 0;
    switch (name) {
      case 'if':
      case 'unless': {
        const pair = b.hash?.pairs.find((p) => p.key === 'includeZero');
        const includeZero = pair ? this.expression(pair.value) : undefined;
        const wanted = name === 'if';
        return (f, o) => {
          const yes = isTruthy(arg(f), includeZero ? isTruthy(includeZero(f)) : false) === wanted;
          if (!yes) inverse(f, o);
          // `#if` gives no block params: names declared with `as |x|` read nothing, as in Handlebars.
          else fn(bpCount > 0 ? { ctx: f.ctx, data: f.data, bp: { values: [], up: f.bp } } : f, o);
        };
      }
      case 'with':
        return (f, o) => {
          const v = arg(f);
          if (!isTruthy(v, true)) return inverse(f, o);
          const ctx = v === f.ctx.value ? f.ctx : { value: v, up: f.ctx };
          fn({ ctx, data: f.data, bp: bpCount > 0 ? { values: [v], up: f.bp } : f.bp }, o);
        };
      default:
        return this.each(
          arg,
          fn,
          inverse,
          bpCount > 0,
          TEMPLATE_LIMITS.iterationUnits + blockStatements * TEMPLATE_LIMITS.statementUnits,
        );
    }
  }

  /** `unitsPerItem`: the work one iteration costs before what its statements spend themselves. */
  private each(arg: Expr, fn: Stmt, inverse: Stmt, withParams: boolean, unitsPerItem: number): Stmt {
    return (f, o) => {
      const v = arg(f);
      const isArray = Array.isArray(v);
      const keys = isArray || v === null || typeof v !== 'object' || v instanceof Escaped ? undefined : Object.keys(v);
      const count = isArray ? (v as unknown[]).length : (keys?.length ?? 0);
      if (count === 0) return inverse(f, o);
      if (keys && (work.left -= keys.length * TEMPLATE_LIMITS.keyUnits) < 0) overBudget();
      // One frame per #each, updated in place per item (Handlebars does the same with its data frame).
      const data: DataFrame = { root: f.data.root, parent: f.data, index: 0, key: undefined, first: true, last: false };
      const node: Depth = { value: undefined, up: f.ctx };
      const values: unknown[] = [undefined, undefined];
      const frame: Frame = { ctx: node, data, bp: withParams ? { values, up: f.bp } : f.bp };
      for (let i = 0; i < count; i++) {
        if ((work.left -= unitsPerItem) < 0) overBudget();
        const key = isArray ? i : (keys as string[])[i];
        const item = isArray ? (v as unknown[])[i] : (v as Record<string, unknown>)[key as string];
        data.index = i;
        data.key = key;
        data.first = i === 0;
        data.last = i === count - 1;
        values[0] = item;
        values[1] = key;
        if (item === f.ctx.value) frame.ctx = f.ctx;
        else {
          node.value = item;
          frame.ctx = node;
        }
        fn(frame, o);
      }
    };
  }
}
