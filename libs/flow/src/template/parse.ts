import { parse, type AST } from '@handlebars/parser';
import { findClose, protectClosingBraces, restoreClosingBraces } from './close-brace';

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
    ast = parse(protectClosingBraces(source));
    restoreClosingBraces(ast);
  } catch (err) {
    // The parser reads past an unclosed `{{` and stumbles later ("unexpected "c""): name the opener instead.
    return { ok: false, error: unclosedMustache(source) ?? syntaxError(err, source) };
  }
  const unsupported = findUnsupported(ast);
  return unsupported ? { ok: false, error: unsupported } : { ok: true, ast };
}

function syntaxError(err: unknown, source: string): TemplateSyntaxError {
  const e = (err ?? {}) as {
    message?: string;
    /** Grammar and lexer errors (jison): 0-based `line`, and `loc` when a token was read. */
    hash?: { loc?: { first_line: number; first_column: number }; line?: number; token?: string | null; text?: string };
    /** AST errors such as a mismatched `{{/close}}`: 1-based line, 0-based column. */
    lineNumber?: number;
    column?: number;
  };
  const hash = e.hash;
  // The parser's message repeats the source with a caret; keep a short, readable sentence instead.
  let message = 'template syntax error';
  if (hash?.token === 'EOF') message = 'unexpected end of template (an unclosed {{#block}} or "{{"?)';
  else if (hash?.token)
    message = hash.text
      ? `unexpected ${quote(hash.text)} in template`
      : `unexpected ${hash.token.toLowerCase()} in template`;
  else if (hash) message = 'unrecognised text in template (an unclosed comment, string or [segment]?)';
  else if (typeof e.message === 'string') message = (e.message.split('\n')[0] ?? message).replace(/ - \d+:\d+$/, '');
  // The parser places EOF at the last token it read; the end of the text is where something is missing.
  if (hash?.token === 'EOF') return endOf(source, message);
  if (hash?.loc) return { message, line: hash.loc.first_line, column: hash.loc.first_column + 1 };
  if (typeof hash?.line === 'number') return { message, line: hash.line + 1, column: 1 };
  if (typeof e.lineNumber === 'number') return { message, line: e.lineNumber, column: (e.column ?? 0) + 1 };
  return { message, line: 1, column: 1 };
}

/** The first `{{` (or `{{{`, `{{!--`) that is never closed, where it opens. */
function unclosedMustache(source: string): TemplateSyntaxError | undefined {
  for (let open = source.indexOf('{{'); open >= 0;) {
    if (open > 0 && source[open - 1] === '\\') {
      open = source.indexOf('{{', open + 2); // `\{{` is literal text
      continue;
    }
    const close = findClose(source, open);
    if (close >= 0) {
      open = source.indexOf('{{', close + 2);
      continue;
    }
    const [opener, closer] = source.startsWith('{{!--', open)
      ? ['{{!--', '--}}']
      : source.startsWith('{{{', open)
        ? ['{{{', '}}}']
        : ['{{', '}}'];
    const { line, column } = lineColumnAt(source, open);
    return { message: `unclosed "${opener}" (add "${closer}" to close it)`, line, column };
  }
  return undefined;
}

/** 1-based line and column of a 0-based offset. */
function lineColumnAt(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length, column: (before[before.length - 1] ?? '').length + 1 };
}

function endOf(source: string, message: string): TemplateSyntaxError {
  const lines = source.split(/\r\n|\r|\n/);
  return { message, line: lines.length, column: (lines[lines.length - 1] ?? '').length + 1 };
}

function quote(text: string): string {
  return text.includes('"') ? `'${text}'` : `"${text}"`;
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
