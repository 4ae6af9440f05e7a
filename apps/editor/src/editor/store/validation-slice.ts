/** Live validation results, mapped to the nodes and edges they concern. */
import type { ValidationIssue } from '@callflow/flow';
import type { EditorSlice, LiveValidation, ValidationSlice } from './types';

export const EMPTY_VALIDATION: LiveValidation = {
  result: null,
  byNode: new Map(),
  byEdge: new Map(),
  errorCount: 0,
  warningCount: 0,
};

export const createValidationSlice: EditorSlice<ValidationSlice> = (set, get) => ({
  validation: EMPTY_VALIDATION,

  setValidation(result) {
    const prev = get().validation;
    const fresh = new Map<string, ValidationIssue[]>();
    const freshEdges = new Map<string, ValidationIssue[]>();
    const add = (map: Map<string, ValidationIssue[]>, key: string | undefined, issue: ValidationIssue) => {
      if (!key) return;
      const list = map.get(key);
      if (list) list.push(issue);
      else map.set(key, [issue]);
    };
    for (const issue of [...result.errors, ...result.warnings]) {
      add(fresh, issue.nodeId, issue);
      add(freshEdges, issue.edgeId, issue);
      // A cycle is reported on the edge that closes it; mark every node on it too.
      if (issue.nodeIds) for (const id of issue.nodeIds) if (id !== issue.nodeId) add(fresh, id, issue);
    }
    set({
      validation: {
        result,
        byNode: reuse(prev.byNode, fresh),
        byEdge: reuse(prev.byEdge, freshEdges),
        errorCount: result.errors.length,
        warningCount: result.warnings.length,
      },
    });
  },
});

/** Keeps the previous array for a key when its issues are the same, so subscribers see no change. */
function reuse(
  prev: Map<string, ValidationIssue[]>,
  fresh: Map<string, ValidationIssue[]>,
): Map<string, ValidationIssue[]> {
  for (const [key, list] of fresh) {
    const old = prev.get(key);
    if (
      old &&
      old.length === list.length &&
      old.every(
        (o, i) => o.message === list[i]!.message && o.path === list[i]!.path && o.severity === list[i]!.severity,
      )
    )
      fresh.set(key, old);
  }
  return fresh;
}
