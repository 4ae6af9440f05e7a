import { endOfCallTrigger, listTokens, logNode, setNode, validateFlow } from '@callflow/flow';
import { FlowEngine } from '../engine';
import { buildFlow } from '../../test/flows';

describe('log node', () => {
  const engine = new FlowEngine();
  afterAll(() => engine.close());
  const def = buildFlow(
    [
      ['t', endOfCallTrigger.type, 'ended'],
      ['l', logNode.type, 'log', { message: 'caller {{call.callerId}}' }],
      ['s', setNode.type, 'after', { values: [{ name: 'm', value: '{{nodes.log.message}}' }] }],
    ],
    [
      ['t', 'l'],
      ['l', 's'],
    ],
  );

  it('renders its message into its output, recorded in its step', async () => {
    const r = await engine.run(engine.compile(def), { call: { callerId: '+331' } });
    expect(r.status).toBe('succeeded');
    expect(r.steps[1]).toMatchObject({ type: logNode.type, handle: 'next', output: { message: 'caller +331' } });
    expect(r.steps[2]!.output).toEqual({ m: 'caller +331' });
  });

  it('needs a message, and offers nodes.<name>.message to later nodes', () => {
    const empty = buildFlow(
      [
        ['t', endOfCallTrigger.type, 'ended'],
        ['l', logNode.type, 'log', { message: '' }],
      ],
      [['t', 'l']],
    );
    expect(validateFlow(empty).errors).toMatchObject([{ nodeId: 'l', path: 'config.message' }]);
    expect(listTokens(validateFlow(def).flow!, 's')).toContain('nodes.log.message');
  });
});
