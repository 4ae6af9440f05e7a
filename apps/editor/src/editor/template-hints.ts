/**
 * What the editor tells an admin about a template as they type: syntax and helper errors
 * (libs/flow analyzeTemplate), tokens that do not exist, and for JSON bodies whether the result
 * will parse and which tokens sit outside quotes. Plus a one-line explanation of how values are
 * escaped in each context (README.md, "The libraries"), shown beside the field.
 */
import { analyzeTemplate, TOKEN_ROOTS, type TemplateContext } from '@callflow/flow';

export interface TemplateMessage {
  severity: 'error' | 'warning';
  message: string;
}

export const CONTEXT_INFO: Record<TemplateContext, { label: string; help: string }> = {
  url: { label: 'URL', help: 'Token values are percent-encoded. Use {{{token}}} to insert a base URL as is.' },
  json: {
    label: 'JSON',
    help:
      'Inside "…" text is JSON-escaped; numbers and booleans go in as they are.' +
      ' {{json token}} inserts any value as JSON.',
  },
  xml: { label: 'XML', help: 'Token values are XML-escaped (& < > " \').' },
  header: { label: 'Header', help: 'Inserted as text; a value containing a line break is refused (header injection).' },
  text: { label: 'Text', help: 'Inserted as plain text; the form / SOAP encoder escapes it once.' },
  value: { label: 'Value', help: 'A lone {{token}} keeps its type (number, object, …); anything else is text.' },
};

const ROOTS: ReadonlySet<string> = new Set(TOKEN_ROOTS);

/** Messages for one template (empty when fine). */
export function templateMessages(source: string, context: TemplateContext): TemplateMessage[] {
  if (!source.includes('{{') && context !== 'json') return [];
  const out: TemplateMessage[] = [];
  const analysis = analyzeTemplate(source);
  if (!analysis.ok) {
    out.push({
      severity: 'error',
      message: `Line ${analysis.error.line}, column ${analysis.error.column}: ${analysis.error.message}`,
    });
    return out;
  }
  for (const p of analysis.problems)
    out.push({ severity: 'error', message: `Line ${p.line}, column ${p.column}: ${p.message}` });
  for (const r of analysis.references) {
    // Never resolvable: an error (publishing is refused), as the flow validator says. `secrets.*`
    // is judged by the validator (code secret_token), which knows the node's connection.
    if (r.root !== 'secrets' && !ROOTS.has(r.root)) {
      const roots = TOKEN_ROOTS.join(', ');
      out.push({ severity: 'error', message: `{{${r.original}}} is not a token; tokens start with ${roots}` });
    }
  }
  if (context === 'json') out.push(...jsonShape(source));
  return out;
}

/**
 * Replaces every mustache by a stand-in (`"x"` content inside a string, `0` outside) and parses
 * the result, so a body that cannot become valid JSON is reported before it runs.
 */
export function jsonShape(source: string): TemplateMessage[] {
  if (!source.trim()) return [];
  if (/\{\{\s*[#/^]|\{\{else/.test(source)) return []; // blocks: the shape depends on data
  const out: TemplateMessage[] = [];
  let result = '';
  let inString = false;
  const outside: string[] = [];
  for (let i = 0; i < source.length;) {
    if (source.startsWith('{{', i)) {
      const triple = source.startsWith('{{{', i);
      const close = source.indexOf(triple ? '}}}' : '}}', i + 2);
      if (close < 0) return out;
      const inner = source.slice(i + (triple ? 3 : 2), close).trim();
      if (!inner.startsWith('!')) {
        if (inString) result += 'x';
        else {
          result += '0';
          if (!/^json\b/.test(inner)) outside.push(inner);
        }
      }
      i = close + (triple ? 3 : 2);
      continue;
    }
    const c = source[i]!;
    if (inString && c === '\\') {
      result += source.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '"') inString = !inString;
    result += c;
    i++;
  }
  try {
    JSON.parse(result);
  } catch (err) {
    out.push({
      severity: 'error',
      message: `The body will not be valid JSON: ${(err as Error).message.replace(/^JSON\.parse: /, '')}`,
    });
    return out;
  }
  if (outside.length) {
    const names = [...new Set(outside)]
      .slice(0, 3)
      .map((t) => `{{${t}}}`)
      .join(', ');
    out.push({
      severity: 'warning',
      message:
        `${names} outside quotes: fine for numbers and booleans; text would break the JSON.` +
        ' Quote it ("{{…}}") or use {{json …}}.',
    });
  }
  return out;
}
