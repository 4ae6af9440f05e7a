import type { ValidationIssue } from './validation-types';

/**
 * Past this many errors (or warnings) the rest are summarised: a broken import should not produce megabytes of issues.
 */
export const MAX_ISSUES = 1000;

/** Where an issue is attached: a node (paths relative to it), an edge, or the definition (absolute paths). */
export interface IssueTarget {
  nodeId?: string;
  edgeId?: string;
  /** Prefix for paths: '' for a node with an id, else e.g. `nodes.3` or `edges.2`. */
  prefix: string;
}

export const ROOT: IssueTarget = { prefix: '' };

/** Collects issues and joins paths. */
export class IssueList {
  readonly errors: ValidationIssue[] = [];
  readonly warnings: ValidationIssue[] = [];
  private dropped = { error: 0, warning: 0 };

  add(
    target: IssueTarget,
    severity: ValidationIssue['severity'],
    code: string,
    path: string | readonly PropertyKey[],
    message: string,
    extra?: Pick<ValidationIssue, 'nodeIds'>,
  ): void {
    const list = severity === 'error' ? this.errors : this.warnings;
    if (list.length >= MAX_ISSUES) {
      this.dropped[severity]++;
      return;
    }
    const issue: ValidationIssue = { path: joinPath(target.prefix, path), message, code, severity };
    if (target.nodeId !== undefined) issue.nodeId = target.nodeId;
    if (target.edgeId !== undefined) issue.edgeId = target.edgeId;
    if (extra?.nodeIds) issue.nodeIds = extra.nodeIds;
    list.push(issue);
  }

  error(
    target: IssueTarget,
    code: string,
    path: string | readonly PropertyKey[],
    message: string,
    extra?: Pick<ValidationIssue, 'nodeIds'>,
  ): void {
    this.add(target, 'error', code, path, message, extra);
  }

  warn(target: IssueTarget, code: string, path: string | readonly PropertyKey[], message: string): void {
    this.add(target, 'warning', code, path, message);
  }

  /** Appends a summary issue for what was dropped past MAX_ISSUES. */
  finish(): void {
    for (const severity of ['error', 'warning'] as const) {
      const n = this.dropped[severity];
      if (n > 0)
        (severity === 'error' ? this.errors : this.warnings).push({
          path: '',
          code: 'too_many_issues',
          severity,
          message: `${n} more ${severity}s not shown`,
        });
    }
  }
}

/** Joins a prefix and a path into a dotted path (`nodes.3` + `['config', 'url']` → `nodes.3.config.url`). */
export function joinPath(prefix: string, path: string | readonly PropertyKey[]): string {
  const tail = typeof path === 'string' ? path : path.map((p) => String(p)).join('.');
  if (!prefix) return tail;
  return tail ? `${prefix}.${tail}` : prefix;
}

/** The minimum of a zod issue we need (zod 4 `$ZodIssue`). */
interface ZodIssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  keys?: readonly string[];
}

/**
 * Records zod issues under `pathPrefix`. Unknown keys get one issue each, on the key itself,
 * so an editor can point at the field.
 */
export function addZodIssues(
  list: IssueList,
  target: IssueTarget,
  code: string,
  pathPrefix: readonly PropertyKey[],
  issues: readonly ZodIssueLike[],
): void {
  for (const issue of issues) {
    const path = [...pathPrefix, ...issue.path];
    if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
      for (const key of issue.keys) list.error(target, code, [...path, key], `unknown field "${key}"`);
    } else {
      list.error(target, code, path, issue.message);
    }
  }
}

const NOT_ASCII = /[^\x00-\x7f]/;

/** UTF-8 byte length of a string, without allocating (lone surrogates count as U+FFFD, 3 bytes, like TextEncoder). */
export function utf8Length(s: string): number {
  // Mostly ASCII (a definition's JSON): a native scan to the first other character is ~10x faster.
  const ascii = s.search(NOT_ASCII);
  if (ascii < 0) return s.length;
  let bytes = ascii;
  for (let i = ascii; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** `{}`-like objects (also null-prototype ones), not arrays, dates or class instances. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** An error's message for an issue text, whatever was thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return String(err);
  } catch {
    return 'unknown error';
  }
}
