import { createHash, randomBytes } from 'node:crypto';
import { GcallsFake, type GcallsTokenIn } from './fakes/gcalls.fake';
import { createConnection, flowFromTemplate, sendEvent, webhookSecret } from './fakes/template-flows';
import { TestApp } from './harness';
import { captureOutput, dumpDatabase } from './support/capture-output';
import { finishedExecution } from './support/triggers';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const CALLCENTER = 'cc-7';
/** The Integrator's secret the Md5 parameter signs with: it must appear nowhere but in the hashes. */
const CANARY = `CANARY-md5-${randomBytes(6).toString('hex')}`;

/**
 * Gcalls' parameter kinds (seed 000: "Header, Body, Query, Path", "Md5: md5 encoded params are
 * inserted in api header"): the Auth endpoint's token placed in the query, the body or the path
 * by the connection (and re-placed after a 401), the Md5 parameter computed over a secret field
 * that never shows, and a token that can never resolve refused before publishing.
 */
describe('templates: Gcalls token placement and the Md5 secret', () => {
  let t: TestApp;
  const fakes = {} as Record<Exclude<GcallsTokenIn, 'header'>, GcallsFake>;
  const conns = {} as Record<Exclude<GcallsTokenIn, 'header'>, string>;
  const logs: string[] = [];
  let restoreOutput: () => void;
  const executionIds: string[] = [];
  const answers: string[] = [];
  // The Callbox (an agent's browser) calls with each flow's own secret, not an API key.
  const secrets = new Map<string, string>();
  const hook = (key: string) => `/api/v1/hooks/${key}?secret=${secrets.get(key) ?? 'unset'}`;
  const fromTemplate = async (id: string, key: string, connections: Record<string, string>) => {
    const flow = await flowFromTemplate(t, id, key, connections);
    if (flow.definition.nodes[0].config.auth) secrets.set(key, await webhookSecret(t, flow.id));
  };

  const connection = (f: GcallsFake, apply: Record<string, unknown>, basePath?: string) =>
    createConnection(t, {
      name: `gcalls ${String(apply.in)}`,
      type: 'token_endpoint',
      fields: { host: f.hostPort, callcenterId: CALLCENTER, scheme: 'http', ...(basePath ? { basePath } : {}) },
      request: {
        method: 'POST',
        url: 'http://{{{connection.host}}}/api/auth',
        body: { type: 'json', template: '{"username": "u", "password": "{{secrets.password}}"}' },
      },
      tokenPath: 'access_token',
      expiresInPath: 'expires_in',
      apply,
      secrets: { password: 'p', apiSecret: CANARY },
    });

  beforeAll(async () => {
    restoreOutput = captureOutput(logs);
    t = await TestApp.start({ LOG_LEVEL: 'debug' });
    for (const mode of ['query', 'body', 'path'] as const)
      fakes[mode] = await GcallsFake.start({
        username: 'u',
        password: 'p',
        callcenterId: CALLCENTER,
        apiSecret: CANARY,
        tokenIn: mode,
      });
    for (const f of Object.values(fakes))
      f.contacts.set('+84901', { id: 'ct-9', name: 'A', phone: '+84901', email: '' });
    conns.query = await connection(fakes.query, { in: 'query', name: 'access_token' });
    conns.body = await connection(fakes.body, { in: 'body', name: 'access_token' });
    conns.path = await connection(fakes.path, { in: 'path', name: 'token' }, '/rest/{token}');
    await fromTemplate('gcalls-call-log', 'log-query', { gcalls: conns.query });
    await fromTemplate('gcalls-call-log', 'log-path', { gcalls: conns.path });
    await fromTemplate('gcalls-iframe-data', 'iframe-path', { gcalls: conns.path });
    await fromTemplate('gcalls-create-ticket', 'ticket-body', { gcalls: conns.body });
    await fromTemplate('gcalls-send-sms', 'sms-body', { gcalls: conns.body });
  });
  afterAll(async () => {
    await Promise.all([t?.close(), ...Object.values(fakes).map((f) => f.close())]);
    restoreOutput?.();
  });
  afterEach(() => {
    for (const f of Object.values(fakes)) expect(f.violations).toEqual([]);
  });

  /** The execution as the API answers it: the token must not be in it. */
  async function record(id: string): Promise<string> {
    executionIds.push(id);
    await finishedExecution(t, id); // a webhook's execution is written just after its answer
    const r = await t.as('get', `/api/v1/executions/${id}`).expect(200);
    const text = JSON.stringify(r.body);
    answers.push(text);
    return text;
  }

  const endOfCall = (id: string, flowKeyHint: string) => ({
    id: `${flowKeyHint}-${id}`,
    type: 'call.ended',
    call: {
      id,
      callerId: '+84901',
      calledNumber: '1900',
      direction: 'in',
      disposition: 'answered',
      startedAt: '2026-11-21T09:00:00Z',
      endedAt: '2026-11-21T09:01:00Z',
      durationSec: 60,
      agent: { extension: '7' },
    },
  });

  it("query: ?…&access_token=<token> after the endpoint's own parameters, no Authorization header", async () => {
    const ids = await sendEvent(t, endOfCall('q-1', 'q'));
    // The path flow (same event type) runs too; wait for both.
    for (const id of ids) expect((await finishedExecution(t, id)).status).toBe('succeeded');
    const get = fakes.query.acceptedAt('/api/contacts')[0]!;
    expect(get.raw.target).toBe(`/api/contacts?phone=%2B84901&callcenterId=${CALLCENTER}&access_token=gc-access-1`);
    expect(get.raw.headers.map(([n]) => n)).toEqual(['host', 'connection', 'x-signature']);
    for (const id of ids) expect(await record(id)).not.toContain('gc-access-1');
  });

  it("path: {token} in the connection's basePath becomes /rest/<token>/…, for GET and POST", async () => {
    const post = fakes.path.acceptedAt('/api/calllogs')[0]!;
    expect(post.raw.target).toBe('/rest/gc-access-1/api/calllogs');
    expect(fakes.path.acceptedAt('/api/contacts')[0]!.raw.target).toBe(
      `/rest/gc-access-1/api/contacts?phone=%2B84901&callcenterId=${CALLCENTER}`,
    );
    const r = await t.http().post(hook('iframe-path')).send({ callId: 'c-p', phone: '+84901' }).expect(200);
    expect(r.body).toMatchObject({ found: true, contact: { id: 'ct-9' } });
    expect(await record(r.headers['x-execution-id'])).not.toContain('gc-access-1');
  });

  it("body: a JSON member and a form field appended after the contract's own, the rest byte for byte", async () => {
    const ticket = await t
      .http()
      .post(hook('ticket-body'))
      .send({ phone: '+84901', subject: 'S', description: 'D', priority: 'high' })
      .expect(200);
    expect(ticket.body).toEqual({ ok: true, ticketId: 'tk-2' });
    expect(fakes.body.acceptedAt('/api/tickets')[0]!.raw.body).toBe(
      `{"callcenterId": "${CALLCENTER}", "contactId": null, "phone": "+84901", "callId": null, "subject": "S", ` +
        `"description": "D", "priority": "high","access_token":"gc-access-1"}`,
    );
    const sms = await t
      .http()
      .post(hook('sms-body'))
      .send({ phone: '+84901', text: 'hi there', from: 'ME' })
      .expect(200);
    expect(sms.body).toEqual({ sent: true, messageId: 'sms-3', noted: true });
    expect(fakes.body.acceptedAt('/api/sms/send')[0]!.raw.body).toBe(
      `callcenterId=${CALLCENTER}&to=%2B84901&from=ME&text=hi+there&access_token=gc-access-1`,
    );
    for (const r of [ticket, sms]) expect(await record(r.headers['x-execution-id'])).not.toContain('gc-access-1');
  });

  it('body: after a 401 the refreshed token replaces the old one (not appended beside it)', async () => {
    fakes.body.revokeToken();
    fakes.body.accepted.length = 0;
    const r = await t.http().post(hook('ticket-body')).send({ phone: '+84901', subject: 'again' }).expect(200);
    expect(r.body.ok).toBe(true);
    expect(fakes.body.issued).toBe(2);
    const body = fakes.body.acceptedAt('/api/tickets')[0]!.raw.body;
    expect(body.endsWith('"priority": "normal","access_token":"gc-access-2"}')).toBe(true);
    expect(body.split('access_token').length).toBe(2);
    const text = await record(r.headers['x-execution-id']);
    expect(text).not.toContain('gc-access-1');
    expect(text).not.toContain('gc-access-2');
  });

  it('body placement with a GET, or a secret the connection lacks: refused on publish (no failing run)', async () => {
    const created = await t
      .as('post', '/api/v1/flows')
      .send({
        templateId: 'gcalls-iframe-data',
        name: 'iframe body',
        key: 'iframe-body',
        connections: { gcalls: conns.body },
      })
      .expect(201);
    const refused = await t.as('post', `/api/v1/flows/${created.body.id}/publish`).send({}).expect(422);
    expect(refused.body.details).toEqual([
      expect.objectContaining({ path: 'config.body', message: expect.stringContaining('[TOKEN_PLACEMENT]') }),
    ]);
    // A secret name the connection does not have: {{md5 secrets.nope}} could never resolve.
    const definition = created.body.definition;
    const node = definition.nodes.find((n: { type: string }) => n.type === 'http');
    node.config.connectionId = conns.query;
    node.config.headers = [{ name: 'x-signature', value: '{{md5 (concat connection.callcenterId secrets.nope)}}' }];
    const run = await t
      .as('post', '/api/v1/flows/test-run')
      .send({ definition, input: { request: { body: {} } } })
      .expect(422);
    expect(run.body.details).toEqual([
      expect.objectContaining({ nodeId: node.id, message: expect.stringContaining('has no secret "nope"') }),
    ]);
    expect(fakes.body.acceptedAt('/api/contacts')).toEqual([]);
  });

  it('the Md5 parameter is signed with the secret field, found nowhere: records, answers, database, logs', async () => {
    // The secret reached the other side only as part of the hash (the fakes checked every x-signature).
    const signed = fakes.query.acceptedAt('/api/contacts')[0]!;
    expect(signed.headers['x-signature']).toBe(md5(`${CALLCENTER}+84901${CANARY}`));
    expect(JSON.stringify(Object.values(fakes).map((f) => f.server.seen))).not.toContain(CANARY);
    expect(answers.length).toBeGreaterThan(5);
    for (const a of answers) expect(a).not.toContain(CANARY);
    const list = await t.as('get', '/api/v1/executions').expect(200);
    expect(JSON.stringify(list.body)).not.toContain(CANARY);
    const dump = await dumpDatabase(t.db);
    expect(dump).toContain('x-signature'); // the steps were recorded (so the search is not vacuous)
    expect(dump).not.toContain(CANARY);
    const output = logs.join('');
    expect(output).toContain('"level"');
    expect(output).not.toContain(CANARY);
  });

  it(
    'a token that can never resolve ({{secrets.password}} sent as itself) is refused before publishing, with its ' +
      'place',
    async () => {
      const definition = {
        schemaVersion: 1,
        nodes: [
          { id: 't', type: 'trigger.end_of_call', name: 'end', config: {} },
          {
            id: 'h',
            type: 'http',
            name: 'h',
            config: {
              url: 'https://{{{connection.host}}}/x',
              connectionId: conns.query,
              headers: [{ name: 'X-Pass', value: '{{secrets.password}}' }],
            },
          },
        ],
        edges: [{ id: 'e1', source: 't', target: 'h' }],
      };
      const created = await t.as('post', '/api/v1/flows').send({ name: 'leaky', key: 'leaky', definition }).expect(201);
      expect(created.body.validation.valid).toBe(false);
      expect(created.body.validation.errors).toEqual([
        expect.objectContaining({
          nodeId: 'h',
          path: 'config.headers.0.value',
          code: 'secret_token',
          severity: 'error',
          message: expect.stringContaining('a secret can only be hashed'),
        }),
      ]);
      const publish = await t.as('post', `/api/v1/flows/${created.body.id}/publish`).send({}).expect(422);
      expect(publish.body.details[0]).toMatchObject({ code: 'secret_token' });
      await t.as('post', '/api/v1/flows/test-run').send({ definition, input: {} }).expect(422);
      // Hashed, it is fine.
      definition.nodes[1]!.config!.headers = [{ name: 'X-Pass', value: '{{md5 secrets.password}}' }];
      expect((await t.as('post', '/api/v1/flows/validate').send({ definition }).expect(200)).body).toMatchObject({
        valid: true,
      });
    },
  );
});
