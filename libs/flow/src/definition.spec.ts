import { flowDefinitionSchema } from './definition';
import { ivrFlow } from './testing/flows';
import { validateFlow } from './validate';

describe('a pinned sample input in the definition', () => {
  it('is a run input: its roots only, plain JSON', () => {
    const f = ivrFlow();
    f.sampleInput = { call: { callerId: '+33612345678' }, request: { method: 'POST', body: [{ a: 1 }] } };
    expect(flowDefinitionSchema.safeParse(f).success).toBe(true);
    expect(validateFlow(f).valid).toBe(true);

    f.sampleInput = { caller: '+336' };
    const unknownRoot = validateFlow(f);
    expect(unknownRoot.errors).toEqual([
      expect.objectContaining({ path: 'sampleInput.caller', message: 'unknown field "caller"' }),
    ]);

    f.sampleInput = { call: 'not an object' };
    expect(validateFlow(f).errors.map((e) => e.path)).toEqual(['sampleInput.call']);

    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { d: deep };
    f.sampleInput = { request: { body: deep } };
    expect(validateFlow(f).errors).toEqual([
      expect.objectContaining({
        path: 'sampleInput.request.body',
        message: expect.stringMatching(/nested more than 32/),
      }),
    ]);
  });
});
