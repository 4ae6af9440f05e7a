import { crmWsdl, startCrmServer, type CrmServer } from '../../../libs/engine/src/soap/soap.fixtures';
import { TestApp } from './harness';
import { signInWithRoles } from './flow-fixtures';

describe('POST /api/v1/soap/describe', () => {
  let t: TestApp;
  let crm: CrmServer;
  beforeAll(async () => {
    t = await TestApp.start();
    crm = await startCrmServer();
    crm.routes.set('GET /crm.wsdl', { type: 'text/xml', body: crmWsdl(`${crm.base}/crm`) });
    // A WSDL behind Basic authentication (agent / wsdl-pass).
    const basic = `Basic ${Buffer.from('agent:wsdl-pass').toString('base64')}`;
    crm.routes.set('GET /private.wsdl', {
      body: (req) =>
        req.headers.authorization === basic
          ? { body: crmWsdl(`${crm.base}/crm`) }
          : { status: 401, type: 'text/plain', body: 'authentication required' },
    });
  });
  afterAll(async () => {
    await crm.close();
    await t.close();
  });

  it('describes the services, ports and operations of a loopback WSDL', async () => {
    const r = await t
      .as('post', '/api/v1/soap/describe')
      .send({ wsdlUrl: `${crm.base}/crm.wsdl` })
      .expect(200);
    const ops = r.body.services.flatMap((s: { ports: { operations: { name: string }[] }[] }) =>
      s.ports.flatMap((p) => p.operations.map((o) => o.name)),
    );
    expect(ops).toContain('GetCustomer');
    expect(crm.hits).toContain('GET /crm.wsdl');
  });

  it('answers 422 for a WSDL that cannot be loaded, and 400 for a non-http URL', async () => {
    const missing = await t
      .as('post', '/api/v1/soap/describe')
      .send({ wsdlUrl: `${crm.base}/nope.wsdl` })
      .expect(422);
    expect(missing.body.message).toMatch(/could not be loaded/);
    await t.as('post', '/api/v1/soap/describe').send({ wsdlUrl: 'file:///etc/passwd' }).expect(400);
    const blocked = await t
      .as('post', '/api/v1/soap/describe')
      .send({ wsdlUrl: 'http://169.254.169.254/latest?wsdl' })
      .expect(422);
    expect(blocked.body.details.code).toBe('OUTBOUND_BLOCKED');
  });

  it("takes the node's clientOptions (validated by its schema; a WSDL is read once per set of them)", async () => {
    const wsdlUrl = `${crm.base}/crm.wsdl`;
    const gets = () => crm.hits.filter((h) => h === 'GET /crm.wsdl').length;
    await t.as('post', '/api/v1/soap/describe').send({ wsdlUrl }).expect(200);
    const before = gets();
    const clientOptions = {
      ignoredNamespaces: { namespaces: ['tns'], override: false },
      attributesKey: '$attributes',
      useEmptyTag: true,
    };
    const r = await t.as('post', '/api/v1/soap/describe').send({ wsdlUrl, clientOptions }).expect(200);
    expect(r.body.services[0].ports[0].operations.map((o: { name: string }) => o.name)).toContain('GetCustomer');
    expect(gets()).toBe(before + 1);
    // The same options in another key order are the same set: no new load.
    await t
      .as('post', '/api/v1/soap/describe')
      .send({
        wsdlUrl,
        clientOptions: {
          useEmptyTag: true,
          attributesKey: '$attributes',
          ignoredNamespaces: { override: false, namespaces: ['tns'] },
        },
      })
      .expect(200);
    expect(gets()).toBe(before + 1);

    const unknown = await t
      .as('post', '/api/v1/soap/describe')
      .send({ wsdlUrl, clientOptions: { httpClient: { request: 'x' } } })
      .expect(400);
    expect(unknown.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringMatching(/^clientOptions: Unrecognized key/),
    });
    const injected = await t
      .as('post', '/api/v1/soap/describe')
      .send({
        wsdlUrl,
        clientOptions: {
          overrideRootElement: { namespace: 'tns', xmlnsAttributes: [{ name: 'xmlns:a', value: 'x"><evil/>' }] },
        },
      })
      .expect(400);
    expect(injected.body.details).toEqual([
      expect.stringMatching(/^clientOptions\.overrideRootElement\.xmlnsAttributes\.0\.value: a namespace URI/),
    ]);
    await t.as('post', '/api/v1/soap/describe').send({ wsdlUrl, clientOptions: 'useEmptyTag' }).expect(400);
    expect(gets()).toBe(before + 1);
  });

  it('needs flows.write', async () => {
    const viewer = await signInWithRoles(t, ['Viewer']);
    await t
      .http()
      .post('/api/v1/soap/describe')
      .set('authorization', `Bearer ${viewer.token}`)
      .send({ wsdlUrl: `${crm.base}/crm.wsdl` })
      .expect(403);
  });

  it("opens a WSDL behind authentication with the tenant's connection, named in connectionId", async () => {
    const wsdlUrl = `${crm.base}/private.wsdl`;
    const refused = await t.as('post', '/api/v1/soap/describe').send({ wsdlUrl }).expect(422);
    expect(refused.body.message).toMatch(/HTTP 401/);
    await t
      .as('post', '/api/v1/connections')
      .send({ name: 'crm-soap', type: 'basic', username: 'agent', password: 'wsdl-pass', allowedOrigins: [crm.base] })
      .expect(201);
    const r = await t.as('post', '/api/v1/soap/describe').send({ wsdlUrl, connectionId: 'crm-soap' }).expect(200);
    expect(r.body.services[0].ports[0].operations.map((o: { name: string }) => o.name)).toContain('GetCustomer');
    expect(JSON.stringify(r.body)).not.toContain('wsdl-pass');
    const unknown = await t.as('post', '/api/v1/soap/describe').send({ wsdlUrl, connectionId: 'nope' }).expect(422);
    expect(unknown.body.details.code).toBe('CONNECTION_NOT_FOUND');
    await t.as('post', '/api/v1/soap/describe').send({ wsdlUrl, connectionId: 42 }).expect(400);
  });

  it("never uses another tenant's connection", async () => {
    const created = await t
      .as('post', '/api/v1/tenants')
      .send({ name: 'Tenant B', adminEmail: 'b-admin@soap.test', adminPassword: 'orbit lantern b-side 29' })
      .expect(201);
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'b-admin@soap.test', password: 'orbit lantern b-side 29', tenantId: created.body.id })
      .expect(200);
    // Tenant A's crm-soap connection (previous test) opens the WSDL for tenant A; tenant B names it and gets nothing.
    await t
      .as('post', '/api/v1/soap/describe')
      .send({ wsdlUrl: `${crm.base}/private.wsdl`, connectionId: 'crm-soap' })
      .expect(200);
    const r = await t
      .http()
      .post('/api/v1/soap/describe')
      .set('authorization', `Bearer ${login.body.accessToken}`)
      .send({ wsdlUrl: `${crm.base}/private.wsdl`, connectionId: 'crm-soap' })
      .expect(422);
    expect(r.body.details.code).toBe('CONNECTION_NOT_FOUND');
  });
});
