/**
 * What the editor tells an admin about a template as they type: syntax and helper errors
 * (libs/flow analyzeTemplate), tokens that do not exist, and for JSON bodies whether the result
 * will parse and which tokens sit outside quotes. Plus a one-line explanation of how values are
 * escaped in each context (README.md, "The libraries"), shown beside the field.
 */
import { analyzeTemplate, TOKEN_ROOTS, type TemplateContext } from '@callflow/flow';
import { t, type MessageId } from '../i18n/i18n';

export interface TemplateMessage {
  severity: 'error' | 'warning';
  message: string;
}

/** A context's chip and its help, read in the language in force each time they are shown. */
const info = (label: MessageId, help: MessageId, values?: Record<string, string>) => ({
  get label() {
    return t(label);
  },
  get help() {
    return t(help, values);
  },
});

export const CONTEXT_INFO: Record<TemplateContext, { readonly label: string; readonly help: string }> = {
  url: info('editor.template.ctxUrl', 'editor.template.helpUrl', { raw: '{{{token}}}' }),
  json: info('editor.template.ctxJson', 'editor.template.helpJson', { json: '{{json token}}' }),
  xml: info('editor.template.ctxXml', 'editor.template.helpXml'),
  header: info('editor.template.ctxHeader', 'editor.template.helpHeader'),
  text: info('editor.template.ctxText', 'editor.template.helpText'),
  value: info('editor.template.ctxValue', 'editor.template.helpValue', { token: '{{token}}' }),
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
      message: t('editor.template.at', { ...analysis.error }),
    });
    return out;
  }
  for (const p of analysis.problems) out.push({ severity: 'error', message: t('editor.template.at', { ...p }) });
  for (const r of analysis.references) {
    // Never resolvable: an error (publishing is refused), as the flow validator says. `secrets.*`
    // is judged by the validator (code secret_token), which knows the node's connection.
    if (r.root !== 'secrets' && !ROOTS.has(r.root)) {
      const roots = TOKEN_ROOTS.join(', ');
      out.push({ severity: 'error', message: t('editor.template.notToken', { token: `{{${r.original}}}`, roots }) });
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
      message: t('editor.template.invalidJson', { error: (err as Error).message.replace(/^JSON\.parse: /, '') }),
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
      message: t('editor.template.outsideQuotes', { names, quoted: '"{{…}}"', json: '{{json …}}' }),
    });
  }
  return out;
}
