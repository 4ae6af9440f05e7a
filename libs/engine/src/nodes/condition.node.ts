import {
  compileMatchPattern,
  conditionNode,
  type ConditionOp,
  type ConditionRule,
  type MatchPattern,
} from '@callflow/flow';
import { compileTemplate, type CompiledTemplate } from '../template';
import { defineExecutor } from '../runtime/executor';

/** Regex subjects are capped: matching is linear (RE2), and a condition reads a short value. */
const MAX_REGEX_SUBJECT = 10_000;
/** Templated patterns compiled lately (a pattern built from run data is usually one of a few). */
const dynamicPatterns = new Map<string, MatchPattern | null>();
const MAX_DYNAMIC_PATTERNS = 500;

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

/** Compares as numbers when both sides are numeric, else as strings. */
function compare(a: unknown, b: unknown, fold: (s: string) => string): number {
  const na = num(a);
  const nb = num(b);
  if (na !== undefined && nb !== undefined) return na === nb ? 0 : na < nb ? -1 : 1;
  const sa = fold(text(a));
  const sb = fold(text(b));
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

interface PreparedRule {
  rule: ConditionRule;
  left: CompiledTemplate;
  right?: CompiledTemplate;
  /** Compiled once when the pattern has no tokens. */
  regex?: MatchPattern;
}

function test(op: ConditionOp, r: PreparedRule, left: unknown, right: unknown): boolean {
  const fold = r.rule.ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s;
  switch (op) {
    case 'eq':
      return compare(left, right, fold) === 0;
    case 'neq':
      return compare(left, right, fold) !== 0;
    case 'gt':
      return compare(left, right, fold) > 0;
    case 'gte':
      return compare(left, right, fold) >= 0;
    case 'lt':
      return compare(left, right, fold) < 0;
    case 'lte':
      return compare(left, right, fold) <= 0;
    case 'contains':
      if (Array.isArray(left)) return left.some((x) => compare(x, right, fold) === 0);
      return fold(text(left)).includes(fold(text(right)));
    case 'startsWith':
      return fold(text(left)).startsWith(fold(text(right)));
    case 'matches': {
      const re = r.regex ?? safeRegex(text(right), r.rule.ignoreCase);
      return re ? re.test(text(left).slice(0, MAX_REGEX_SUBJECT)) : false;
    }
    case 'exists':
      return left !== undefined && left !== null;
    case 'empty':
      return isEmpty(left);
  }
}

/** A pattern on the linear-time engine (never JavaScript's backtracking RegExp); undefined when it does not compile. */
function safeRegex(pattern: string, ignoreCase?: boolean): MatchPattern | undefined {
  const key = `${ignoreCase ? 'i' : '-'}${pattern}`;
  let p = dynamicPatterns.get(key);
  if (p === undefined) {
    try {
      p = compileMatchPattern(pattern, ignoreCase);
    } catch {
      p = null;
    }
    if (dynamicPatterns.size >= MAX_DYNAMIC_PATTERNS) dynamicPatterns.clear();
    dynamicPatterns.set(key, p);
  }
  return p ?? undefined;
}

/** `condition`: the first matching rule picks its handle, else `default`. No eval: a fixed set of operators. */
export const conditionExecutor = defineExecutor(conditionNode, {
  prepare(node) {
    const rules: PreparedRule[] = node.config.rules.map((rule) => {
      const p: PreparedRule = { rule, left: compileTemplate(rule.left, 'value') };
      if (rule.right !== undefined) {
        p.right = compileTemplate(rule.right, 'value');
        if (rule.op === 'matches' && !rule.right.includes('{{')) p.regex = safeRegex(rule.right, rule.ignoreCase);
      }
      return p;
    });
    return {
      run(ctx) {
        for (const r of rules) {
          const left = r.left.evaluate(ctx.scope);
          const right = r.right?.evaluate(ctx.scope);
          if (test(r.rule.op, r, left, right)) return { handle: r.rule.handle, output: { matched: r.rule.handle } };
        }
        return { handle: 'default', output: { matched: 'default' } };
      },
    };
  },
});
