import type { GraphNode } from './graph';
import type { IssueList } from './issues';
import type { TemplateField, UrlKind } from './node-spec';

/** A piece of a URL template: literal text, or a `{{token}}` (percent-encoded) / `{{{token}}}` (inserted as is). */
type Segment = { text: string; at: number } | { token: string; raw: boolean; at: number };

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const SCHEME_CHARS = /^[A-Za-z][A-Za-z0-9+.-]*$/;
/** What a URL never holds as written: whitespace and control characters. */
const NOT_URL_TEXT = /[\s\x00-\x1F\x7F]/;

/**
 * Splits a template into literal text and tokens; undefined when its shape depends on data or
 * cannot be read here (blocks, `\{{`, an unclosed `{{`: the template checks report those).
 */
function segments(source: string): Segment[] | undefined {
  const out: Segment[] = [];
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    if (open < 0) break;
    if (open > 0 && source[open - 1] === '\\') return undefined;
    if (open > i) out.push({ text: source.slice(i, open), at: i });
    if (source.startsWith('{{!', open)) {
      const end = source.startsWith('{{!--', open) ? source.indexOf('--}}', open) : source.indexOf('}}', open);
      if (end < 0) return undefined;
      i = end + (source.startsWith('--}}', end) ? 4 : 2);
      continue;
    }
    const triple = source.startsWith('{{{', open);
    const close = source.indexOf(triple ? '}}}' : '}}', open);
    if (close < 0) return undefined;
    const inner = source.slice(open + (triple ? 3 : 2), close).replace(/^~?\s*/, '');
    if (/^([#/^>*]|else\b)/.test(inner)) return undefined;
    const raw = triple || inner.startsWith('&');
    out.push({ token: source.slice(open, close + (triple ? 3 : 2)), raw, at: open });
    i = close + (triple ? 3 : 2);
  }
  if (i < source.length) out.push({ text: source.slice(i), at: i });
  return out;
}

function describe(c: string): string {
  if (c === ' ') return 'a space (write it as %20)';
  if (c === '\t') return 'a tab';
  if (c === '\n' || c === '\r') return 'a line break';
  return `a control character (U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
}

/** Literal text a URL never holds (the engine would send it mangled, or not at all). */
function textProblem(parts: readonly Segment[], offset: number): string | undefined {
  for (const p of parts) {
    if (!('text' in p)) continue;
    const bad = NOT_URL_TEXT.exec(p.text);
    if (bad) return `column ${offset + p.at + bad.index + 1}: a URL cannot contain ${describe(bad[0])}`;
  }
  return undefined;
}

/**
 * Why a URL template can never render an address the engine accepts, or undefined when it can
 * (or its shape depends on data). Its literal text must be URL text; tokens stand in for any value
 * of theirs: a `{{token}}` is percent-encoded, so it cannot supply `https://host`, a `{{{token}}}`
 * can. `call`: an absolute http(s) URL; `redirect`: that or a path on this server (`/…`).
 */
export function urlTemplateProblem(template: string, kind: UrlKind): string | undefined {
  // The engine trims the rendered URL.
  const source = template.trim();
  const lead = template.length - template.trimStart().length;
  const parts = segments(source);
  if (!parts || parts.length === 0) return undefined;
  const first = parts[0]!;
  const head = 'text' in first ? first.text : '';
  if (kind === 'redirect' && head.startsWith('/')) {
    if (head.startsWith('//') || head.startsWith('/\\')) return 'a path here starts with one "/" ("//" names a host)';
    return textProblem(parts, lead);
  }
  const scheme = SCHEME.exec(head);
  const allowed = kind === 'redirect' ? 'http://, https:// or "/" (a path here)' : 'http:// or https://';
  if (scheme) {
    const s = scheme[1]!.toLowerCase();
    if (!/^https?$/.test(s)) return `only http and https URLs can be used, not "${s}:"`;
  } else if ('text' in first && !(SCHEME_CHARS.test(head) && parts.length > 1)) {
    // Literal text without a scheme, and no token that could complete one.
    return `not an absolute URL: it must start with ${allowed}`;
  }
  const text = textProblem(parts, lead);
  if (text) return text;
  // Each token stands for a plausible value: the base URL for a raw one in front, a port after ":".
  let candidate = '';
  for (const [i, p] of parts.entries()) {
    if ('text' in p) candidate += p.text;
    else if (i === 0 && p.raw) candidate += 'https://h';
    else candidate += candidate.endsWith(':') ? '1' : 'x';
  }
  if (!('text' in first) && !first.raw && !SCHEME.test(candidate)) {
    const name = first.token.slice(2, -2).trim();
    return (
      `${first.token} is percent-encoded in a URL, so it cannot give the scheme and host: ` +
      `write {{{${name}}}} to insert a base URL as is`
    );
  }
  try {
    new URL(candidate);
  } catch {
    return 'not a valid URL: check the host name and port';
  }
  return undefined;
}

/** Reports every URL template of a node with a valid config that can never render a usable address. */
export function checkUrls(nodes: readonly GraphNode[], list: IssueList): void {
  for (const node of nodes) {
    if (!node.spec || node.config === undefined) continue;
    let fields: TemplateField[];
    try {
      fields = node.spec.templates(node.config);
    } catch {
      continue; // reported by the template checks
    }
    for (const field of fields) {
      if (!field.url) continue;
      const problem = urlTemplateProblem(field.template, field.url);
      if (problem) list.error(node.issueTarget, 'url_invalid', ['config', ...field.path], problem);
    }
  }
}
