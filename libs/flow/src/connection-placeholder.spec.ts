import { CONNECTION_PLACEHOLDER_PREFIX } from './nodes/common';
import { validateFlow } from './validate';

const flow = (connectionId: string, type: 'http' | 'soap' = 'http') => ({
  schemaVersion: 1,
  nodes: [
    { id: 't', type: 'trigger.end_of_call', name: 'ended', config: {} },
    {
      id: 'n',
      type,
      name: 'call',
      config:
        type === 'http'
          ? { url: 'https://crm.example/x', connectionId }
          : { wsdlUrl: 'https://crm.example/x?wsdl', operation: 'Op', connectionId },
    },
  ],
  edges: [{ id: 'e1', source: 't', target: 'n' }],
});

describe('connection placeholders left by flow templates', () => {
  it.each(['http', 'soap'] as const)('%s: a placeholder is an error naming its purpose; a real id is fine', (type) => {
    const r = validateFlow(flow(`${CONNECTION_PLACEHOLDER_PREFIX}crm`, type));
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([
      expect.objectContaining({
        nodeId: 'n',
        path: 'config.connectionId',
        message: 'choose a connection: the template left the placeholder for its "crm" connection',
      }),
    ]);
    expect(validateFlow(flow('6f1c0b5e-2d7a-4c1e-9a51-0d3b8f1e2a44', type)).valid).toBe(true);
  });
});
