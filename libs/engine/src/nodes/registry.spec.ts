import { NODE_SPECS } from '@callflow/flow';
import { NODE_EXECUTORS } from '.';

describe('node registry', () => {
  it('has exactly one executor for every node spec, and no executor without a spec', () => {
    const specTypes = NODE_SPECS.map((s) => s.type).sort();
    const executorTypes = NODE_EXECUTORS.map((e) => e.type).sort();
    expect(executorTypes).toEqual(specTypes);
    expect(new Set(executorTypes).size).toBe(executorTypes.length);
  });
});
