import { validateFlow, type FlowValidation } from '@callflow/flow';

/** The validator's verdict without the parsed flow. */
export function validation(definition: unknown): FlowValidation {
  const r = validateFlow(definition);
  return { valid: r.valid, errors: r.errors, warnings: r.warnings };
}

/** Most drafts whose verdict is kept, and most issues kept in all (a verdict holds up to ~2,000). */
const MAX_ENTRIES = 1000;
const MAX_ISSUES = 50_000;

/** What identifies a stored draft's content: every save bumps its revision (and its save time). */
interface StoredDraft {
  tenantId: string;
  id: string;
  revision: number;
  updatedAt: Date;
  definition: unknown;
}

/** Draft verdicts by tenant, flow, revision and save time (every save bumps the revision), oldest first. */
const cache = new Map<string, FlowValidation>();
let issues = 0;

const size = (v: FlowValidation) => v.errors.length + v.warnings.length + 1;

/**
 * The validator's verdict on a stored draft, computed once per revision in this process: a draft
 * is validated when it is saved, and reading it (GET /flows/:id, every time a viewer opens it)
 * reuses that verdict instead of validating again. Validation is bounded (tens of ms at worst,
 * docs/security.md), but nothing makes it worth repeating for a definition that did not change.
 */
export function draftValidation(flow: StoredDraft): FlowValidation {
  const key = `${flow.tenantId}/${flow.id}@${flow.revision}/${new Date(flow.updatedAt).getTime()}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const verdict = validation(flow.definition);
  cache.set(key, verdict);
  issues += size(verdict);
  while (cache.size > MAX_ENTRIES || (issues > MAX_ISSUES && cache.size > 1)) {
    const [oldestKey, oldest] = cache.entries().next().value as [string, FlowValidation];
    cache.delete(oldestKey);
    issues -= size(oldest);
  }
  return verdict;
}
