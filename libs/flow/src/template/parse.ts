import { parse, type AST } from '@handlebars/parser';

export type { AST };

/** Where a template is wrong: 1-based line and column. */
export interface TemplateSyntaxError {
  message: string;
  line: number;
  column: number;
}

export type ParseResult = { ok: true; ast: AST.Program } | { ok: false; error: TemplateSyntaxError };

/**
 * Parses a Handlebars template and rejects constructs the engine does not support
 * (partials, decorators; unknown block helpers are left to the analyzer). Never throws.
 */
export function parseTemplate(source: string): ParseResult {
  let ast: AST.Program;
  try {
    ast = parse(source);
  } catch (err) {
    return { ok: false, error: syntaxError(err) };
  }
  const unsupported = findUnsupported(ast);
  return unsupported ? { ok: false, error: unsupported } : { ok: true, ast };
}

function syntaxError(err: unknown): TemplateSyntaxError {
  const e = err as { message?: string; hash?: { loc?: { first_line: number; first_column: number }; expected?: string[]; token?: string } };
  const loc = e.hash?.loc;
  // The parser's message repeats the source with a caret; keep a short, readable sentence instead.
  let message = 'template syntax error';
  if (e.hash?.token === 'EOF') message = 'unexpected end of template (an unclosed {{#block}} or "{{"?)';
  else if (e.hash?.token) message = `unexpected ${e.hash.token === 'INVALID' ? 'character' : e.hash.token.toLowerCase()} in template`;
  else if (typeof e.message === 'string') message = e.message.split('\n')[0] ?? message;
  return { message, line: loc?.first_line ?? 1, column: (loc?.first_column ?? 0) + 1 };
}

function at(node: { loc?: AST.SourceLocation }, message: string): TemplateSyntaxError {
  return { message, line: node.loc?.start.line ?? 1, column: (node.loc?.start.column ?? 0) + 1 };
}

function findUnsupported(program: AST.Program): TemplateSyntaxError | undefined {
  for (const stmt of program.body) {
    switch (stmt.type) {
      case 'PartialStatement':
      case 'PartialBlockStatement':
        return at(stmt, 'partials ({{> name}}) are not supported');
      case 'Decorator':
      case 'DecoratorBlock':
        return at(stmt, 'decorators ({{* name}}) are not supported');
      case 'BlockStatement': {
        const b = stmt as AST.BlockStatement;
        const inner = (b.program && findUnsupported(b.program)) || (b.inverse && findUnsupported(b.inverse));
        if (inner) return inner;
        break;
      }
    }
  }
  return undefined;
}
