/**
 * Review item 5: `connections.write` could take a "write-only" secret. A user who may edit
 * connections (and run flows) but never knew the bearer token PUT the connection with their own
 * origin added to allowedOrigins, leaving the token out (kept), then test-ran a node against their
 * server and received the token. Adding an origin now needs the connection's secrets in the same
 * request; removing origins does not.
 */
import { LoopbackServer } from '../../../../libs/engine/test/loopback';
import { signInWith } from '../flow-fixtures';
import { TestApp } from '../harness';
import { chainFlow } from '../support/triggers';

const C = '/api/v1/connections';
const TOKEN = 'widen-bearer-90210-Kx';

describe('security: widening allowedOrigins needs the secrets again (review item 5)', () => {
  let t: TestApp;
  let crm: LoopbackServer;
  let attacker: LoopbackServer;
  let editor: string; // connections.write + flows.run, never saw the token
  let id: string;

  beforeAll(async () => {
    t = await TestApp.start();
    [crm, attacker] = await Promise.all([LoopbackServer.start(), LoopbackServer.start()]);
    const allowedOrigins = [crm.base, 'https://backup.example.com'];
    const body = { name: 'crm', type: 'bearer', token: TOKEN, allowedOrigins };
    id = (await t.as('post', C).send(body).expect(201)).body.id;
    editor = await signInWith(t, ['connections.read', 'connections.write', 'flows.run']);
  });
  afterAll(async () => {
    await Promise.all([crm?.close(), attacker?.close()]);
    await t?.close();
  });

  /** PUT /connections/:id as `as` (default: the editor). */
  const putAs = (connectionId: string, body: Record<string, unknown>, as = editor) =>
    t.http().put(`${C}/${connectionId}`).set('authorization', `Bearer ${as}`).send(body);
  const put = (body: Record<string, unknown>, as = editor) => putAs(id, { name: 'crm', type: 'bearer', ...body }, as);
  const origins = async () => (await t.as('get', `${C}/${id}`).expect(200)).body.allowedOrigins as string[];

  it('adding an origin without the token is a 422 naming what to enter; the token goes nowhere new', async () => {
    const r = await put({ allowedOrigins: [crm.base, 'https://backup.example.com', attacker.base] }).expect(422);
    expect(r.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
    expect(r.body.message).toBe(
      `allowedOrigins: adding ${attacker.base} lets this connection's credentials go there, so its secrets must be ` +
        'entered again in the same request (token); removing origins needs no secret',
    );
    expect(await origins()).toEqual([crm.base, 'https://backup.example.com']);
    const config = { method: 'GET', url: `${attacker.base}/steal`, connectionId: 'crm' };
    const node = { id: 'h', type: 'http', name: 'call', config };
    const definition = chainFlow({ id: 't', type: 'trigger.ivr', name: 'ivr', config: {} }, node);
    const testRun = t.http().post('/api/v1/flows/test-run').set('authorization', `Bearer ${editor}`);
    const run = await testRun.send({ definition, input: {} });
    expect(run.status).toBe(422);
    expect(attacker.seen).toEqual([]);
  });

  it('the same holds for the admin, and for an origin swapped in for another', async () => {
    await put({ allowedOrigins: [attacker.base] }, t.token).expect(422);
    expect(await origins()).toEqual([crm.base, 'https://backup.example.com']);
  });

  it('removing origins, or editing other settings with the list kept, needs no secret', async () => {
    await put({ allowedOrigins: [crm.base] }).expect(200);
    expect(await origins()).toEqual([crm.base]);
    await put({ description: 'renamed', fields: { baseUrl: `${attacker.base}/api` } }).expect(200);
    expect(await origins()).toEqual([crm.base]);
  });

  it('adding an origin with the secret entered again is accepted', async () => {
    await put({ allowedOrigins: [crm.base, attacker.base], token: 'a-token-the-editor-knows' }).expect(200);
    expect(await origins()).toEqual([crm.base, attacker.base]);
  });

  it('a token_endpoint needs every kept secret; a connection listing no origin widens by derived ones', async () => {
    const settings = {
      name: 'te',
      type: 'token_endpoint',
      request: { method: 'POST', url: `${crm.base}/auth` },
      tokenPath: 'access_token',
      apply: { in: 'header', name: 'Authorization' },
    };
    const created = await t
      .as('post', C)
      .send({ ...settings, secrets: { user: 'u-1', password: 'p-1' } })
      .expect(201);
    const te = created.body;
    const widened = { ...settings, allowedOrigins: [crm.base, attacker.base] };
    const partly = await putAs(te.id, { ...widened, secrets: { password: 'p-2' } }).expect(422);
    expect(partly.body.message).toContain('(secrets.user)');
    await putAs(te.id, { ...widened, secrets: { password: 'p-2', user: 'u-2' } }).expect(200);
    // An upgraded connection with [] origins: a PUT that omits them derives them from its URLs, which widens.
    const legacy = { name: 'legacy', type: 'bearer' };
    const made = (await t.as('post', C).send({ ...legacy, token: 'legacy-1', allowedOrigins: [crm.base] })).body;
    expect(made.id).toEqual(expect.any(String));
    await t.db.query(`UPDATE connections SET allowed_origins = '[]' WHERE id = $1`, [made.id]);
    const derived = await putAs(made.id, { ...legacy, fields: { baseUrl: attacker.base } }).expect(422);
    expect(derived.body.message).toContain(`adding ${attacker.base}`);
  });
});
