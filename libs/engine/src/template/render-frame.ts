import type { AST } from '@callflow/flow';
import { EngineError } from '../errors';
import { limitError, meter, overBudget, TEMPLATE_LIMITS } from './budget';

// The frames, output and error positions of compiled templates (compiler.ts builds the closures).

/** Longest text one render may produce (guards `{{#each}}` blow-ups). */
export const MAX_OUTPUT_CHARS = TEMPLATE_LIMITS.maxOutputChars;

/** `@data` variables of the current block (Handlebars data frame). */
export interface DataFrame {
  readonly root: unknown;
  readonly parent: DataFrame | undefined;
  index: number | undefined;
  key: unknown;
  first: boolean | undefined;
  last: boolean | undefined;
}

/** The context stack for `../`: only blocks that change the context push onto it (Handlebars 4). */
export interface Depth {
  value: unknown;
  readonly up: Depth | undefined;
}

/** Values of `as |a b|` block params, innermost first. */
export interface BlockParams {
  readonly values: unknown[];
  readonly up: BlockParams | undefined;
}

/** Where a statement renders: mutated in place by `#each` iterations, never kept after a render. */
export interface Frame {
  ctx: Depth;
  data: DataFrame;
  bp: BlockParams | undefined;
}

/** The output being built. */
export interface Out {
  s: string;
}

export type Stmt = (f: Frame, o: Out) => void;
export type Expr = (f: Frame) => unknown;

export type Located = { loc?: AST.SourceLocation };

// A local reference: append decrements it inline (no call through the module binding).
const work = meter;

/** The frame a render starts from. */
export function rootFrame(scope: unknown): Frame {
  return {
    ctx: { value: scope, up: undefined },
    data: { root: scope, parent: undefined, index: undefined, key: undefined, first: undefined, last: undefined },
    bp: undefined,
  };
}

export function append(o: Out, text: string): void {
  // Escaping and copying cost about the output's length: counted as work.
  if ((work.left -= text.length) < 0) overBudget();
  o.s += text;
  if (o.s.length > MAX_OUTPUT_CHARS) {
    throw limitError(`rendered text exceeds ${MAX_OUTPUT_CHARS / 1024 / 1024} MB`, 'output');
  }
}

/**
 * Percent-encoding cannot stop a token that is "." or ".." from being a dot segment (URL parsers
 * resolve `%2e` too), so such a token in the path part is refused rather than letting data climb the path.
 */
export function urlToken(text: string, o: Out): string {
  if ((text === '.' || text === '..') && !/[?#]/.test(o.s)) {
    throw new EngineError('URL_INVALID', `a URL path token is "${text}" (path traversal refused)`);
  }
  return text;
}

export function position(node: Located): { line: number; column: number } {
  return { line: node.loc?.start.line ?? 1, column: (node.loc?.start.column ?? 0) + 1 };
}

/** The FLOW_INVALID error for a template the engine cannot compile. */
export function compileError(line: number, column: number, message: string): EngineError {
  return new EngineError('FLOW_INVALID', `line ${line}, column ${column}: ${message}`, { line, column });
}

export function fail(node: Located, message: string): never {
  const { line, column } = position(node);
  throw compileError(line, column, message);
}

/** Adds where a helper failed to its error; other failures become TEMPLATE_RENDER. */
export function helperFailure(err: unknown, name: string, node: Located): EngineError {
  const { line, column } = position(node);
  if (err instanceof EngineError) {
    if (err.details?.line !== undefined) return err;
    return new EngineError(
      err.code,
      `line ${line}, column ${column}: ${err.message}`,
      { ...err.details, helper: name, line, column },
      { cause: err },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new EngineError(
    'TEMPLATE_RENDER',
    `line ${line}, column ${column}: ${name}: ${message}`,
    { helper: name, line, column },
    { cause: err },
  );
}
