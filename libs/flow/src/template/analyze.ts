import { TEMPLATE_BLOCK_HELPERS, TEMPLATE_HELPERS } from '../template-context';
import { parseTemplate, type AST, type TemplateSyntaxError } from './parse';

/**
 * A data path a template reads from the run's top-level scope, e.g. `nodes.lookup.body` → root `nodes`, path
 * `['lookup', 'body']`.
 */
export interface TemplateReference {
  root: string;
  path: string[];
  /** The path as written, e.g. `@root.call.id` or `../vars.x`. */
  original: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /**
   * The helpers whose arguments hold this reference, outermost first (`{{md5 (concat a b)}}` → b
   * is in `['md5', 'concat']`); absent when it is read directly. Blocks count (`#if`).
   */
  within?: string[];
}

/** Something that parses but will not render as meant (unknown helper, wrong block arity, ...). 1-based position. */
export interface TemplateProblem {
  message: string;
  line: number;
  column: number;
}

export type TemplateAnalysis =
  | { ok: true; references: TemplateReference[]; helpers: string[]; problems: TemplateProblem[] }
  | { ok: false; error: TemplateSyntaxError };

const HELPERS: ReadonlySet<string> = new Set(TEMPLATE_HELPERS);
const BLOCK_HELPERS: ReadonlySet<string> = new Set(TEMPLATE_BLOCK_HELPERS);
/** Blocks whose main body runs with a new `this`; their `{{else}}` body keeps the outer one. */
const CONTEXT_BLOCKS: ReadonlySet<string> = new Set(['each', 'with']);
/** `this.x`, `this/x`, `./x`: scoped paths are never helper calls. */
const SCOPED = /^(this([./]|$)|\.\.?\/)/;

type Node = AST.Node & { loc?: AST.SourceLocation };
type CallNode = { path: AST.Expression; params?: AST.Expression[]; hash?: AST.Hash };

/** Parses a template and lists the top-level data it reads, the helpers it calls and its problems. Never throws. */
export function analyzeTemplate(source: string): TemplateAnalysis {
  // Plain text reads and calls nothing (U+0000 is the one thing the lexer refuses in it).
  if (!source.includes('{{') && !source.includes('\u0000')) {
    return { ok: true, references: [], helpers: [], problems: [] };
  }
  const parsed = parseTemplate(source);
  if (!parsed.ok) return parsed;
  try {
    return { ok: true, ...analyzeProgram(parsed.ast) };
  } catch (err) {
    // The AST comes from the parser, so this means a parser shape we did not expect: report, don't throw.
    return {
      ok: false,
      error: {
        message: `could not analyse template: ${err instanceof Error ? err.message : String(err)}`,
        line: 1,
        column: 1,
      },
    };
  }
}

/** Analyses an already parsed template (see analyzeTemplate). */
export function analyzeProgram(program: AST.Program): {
  references: TemplateReference[];
  helpers: string[];
  problems: TemplateProblem[];
} {
  const walker = new Walker();
  walker.program(program, 0);
  return { references: walker.references, helpers: [...walker.helpers], problems: walker.problems };
}

function position(node: Node | undefined): { line: number; column: number } {
  return { line: node?.loc?.start.line ?? 1, column: (node?.loc?.start.column ?? 0) + 1 };
}

function isPath(e: AST.Node | undefined): e is AST.PathExpression {
  return e?.type === 'PathExpression';
}

function isLiteral(e: AST.Node): boolean {
  return /Literal$/.test(e.type);
}

/** The name a path would be called by as a helper (`@`-prefixed for data paths). */
function calleeName(path: AST.PathExpression): string {
  return typeof path.original === 'string' ? path.original : path.parts.filter((p) => typeof p === 'string').join('.');
}

/** A plain one-segment id like `upper`: Handlebars calls the helper of that name when there is one. */
function isSimpleId(path: AST.PathExpression): boolean {
  return (
    !path.data &&
    path.depth === 0 &&
    path.parts.length === 1 &&
    typeof path.parts[0] === 'string' &&
    !SCOPED.test(path.original ?? '')
  );
}

/**
 * `depth` counts the enclosing blocks that changed `this` (#each, #with); a path reads the
 * top-level scope when its own `../` depth equals that count (`{{x}}` at the top, `{{../x}}` in one #each).
 */
class Walker {
  references: TemplateReference[] = [];
  helpers = new Set<string>();
  problems: TemplateProblem[] = [];
  /** Helper calls whose arguments are being walked, outermost first. */
  private readonly calls: string[] = [];

  program(p: AST.Program | undefined, depth: number): void {
    for (const stmt of p?.body ?? []) this.statement(stmt as Node, depth);
  }

  private problem(node: Node | undefined, message: string): void {
    this.problems.push({ message, ...position(node) });
  }

  private statement(stmt: Node, depth: number): void {
    switch (stmt.type) {
      case 'MustacheStatement':
        this.call(stmt as AST.MustacheStatement, depth);
        break;
      case 'BlockStatement':
        this.block(stmt as AST.BlockStatement, depth);
        break;
      case 'PartialStatement':
      case 'PartialBlockStatement':
        this.problem(stmt, 'partials ({{> name}}) are not supported');
        break;
      case 'Decorator':
      case 'DecoratorBlock':
        this.problem(stmt, 'decorators ({{* name}}) are not supported');
        break;
      default: // content and comments read nothing
    }
  }

  private block(b: AST.BlockStatement, depth: number): void {
    const path = b.path as AST.Node;
    const name = isPath(path) ? calleeName(path) : String((path as AST.StringLiteral).value ?? path.type);
    const known = BLOCK_HELPERS.has(name);
    this.helpers.add(name);
    if (!known) {
      const hint = HELPERS.has(name) ? `"${name}" is not a block helper` : `unknown block helper "#${name}"`;
      this.problem(path, `${hint}; blocks are ${TEMPLATE_BLOCK_HELPERS.map((h) => `#${h}`).join(', ')}`);
    } else if ((b.params ?? []).length !== 1) {
      this.problem(path, `#${name} needs exactly one argument`);
    }
    this.args(b, depth, name);
    // An unknown block's body context is unknowable; treating it as changed avoids piling false reports on the real
    // problem.
    this.program(b.program, !known || CONTEXT_BLOCKS.has(name) ? depth + 1 : depth);
    this.program(b.inverse, depth);
  }

  /** A mustache or sub-expression: a helper call, or a plain data read. */
  private call(node: CallNode, depth: number): void {
    const path = node.path as Node;
    let callee: string | undefined;
    const hasArgs = (node.params?.length ?? 0) > 0 || (node.hash?.pairs?.length ?? 0) > 0;
    if (isPath(path) && typeof path.head !== 'string' && path.head) {
      // `(helper args).field`: the head sub-expression is itself a call.
      this.expression(path.head as Node, depth);
      if (hasArgs) this.problem(path, 'the result of a sub-expression cannot be called as a helper');
    } else if (isPath(path)) {
      const name = calleeName(path);
      if (hasArgs) {
        this.helpers.add(name);
        if (!HELPERS.has(name)) this.problem(path, `unknown helper "${name}"`);
        callee = name;
      } else if (isSimpleId(path) && HELPERS.has(name)) {
        this.helpers.add(name);
      } else {
        this.reference(path, depth);
      }
    } else if (path.type === 'SubExpression') {
      this.expression(path, depth);
      if (hasArgs) this.problem(path, 'the result of a sub-expression cannot be called as a helper');
    } else if (isLiteral(path)) {
      // Handlebars turns a literal in callee position into a path of that name.
      const lit = path as AST.StringLiteral;
      const name =
        path.type === 'UndefinedLiteral' ? 'undefined' : path.type === 'NullLiteral' ? 'null' : String(lit.value);
      if (hasArgs || HELPERS.has(name)) {
        this.helpers.add(name);
        if (!HELPERS.has(name)) this.problem(path, `unknown helper "${name}"`);
        if (hasArgs) callee = name;
      } else {
        this.push(path, [name], name);
      }
    }
    this.args(node, depth, callee);
  }

  /** Walks a call's arguments with `callee` on the stack of enclosing calls. */
  private args(node: CallNode, depth: number, callee?: string): void {
    if (callee !== undefined) this.calls.push(callee);
    try {
      for (const p of node.params ?? []) this.expression(p as Node, depth);
      for (const pair of node.hash?.pairs ?? []) this.expression(pair.value as Node, depth);
    } finally {
      if (callee !== undefined) this.calls.pop();
    }
  }

  private expression(e: Node, depth: number): void {
    if (e.type === 'SubExpression') this.call(e as AST.SubExpression, depth);
    else if (isPath(e)) {
      if (typeof e.head !== 'string' && e.head) this.expression(e.head as Node, depth);
      else this.reference(e, depth);
    }
  }

  private reference(path: AST.PathExpression, depth: number): void {
    const parts = path.parts.filter((p): p is string => typeof p === 'string');
    if (parts.length !== path.parts.length) return;
    if (path.data) {
      // @root.x reads the top-level scope from anywhere; @index, @key, ... are loop data.
      if (parts[0] === 'root' && parts.length > 1) this.push(path, parts.slice(1));
      return;
    }
    if (path.depth > depth) {
      this.problem(path, `"${path.original}" climbs above the top-level scope and reads nothing`);
      return;
    }
    if (path.depth === depth && parts.length > 0) this.push(path, parts);
  }

  private push(path: Node, parts: string[], original = (path as AST.PathExpression).original): void {
    const ref: TemplateReference = { root: parts[0]!, path: parts.slice(1), original, ...position(path) };
    if (this.calls.length > 0) ref.within = [...this.calls];
    this.references.push(ref);
  }
}
