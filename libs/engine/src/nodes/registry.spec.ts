import { NODE_SPECS } from '@callflow/flow';
import { EXECUTORS, NODE_EXECUTORS } from '.';

describe('node registry', () => {
  it('has exactly one executor for every node spec, and no executor without a spec', () => {
    const specTypes = NODE_SPECS.map((s) => s.type).sort();
    const executorTypes = NODE_EXECUTORS.map((e) => e.type).sort();
    expect(executorTypes).toEqual(specTypes);
    expect(new Set(executorTypes).size).toBe(executorTypes.length);
  });

  it('registers each executor under its own type', () => {
    for (const [type, executor] of Object.entries(EXECUTORS)) expect(executor.type).toBe(type);
  });
});
