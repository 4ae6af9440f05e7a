import type { GraphNode } from './graph';
import { errorMessage, ROOT, type IssueList } from './issues';
import { compileMatchPattern, MAX_MATCH_PATTERN_CHARS, MAX_MATCH_PATTERN_SIZE, patternSize } from './match-pattern';
import { conditionNode } from './nodes/logic';
import { isNodeOf } from './registry';
import type { ValidationLimits } from './validation-types';

interface PatternRule {
  node: GraphNode;
  index: number;
  key: string;
  pattern: string;
  ignoreCase?: boolean;
}

/**
 * A condition's static `matches` pattern must compile (RE2 syntax, match-pattern.ts); a templated
 * one is checked when rendered. Each distinct pattern is compiled once, and only while the flow's
 * patterns together stay within `limits.maxPatternWork` (patternSize: ~1–2 µs a unit).
 */
export function checkPatterns(nodes: readonly GraphNode[], list: IssueList, limits: ValidationLimits): void {
  const rules: PatternRule[] = [];
  const sizes = new Map<string, number>();
  let work = 0;
  for (const node of nodes) {
    if (!isNodeOf(node, conditionNode)) continue;
    node.config.rules.forEach((rule, index) => {
      const pattern = rule.right;
      if (rule.op !== 'matches' || typeof pattern !== 'string' || pattern.includes('{{')) return;
      const key = `${rule.ignoreCase ? 'i' : '-'}${pattern}`;
      if (!sizes.has(key)) {
        // Patterns refused before compiling (too long, too large) cost nothing more.
        const size = pattern.length > MAX_MATCH_PATTERN_CHARS ? 0 : patternSize(pattern);
        sizes.set(key, size);
        if (size <= MAX_MATCH_PATTERN_SIZE) work += size;
      }
      rules.push({ node, index, key, pattern, ignoreCase: rule.ignoreCase });
    });
  }
  if (work > limits.maxPatternWork) {
    const message =
      `the matches patterns of this flow are too large to check: ${work} units of compile work, at most ` +
      `${limits.maxPatternWork} per flow (a unit is about one character; repetitions such as x{1,100} multiply)`;
    list.error(ROOT, 'limit_pattern_work', '', message);
    return;
  }
  const outcomes = new Map<string, string | null>();
  for (const r of rules) {
    let problem = outcomes.get(r.key);
    if (problem === undefined) {
      try {
        compileMatchPattern(r.pattern, r.ignoreCase);
        problem = null;
      } catch (err) {
        problem = errorMessage(err);
      }
      outcomes.set(r.key, problem);
    }
    if (problem !== null) {
      const path = ['config', 'rules', r.index, 'right'];
      list.error(r.node.issueTarget, 'regex', path, `not a valid regular expression: ${problem}`);
    }
  }
}
