import { chainFlow, ivrFlow, nodeById, type LooseFlow } from './testing/flows';
import { listTokens, STANDARD_TOKENS } from './tokens';
import { validateFlow, type ValidationIssue, type ValidationResult } from './validate';

type Expected = Partial<ValidationIssue> & { code: string };

function find(list: ValidationIssue[], expected: Expected): ValidationIssue {
  const match = list.find((e) =>
    Object.entries(expected).every(([k, v]) => (e as unknown as Record<string, unknown>)[k] === v),
  );
  if (!match) throw new Error(`no issue ${JSON.stringify(expected)} in ${JSON.stringify(list, null, 1)}`);
  return match;
}

function expectError(result: ValidationResult, expected: Expected): ValidationIssue {
  expect(result.valid).toBe(false);
  return find(result.errors, expected);
}

function expectWarning(result: ValidationResult, expected: Expected): ValidationIssue {
  return find(result.warnings, expected);
}

function validate(mutate: (flow: LooseFlow) => void): ValidationResult {
  const flow = ivrFlow();
  mutate(flow);
  return validateFlow(flow);
}

/** Sets the lookup node's URL template. */
function withUrl(url: string): ValidationResult {
  return validate((f) => void (nodeById(f, 'lookup').config.url = url));
}

describe('validateFlow: templates', () => {
  it('reports syntax errors with line and column', () => {
    const issue = expectError(withUrl('https://x/{{call.id'), {
      code: 'template_syntax',
      nodeId: 'lookup',
      path: 'config.url',
    });
    expect(issue.message).toMatch(/^line 1, column \d+: /);
  });

  it('reports syntax errors on later lines of a body', () => {
    const result = validate(
      (f) => void (nodeById(f, 'r2').config.body = { type: 'json', template: '{\n  "a": "{{#if x}}"\n}' }),
    );
    const issue = expectError(result, { code: 'template_syntax', nodeId: 'r2', path: 'config.body.template' });
    expect(issue.message).toMatch(/^line 3, column \d+: unexpected end of template/);
  });

  it('reports unknown helpers and blocks at their position', () => {
    const url = 'https://x/{{shout call.id}}';
    const issue = expectError(withUrl(url), { code: 'template_helper', nodeId: 'lookup', path: 'config.url' });
    expect(issue.message).toBe(`line 1, column ${url.indexOf('shout') + 1}: unknown helper "shout"`);
    const block = validate(
      (f) => void (nodeById(f, 'lookup').config.headers = [{ name: 'X-A', value: '{{#repeat 3}}a{{/repeat}}' }]),
    );
    expectError(block, { code: 'template_helper', nodeId: 'lookup', path: 'config.headers.0.value' });
  });

  it('accepts a JSON body closed right after a mustache', () => {
    const result = validate(
      (f) =>
        void (nodeById(f, 'r2').config.body = {
          type: 'json',
          template: '{"call":{{json call}},"vip":{"name":"{{contact.firstName}}"}}',
        }),
    );
    expect(result.errors).toEqual([]);
  });

  it('accepts known helpers and triple-stash', () => {
    const result = validate((f) => {
      const c = nodeById(f, 'lookup').config;
      c.url = '{{{connection.baseUrl}}}/c?sig={{md5 (concat call.id "secret")}}';
      c.connectionId = 'crm';
    });
    expect(result.errors).toEqual([]);
  });

  it('limits each template to maxTemplateBytes (UTF-8)', () => {
    const max = 64 * 1024;
    const body = (template: string) =>
      validate((f) => void (nodeById(f, 'r2').config.body = { type: 'text', template }));
    expect(body('x'.repeat(max)).valid).toBe(true);
    const issue = expectError(body('x'.repeat(max + 1)), {
      code: 'template_size',
      nodeId: 'r2',
      path: 'config.body.template',
    });
    expect(issue.message).toBe(`template is ${max + 1} bytes; the limit is ${max}`);
    expectError(body('é'.repeat(max / 2) + 'x'), { code: 'template_size' });
    const small = validateFlow(ivrFlow(), { maxTemplateBytes: 10 });
    expectError(small, { code: 'template_size', nodeId: 'lookup', path: 'config.url' });
  });

  it('checks templates of every node type that has them', () => {
    const result = validate((f) => {
      f.nodes.push(
        {
          id: 's',
          type: 'soap',
          name: 'soap',
          config: { wsdlUrl: 'https://x/?wsdl', operation: 'Op', args: { customer: { phone: ['{{bad x}}'] } } },
        },
        { id: 'v', type: 'set', name: 'setter', config: { values: [{ name: 'a', value: '{{#each}}{{/each}}' }] } },
      );
      f.edges.push({ id: 'es', source: 'r1', target: 's' }, { id: 'ev', source: 's', target: 'v' });
    });
    expectError(result, { code: 'template_helper', nodeId: 's', path: 'config.args.customer.phone.0' });
    expectError(result, { code: 'template_helper', nodeId: 'v', path: 'config.values.0.value' });
  });
});

describe('validateFlow: token references', () => {
  it('accepts nodes.<name> of an upstream node, on any branch that leads here', () => {
    // r2 is reached from lookup by both success (via isVip) and error.
    const result = validate(
      (f) =>
        void (nodeById(f, 'r2').config.body = { type: 'text', template: '{{nodes.lookup.status}} {{nodes.isVip}}' }),
    );
    expect(result.errors).toEqual([]);
  });

  it('rejects a node name that does not exist', () => {
    const issue = expectError(withUrl('https://x/{{nodes.ghost.body}}'), {
      code: 'node_reference',
      nodeId: 'lookup',
      path: 'config.url',
    });
    expect(issue.message).toBe('line 1, column 13: {{nodes.ghost.body}}: there is no node named "ghost"');
  });

  it('rejects a node that does not run before this one', () => {
    const result = validate(
      (f) => void (nodeById(f, 'r1').config.body = { type: 'text', template: '{{nodes.normalQueue}}' }),
    );
    const issue = expectError(result, { code: 'node_reference', nodeId: 'r1', path: 'config.body.template' });
    expect(issue.message).toContain('node "normalQueue" does not run before this node');
    const downstream = validate(
      (f) => void (nodeById(f, 'check').config.rules = [{ handle: 'a', left: '{{nodes.vipQueue.x}}', op: 'exists' }]),
    );
    expectError(downstream, { code: 'node_reference', nodeId: 'check', path: 'config.rules.0.left' });
  });

  it('rejects a node reading its own output', () => {
    const issue = expectError(withUrl('https://x/{{nodes.lookup.body}}'), {
      code: 'node_reference',
      nodeId: 'lookup',
      path: 'config.url',
    });
    expect(issue.message).toContain('a node cannot read its own output');
  });

  it('checks references inside helpers, blocks and @root paths', () => {
    expectError(withUrl('https://x/{{upper (lower nodes.ghost)}}'), { code: 'node_reference' });
    expectError(withUrl('https://x/{{#each vars.list}}{{@root.nodes.ghost}}{{/each}}'), { code: 'node_reference' });
    // Relative paths inside #each read the item, not the run.
    expect(withUrl('https://x/{{#each call.custom.tags}}{{nodes.ghost}}{{/each}}').errors).toEqual([]);
  });

  it('refuses unknown token roots: they never resolve', () => {
    const result = withUrl('https://x/{{caller.id}}');
    const issue = expectError(result, {
      code: 'unknown_token',
      nodeId: 'lookup',
      path: 'config.url',
      severity: 'error',
    });
    expect(issue.message).toContain(
      'unknown token {{caller.id}}; tokens start with call, contact, campaign, ivr, ' +
        'event, request, nodes, vars, connection, now',
    );
  });

  it('accepts every root the trigger fills', () => {
    const url = 'https://x/{{call.id}}{{contact.id}}{{campaign.id}}{{ivr.digits}}{{event.type}}{{now}}{{json nodes}}';
    expect(withUrl(url).warnings).toEqual([]);
    expect(withUrl(url).errors).toEqual([]);
  });

  it('refuses request.* outside webhook flows, and call/contact/campaign/ivr/event in them', () => {
    const url = 'https://x/{{request.query.id}}';
    const issue = expectError(withUrl(url), { code: 'request_token', nodeId: 'lookup', path: 'config.url' });
    expect(issue.message).toContain('never set in a flow started by trigger.ivr');
    const hook = (url: string) =>
      validate((f) => {
        f.nodes[0] = { id: 't', type: 'trigger.webhook', name: 'hook', config: { methods: ['GET'] } };
        nodeById(f, 'lookup').config.url = url;
      });
    expect(hook('https://x/{{request.query.id}}').errors.filter((e) => e.nodeId === 'lookup')).toEqual([]);
    for (const token of ['call.id', 'contact.phone', 'campaign.id', 'ivr.digits', 'event.type']) {
      const e = expectError(hook(`https://x/{{${token}}}`), { code: 'input_token', nodeId: 'lookup' });
      expect(e.message).toContain('a webhook run has only request.method/query/headers/body');
    }
    const async = chainFlow(1);
    (async.nodes[1]!.config as Record<string, unknown>).values = [{ name: 'd', value: '{{ivr.digits}}' }];
    expectError(validateFlow(async), { code: 'input_token', nodeId: 'n1' });
  });

  it('refuses connection.* in a node without a connection', () => {
    expectError(withUrl('{{{connection.baseUrl}}}/x'), { code: 'connection_token', nodeId: 'lookup' });
    const withConnection = validate((f) => {
      const c = nodeById(f, 'lookup').config;
      c.url = '{{{connection.baseUrl}}}/x';
      c.connectionId = 'crm';
    });
    expect(withConnection.errors).toEqual([]);
    expect(withConnection.warnings).toEqual([]);
  });

  it('refuses vars no upstream set node sets', () => {
    const flow = chainFlow(2);
    (flow.nodes[2]!.config as Record<string, unknown>).values = [{ name: 'b', value: '{{vars.v1}} {{vars.v9}}' }];
    const result = validateFlow(flow);
    const unknownVar = { code: 'unknown_var', nodeId: 'n2', path: 'config.values.0.value' };
    expect(result.errors).toEqual([expect.objectContaining(unknownVar)]);
    expect(result.errors[0]!.message).toContain('"v9"');
  });
});

describe('validateFlow: connection secrets in templates', () => {
  /** The lookup node with a connection and `header` as its X-Sig header template. */
  const withHeader = (header: string, connectionId: string | null = 'crm') =>
    validate((f) => {
      const c = nodeById(f, 'lookup').config;
      c.headers = [{ name: 'X-Sig', value: header }];
      if (connectionId) c.connectionId = connectionId;
    });

  it('accepts a secret inside a hash helper, directly or through concat', () => {
    for (const t of [
      '{{md5 secrets.apiKey}}',
      '{{md5 (concat connection.callcenterId secrets.apiKey call.id)}}',
      '{{sha1 (concat (concat "a" secrets.k) "b")}}',
      '{{sha256 secrets.k}}',
      '{{hmacSha256 secrets.k call.id}}',
      '{{upper (md5 (concat secrets.k))}}',
    ]) {
      expect({ t, errors: withHeader(t).errors }).toEqual({ t, errors: [] });
    }
  });

  it('refuses a secret sent as itself (or any bit of it): a validation error, never an empty string', () => {
    const leaks = [
      '{{secrets.password}}',
      '{{concat "x" secrets.password}}',
      '{{md5 (substring secrets.password 0 1)}}',
      '{{#if secrets.password}}1{{/if}}',
      '{{lower secrets.p}}',
      '{{json secrets}}',
    ];
    for (const t of leaks) {
      const at = { code: 'secret_token', nodeId: 'lookup', path: 'config.headers.0.value' };
      const issue = expectError(withHeader(t), at);
      expect(issue.message).toMatch(/secret/);
    }
    const none = expectError(withHeader('{{md5 secrets.k}}', null), { code: 'secret_token' });
    expect(none.message).toContain('it has none');
    // A node without connections (a respond) can never read one.
    const body = { type: 'text', template: '{{md5 secrets.k}}' };
    const respond = validate((f) => void (nodeById(f, 'r2').config.body = body));
    expectError(respond, { code: 'secret_token', nodeId: 'r2' });
  });
});

describe('validateFlow: condition regexes', () => {
  const rule = (right: string) =>
    validate(
      (f) =>
        void (nodeById(f, 'check').config.rules = [{ handle: 'vip', left: '{{call.callerId}}', op: 'matches', right }]),
    );

  it('rejects a static pattern that does not compile', () => {
    const issue = expectError(rule('^(+33'), { code: 'regex', nodeId: 'check', path: 'config.rules.0.right' });
    expect(issue.message).toMatch(/^not a valid regular expression: /);
  });

  it('rejects what the linear-time engine cannot run: backreferences and lookarounds (issue 16: ReDoS)', () => {
    for (const p of ['(a*)*\\1b', '^(?=a)a', 'x(?!y)']) {
      const issue = expectError(rule(p), { code: 'regex', nodeId: 'check', path: 'config.rules.0.right' });
      expect(issue.message).toContain('patterns use RE2 syntax');
    }
  });

  it('accepts valid and templated patterns', () => {
    expect(rule('^\\+33[0-9]{9}$').valid).toBe(true);
    expect(rule('{{call.custom.pattern}}(').errors).toEqual([]);
  });
});

describe('validateFlow: respond nodes and trigger modes', () => {
  it('warns about respond nodes under an async trigger', () => {
    const result = validate(
      (f) => void (f.nodes[0] = { id: 't', type: 'trigger.end_of_call', name: 'ended', config: {} }),
    );
    expect(result.valid).toBe(true);
    expect(result.warnings.map((w) => [w.code, w.nodeId, w.path])).toEqual([
      ['respond_async', 'r1', ''],
      ['respond_async', 'r2', ''],
    ]);
  });

  it('warns when a sync trigger reaches no respond node', () => {
    const result = validate((f) => {
      f.nodes = f.nodes.filter((n) => n.type !== 'respond');
      f.edges = f.edges.filter((e) => e.target !== 'r1' && e.target !== 'r2');
    });
    expect(result.valid).toBe(true);
    const issue = expectWarning(result, { code: 'no_respond', nodeId: 't', path: '' });
    expect(issue.message).toContain('fallback');
  });

  it('has no respond warnings for an async flow without respond', () => {
    expect(validateFlow(chainFlow(3)).warnings).toEqual([]);
  });
});

describe('listTokens', () => {
  const flow = (() => {
    const f = ivrFlow();
    f.nodes.push({
      id: 'v',
      type: 'set',
      name: 'vars1',
      config: {
        values: [
          { name: 'queue', value: 'vip' },
          { name: 'level', value: '{{nodes.isVip}}' },
        ],
      },
    });
    f.edges[2] = { id: 'e3', source: 'check', sourceHandle: 'vip', target: 'v' };
    f.edges.push({ id: 'e6', source: 'v', target: 'r1' });
    nodeById(f, 'lookup').config.connectionId = 'crm';
    const result = validateFlow(f);
    expect(result.errors).toEqual([]);
    return result.flow!;
  })();

  it('lists run input, upstream outputs and vars for a node', () => {
    const tokens = listTokens(flow, 'r1');
    expect(tokens).toEqual(
      expect.arrayContaining([
        ...STANDARD_TOKENS.call,
        ...STANDARD_TOKENS.contact,
        ...STANDARD_TOKENS.ivr,
        'campaign.name',
        'now',
      ]),
    );
    expect(tokens).toEqual(
      expect.arrayContaining([
        'nodes.lookup',
        'nodes.lookup.status',
        'nodes.lookup.body',
        'nodes.isVip',
        'nodes.vars1',
        'vars.queue',
        'vars.level',
      ]),
    );
    expect(tokens).not.toContain('nodes.vipQueue');
    expect(tokens).not.toContain('nodes.ivr');
    // An IVR may send event data, never a webhook request.
    expect(tokens.some((t) => t.startsWith('request.'))).toBe(false);
    expect(tokens).not.toContain('connection');
  });

  it('lists only what can have run before the node', () => {
    const tokens = listTokens(flow, 'r2');
    expect(tokens).toContain('nodes.lookup');
    expect(tokens).not.toContain('nodes.vars1');
    expect(tokens.filter((t) => t.startsWith('vars.'))).toEqual([]);
    expect(listTokens(flow, 'lookup').filter((t) => t.startsWith('nodes.'))).toEqual([]);
  });

  it('offers connection to nodes with a connection and [] for unknown ids', () => {
    expect(listTokens(flow, 'lookup')).toContain('connection');
    expect(listTokens(flow, 'nope')).toEqual([]);
  });

  it('follows the trigger: request for webhooks, event for async triggers', () => {
    const hook = ivrFlow();
    hook.nodes[0] = { id: 't', type: 'trigger.webhook', name: 'hook', config: {} };
    nodeById(hook, 'lookup').config.url = 'https://crm.example.com/customers?phone={{request.query.phone}}';
    const hookTokens = listTokens(validateFlow(hook).flow!, 'lookup');
    expect(hookTokens).toEqual(expect.arrayContaining([...STANDARD_TOKENS.request]));
    // A webhook run has only its request: no call, contact, campaign, ivr or event tokens are offered.
    expect(hookTokens.some((t) => /^(ivr|call|contact|campaign|event)\./.test(t))).toBe(false);
    const async = listTokens(validateFlow(chainFlow(2)).flow!, 'n2');
    expect(async).toEqual(expect.arrayContaining([...STANDARD_TOKENS.event, 'nodes.step1', 'vars.v1']));
  });
});
