import { draftValidation } from './flow-validation-cache';

const valid = {
  schemaVersion: 1,
  nodes: [{ id: 't', type: 'trigger.end_of_call', name: 'start', config: {} }],
  edges: [],
};
const draft = (revision: number, definition: unknown = valid, id = '0190a000-0000-7000-8000-000000000001') => ({
  tenantId: 't1',
  id,
  revision,
  updatedAt: new Date(1_700_000_000_000 + revision),
  definition,
});

describe('draftValidation', () => {
  it('validates a stored draft once per revision: reads reuse the verdict', () => {
    const first = draftValidation(draft(1));
    expect(first).toEqual({ valid: true, errors: [], warnings: [] });
    // Same revision: the very same verdict, not a new validation (even if handed another object).
    expect(draftValidation(draft(1, { ...valid }))).toBe(first);
  });

  it('validates again when the revision (or save time) changes, and per flow and tenant', () => {
    const before = draftValidation(draft(5));
    const after = draftValidation(draft(6, { schemaVersion: 1, nodes: [], edges: [] }));
    expect(after).not.toBe(before);
    expect(after.valid).toBe(false);
    expect(after.errors.map((e) => e.code)).toEqual(['trigger_count']);
    expect(draftValidation({ ...draft(5), updatedAt: new Date(0) })).not.toBe(before);
    expect(draftValidation({ ...draft(5), tenantId: 't2' })).not.toBe(before);
    expect(draftValidation(draft(5, valid, '0190a000-0000-7000-8000-000000000002'))).not.toBe(before);
  });

  it('keeps a bounded number of verdicts', () => {
    const oldest = draftValidation(draft(100));
    for (let r = 101; r < 1200; r++) draftValidation(draft(r));
    expect(draftValidation(draft(100))).not.toBe(oldest);
  });
});
