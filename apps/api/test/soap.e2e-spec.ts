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
  });
  afterAll(async () => {
    await crm.close();
    await t.close();
  });

  it('describes the services, ports and operations of a loopback WSDL', async () => {
    const r = await t.as('post', '/api/v1/soap/describe').send({ wsdlUrl: `${crm.base}/crm.wsdl` }).expect(200);
    const ops = r.body.services.flatMap((s: { ports: { operations: { name: string }[] }[] }) => s.ports.flatMap((p) => p.operations.map((o) => o.name)));
    expect(ops).toContain('GetCustomer');
    expect(crm.hits).toContain('GET /crm.wsdl');
  });

  it('answers 422 for a WSDL that cannot be loaded, and 400 for a non-http URL', async () => {
    const missing = await t.as('post', '/api/v1/soap/describe').send({ wsdlUrl: `${crm.base}/nope.wsdl` }).expect(422);
    expect(missing.body.message).toMatch(/could not be loaded/);
    await t.as('post', '/api/v1/soap/describe').send({ wsdlUrl: 'file:///etc/passwd' }).expect(400);
    const blocked = await t.as('post', '/api/v1/soap/describe').send({ wsdlUrl: 'http://169.254.169.254/latest?wsdl' }).expect(422);
    expect(blocked.body.details.code).toBe('OUTBOUND_BLOCKED');
  });

  it('needs flows.write', async () => {
    const viewer = await signInWithRoles(t, ['Viewer']);
    await t.http().post('/api/v1/soap/describe').set('authorization', `Bearer ${viewer.token}`).send({ wsdlUrl: `${crm.base}/crm.wsdl` }).expect(403);
  });
});
