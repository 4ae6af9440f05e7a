import { chainFlow, nodeById } from '../testing/flows';
import { validateFlow } from '../validate';
import { campaignTrigger, endOfCallTrigger, MAX_CONCURRENT_RUNS_LIMIT } from './triggers';

const ASYNC_TRIGGERS = ['trigger.campaign', 'trigger.end_of_call'];

/** Validates a trigger → set flow whose trigger config has `maxConcurrentRuns: value`. */
function withLimit(triggerType: string, value: unknown) {
  const flow = chainFlow(1, triggerType);
  nodeById(flow, 't').config.maxConcurrentRuns = value;
  return validateFlow(flow);
}

describe.each(ASYNC_TRIGGERS)('%s: maxConcurrentRuns', (type) => {
  it.each([1, 3, MAX_CONCURRENT_RUNS_LIMIT])('accepts %s and keeps it in the trigger config', (n) => {
    const result = withLimit(type, n);
    expect(result.errors).toEqual([]);
    expect(result.flow!.trigger.config).toMatchObject({ maxConcurrentRuns: n });
  });

  it('is optional: absent means no limit', () => {
    const result = validateFlow(chainFlow(1, type));
    expect(result.valid).toBe(true);
    expect(result.flow!.trigger.config).not.toHaveProperty('maxConcurrentRuns');
  });

  it.each([0, -1, 2.5, MAX_CONCURRENT_RUNS_LIMIT + 1, '3', null, Number.NaN])(
    'refuses %p with a clear message on config.maxConcurrentRuns',
    (bad) => {
      const result = withLimit(type, bad);
      expect(result.valid).toBe(false);
      expect(result.errors).toEqual([
        expect.objectContaining({
          code: 'config',
          nodeId: 't',
          path: 'config.maxConcurrentRuns',
          message: 'max concurrent runs must be a whole number from 1 to 1000 (leave it empty for no limit)',
        }),
      ]);
    },
  );
});

describe('async trigger summaries', () => {
  it('mention the limit when one is set', () => {
    expect(
      campaignTrigger.summary!(campaignTrigger.configSchema.parse({ campaignIds: ['spring'], maxConcurrentRuns: 5 })),
    ).toBe('campaigns spring, ≤ 5 at once');
    expect(endOfCallTrigger.summary!(endOfCallTrigger.configSchema.parse({ maxConcurrentRuns: 2 }))).toBe(
      'every ended call, ≤ 2 at once',
    );
    expect(campaignTrigger.summary!(campaignTrigger.configSchema.parse({}))).toBe('every campaign');
  });
});

describe('trigger.webhook: auth (a per-flow secret in a parameter or header)', () => {
  /** trigger.webhook → set (webhook runs have request.*, not call.*). */
  const webhookChain = () => {
    const flow = chainFlow(1, 'trigger.webhook');
    nodeById(flow, 'n1').config.values = [{ name: 'v1', value: '{{request.query.id}}' }];
    return flow;
  };
  const withAuth = (auth: unknown) => {
    const flow = webhookChain();
    nodeById(flow, 't').config.auth = auth;
    return validateFlow(flow);
  };

  it('accepts a query parameter or a header the counterpart chooses', () => {
    expect(withAuth({ in: 'query', name: 'clientId' }).flow!.trigger.config).toMatchObject({
      auth: { in: 'query', name: 'clientId' },
    });
    expect(withAuth({ in: 'header', name: 'X-Client-Id' }).valid).toBe(true);
    expect(validateFlow(webhookChain()).flow!.trigger.config).not.toHaveProperty('auth');
  });

  it.each([
    [{ in: 'query', name: 'token' }, 'config.auth.name', /API keys/],
    [{ in: 'header', name: 'Authorization' }, 'config.auth.name', /reserved/],
    [{ in: 'header', name: 'X-Api-Key' }, 'config.auth.name', /reserved/],
    [{ in: 'header', name: 'bad name' }, 'config.auth.name', /letters, digits/],
    [{ in: 'body', name: 'x' }, 'config.auth.in', /./],
    [{ in: 'query', name: 'k', secret: 'inline' }, 'config.auth.secret', /unknown field/],
  ])('refuses %j', (auth, path, message) => {
    const r = withAuth(auth);
    expect(r.errors.map((e) => e.path)).toEqual([path]);
    expect(r.errors[0]!.message).toMatch(message);
  });
});
