import { parseTemplate, type AST, type TemplateContext } from '@callflow/flow';
import { EngineError } from '../errors';
import { beginRender, endRender } from './budget';
import { TemplateCompiler } from './compiler';
import { compileError, rootFrame, type Expr, type Stmt } from './render-frame';
import { checkHeaderValue, Escaped, toText } from './escape';
import { findJsonFault } from './json-error';
import { jsonTooDeep, MAX_RESPONSE_DEPTH } from '../runtime/depth-limits';

/** A template compiled once for one context; rendering never mutates the scope. */
export interface CompiledTemplate {
  readonly source: string;
  readonly context: TemplateContext;
  /** Renders to text, each {{value}} escaped for the context. Throws EngineError. */
  render(scope: object): string;
  /**
   * A template that is exactly one {{expression}} (whitespace around allowed) returns the raw value (object, number…);
   * otherwise render().
   */
  evaluate(scope: object): unknown;
}

/** Wraps unexpected failures (a throwing getter in data, say) as TEMPLATE_RENDER. */
function asRenderError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new EngineError('TEMPLATE_RENDER', `template rendering failed: ${message}`, undefined, { cause: err });
}

class Template implements CompiledTemplate {
  constructor(
    readonly source: string,
    readonly context: TemplateContext,
    private readonly root: Stmt,
    private readonly lone: Expr | undefined,
  ) {}

  render(scope: object): string {
    const out = { s: '' };
    beginRender(scope);
    try {
      this.root(rootFrame(scope), out);
    } catch (err) {
      throw asRenderError(err);
    } finally {
      endRender(scope);
    }
    return this.context === 'header' ? checkHeaderValue(out.s) : out.s;
  }

  evaluate(scope: object): unknown {
    if (!this.lone) return this.render(scope);
    let v: unknown;
    beginRender(scope);
    try {
      v = this.lone(rootFrame(scope));
    } catch (err) {
      throw asRenderError(err);
    } finally {
      endRender(scope);
    }
    if (v instanceof Escaped) v = v.text;
    if (this.context === 'header') checkHeaderValue(toText(v));
    return v;
  }
}

/** The statement of a template that is one `{{expression}}` with only whitespace or comments around it. */
function loneMustache(program: AST.Program): AST.MustacheStatement | undefined {
  let found: AST.MustacheStatement | undefined;
  for (const stmt of program.body) {
    if (stmt.type === 'CommentStatement') continue;
    if (stmt.type === 'ContentStatement' && /^\s*$/.test((stmt as AST.ContentStatement).value)) continue;
    if (stmt.type !== 'MustacheStatement' || found) return undefined;
    found = stmt as AST.MustacheStatement;
  }
  return found;
}

function compile(source: string, context: TemplateContext): Template {
  const parsed = parseTemplate(source);
  if (!parsed.ok) throw compileError(parsed.error.line, parsed.error.column, parsed.error.message);
  const compiler = new TemplateCompiler(context);
  const root = compiler.program(parsed.ast);
  const lone = loneMustache(parsed.ast);
  return new Template(source, context, root, lone && compiler.mustacheValue(lone));
}

// Bounded LRU (a Map keeps insertion order: re-inserting on a hit makes it the newest).
const CACHE_MAX_ENTRIES = 2000;
const CACHE_MAX_CHARS = 16 * 1024 * 1024;
const CONTEXTS: ReadonlySet<string> = new Set<TemplateContext>(['url', 'json', 'xml', 'header', 'text', 'value']);
const cache = new Map<string, Template>();
let cachedChars = 0;

/**
 * Compiles once; cached in a bounded LRU keyed by context + source. Throws EngineError('FLOW_INVALID', 'line L, column
 * C: …') on syntax errors or unknown helpers.
 */
export function compileTemplate(source: string, context: TemplateContext): CompiledTemplate {
  if (typeof source !== 'string') throw new EngineError('FLOW_INVALID', 'a template must be a string');
  if (!CONTEXTS.has(context)) throw new EngineError('INTERNAL', `unknown template context "${String(context)}"`);
  const key = `${context}\u0000${source}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const template = compile(source, context);
  cache.set(key, template);
  cachedChars += source.length;
  while (cache.size > CACHE_MAX_ENTRIES || (cachedChars > CACHE_MAX_CHARS && cache.size > 1)) {
    const [oldestKey, oldest] = cache.entries().next().value as [string, Template];
    cache.delete(oldestKey);
    cachedChars -= oldest.source.length;
  }
  return template;
}

/**
 * Renders a JSON-context template and parses it; a rendered text that is not JSON throws JSON_BODY_INVALID with {line,
 * column, excerpt}.
 */
export function renderJson(t: CompiledTemplate, scope: object): { text: string; value: unknown } {
  const text = t.render(scope);
  // As deep as the API takes request bodies: a deeper value overflows what walks it (answers, records).
  if (jsonTooDeep(text)) {
    const message = `rendered JSON nests objects and arrays deeper than ${MAX_RESPONSE_DEPTH} levels`;
    throw new EngineError('JSON_BODY_INVALID', message, { maxDepth: MAX_RESPONSE_DEPTH });
  }
  try {
    return { text, value: JSON.parse(text) };
  } catch (err) {
    const fault = findJsonFault(text) ?? { line: 1, column: 1, reason: (err as Error).message, excerpt: '' };
    throw new EngineError(
      'JSON_BODY_INVALID',
      `rendered JSON body is invalid at line ${fault.line}, ` +
        `column ${fault.column}: ${fault.reason}; near: ${fault.excerpt}`,
      { line: fault.line, column: fault.column, excerpt: fault.excerpt },
    );
  }
}
