/**
 * The editor in a real browser (Debian's Chromium via playwright-core) against the real API
 * (TestApp: its own PostgreSQL database, serving the built editor at `/`).
 *
 * One admin session walks through the scenario: sign in; build IVR → HTTP → Condition →
 * Respond with the UI alone; configure it; save; test-run it against a loopback CRM and see the
 * nodes turn green; publish; call the IVR endpoint; read the run back in Executions; configure a
 * SOAP node from a loopback WSDL through Load; open a 300-node flow. Screenshots of the main
 * screens go to docs/screenshots/.
 *
 * Skipped when Chromium is missing (CHROMIUM_PATH, default /usr/bin/chromium).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { crmWsdl, startCrmServer, type CrmServer } from '../../../libs/engine/src/soap/soap.fixtures';
import {
  buildEditor,
  connect,
  dragFromPalette,
  EDITOR_DIST,
  hasChromium,
  launch,
  login,
  newPage,
  screenshot,
  waitInPage,
} from './browser';
import { bigFlow } from './fixtures';

declare global {
  interface Window {
    __editorMetrics?: { loadedAt?: number; firstRenderMs?: number; nodes?: number };
  }
}

const suite = hasChromium() ? describe : describe.skip;

suite('editor in the browser', () => {
  let t: TestApp;
  let crm: LoopbackServer;
  let soapServer: CrmServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let flowId = '';
  let flowKey = '';

  const api = (method: 'get' | 'post' | 'put' | 'delete', url: string) => t.as(method, url);
  const node = (name: string) => page.locator(`[data-testid="node-${name}"]`);
  const edgeCount = () => page.locator('.react-flow__edge').count();
  const fitView = () => page.click('.react-flow__controls-fitview');
  /** Opens the flows list, signing in first when the session is gone (tests can run alone with -t). */
  const flowsPage = async () => {
    await page.goto('/flows');
    await page.locator('[data-testid=flows-page], [data-testid=login-form]').first().waitFor();
    if (await page.locator('[data-testid=login-form]').count()) await login(page, ADMIN.email, ADMIN.password);
    await page.locator('[data-testid=flows-page]').waitFor();
  };

  /** From the flows list: a new end-of-call flow with a SOAP node after its trigger, selected. */
  const newFlowWithSoapNode = async (name: string) => {
    await page.click('[data-testid=new-flow]');
    await page.click('[data-testid=starter-blank-eoc]');
    await page.fill('[data-testid=new-flow-name]', name);
    await page.click('[data-testid=create-flow]');
    await node('endOfCall').click();
    await page.click('[data-testid="palette-soap"]');
    await node('soapCall').waitFor();
  };

  beforeAll(async () => {
    buildEditor();
    [t, crm, soapServer, browser] = await Promise.all([
      TestApp.start({ EDITOR_DIR: EDITOR_DIST }),
      LoopbackServer.start(),
      startCrmServer(),
      launch(),
    ]);
    crm.on('GET /customers', (req, res) => {
      const phone = new URL(req.url, 'http://x').searchParams.get('phone');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(phone === '+33612345678' ? { vip: true, name: 'Jeanne' } : { vip: false, name: 'Unknown' }),
      );
    });
    ({ page, problems } = await newPage(browser, t.baseUrl));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([t?.close(), crm?.close(), soapServer?.close()]);
  });

  afterEach(() => {
    // Expected 4xx answers (e.g. the wrong password) are logged by Chromium; anything else is a bug.
    const unexpected = problems.filter((p) => !/status of (401|404|409|422)/.test(p));
    problems.length = 0;
    expect(unexpected).toEqual([]);
  });

  it('signs in (a wrong password is shown as the server says it)', async () => {
    await page.goto('/flows');
    await page.waitForURL(/\/login/);
    await page.fill('#email', ADMIN.email);
    await page.fill('#password', 'not the password');
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=login-error]', { hasText: 'wrong email or password' }).waitFor();
    await page.fill('#password', ADMIN.password);
    await screenshot(page, 'login');
    await page.click('[data-testid=login-submit]');
    await page.waitForURL(/\/flows$/);
    await page.waitForSelector('[data-testid=flows-page]');
  });

  it('builds IVR → HTTP → Condition → Respond with the UI alone', async () => {
    await page.click('[data-testid=new-flow]');
    await page.click('[data-testid=starter-blank-ivr]');
    await page.fill('[data-testid=new-flow-name]', 'VIP routing');
    await screenshot(page, 'new-flow');
    await page.click('[data-testid=create-flow]');
    await page.waitForURL(/\/flows\/[0-9a-f-]{36}$/);
    flowId = page.url().split('/').pop()!;
    await node('ivr').waitFor();

    // Click-to-add after the selected node connects it.
    await node('ivr').click();
    await page.click('[data-testid="palette-http"]');
    await node('request').waitFor();
    await page.fill('[data-testid=node-name]', 'lookup');
    await node('lookup').waitFor();

    // Completion after `{{` offers the call tokens.
    const url = page.locator('[data-testid=http-url]');
    await url.click();
    await url.pressSequentially(`${crm.base}/customers?phone={{call.cal`);
    await page.locator('.tf-pop li[data-token="call.callerId"]').waitFor();
    await screenshot(page, 'template-completion');
    await page.keyboard.press('Enter');
    await expect(url.inputValue()).resolves.toBe(`${crm.base}/customers?phone={{call.callerId}}`);

    // A broken template is reported inline.
    await url.pressSequentially('{{#if');
    await page.locator('[data-testid=http-url-field] .field-issues li.err').first().waitFor();
    for (let i = 0; i < 5; i++) await url.press('Backspace');
    await page.locator('[data-testid=http-url-field] .field-issues li.err').first().waitFor({ state: 'detached' });

    // Raw headers (ICTBroadcast style).
    await page.click('[data-testid=headers-mode] >> text=Raw text');
    await page.fill('[data-testid=http-raw-headers]', 'Accept: application/json\nX-Caller: {{call.callerId}}');
    await page.locator('.raw-preview li').nth(1).waitFor();

    await page.click('[data-testid="palette-condition"]');
    await node('condition').waitFor();
    await page.fill('[data-testid=node-name]', 'isVip');
    await page.fill('[data-testid=rule-0-handle]', 'vip');
    await page.fill('[data-testid=rule-0-left]', '{{nodes.lookup.body.vip}}');
    await page.fill('[data-testid=rule-0-right]', 'true');
    await node('isVip').locator('.node-out >> text=vip').waitFor();

    await page.click('[data-testid="palette-respond"]');
    await node('respond').waitFor();
    await page.fill('[data-testid=node-name]', 'vipAnswer');
    await page.fill('[data-testid=respond-body]', '{"queue": "vip", "name": "{{nodes.lookup.body.name}}"}');

    // Drag a second respond from the palette and wire it with the mouse.
    await fitView();
    const vip = (await node('vipAnswer').boundingBox())!;
    const check = (await node('isVip').boundingBox())!;
    await dragFromPalette(page, 'respond', vip.x + vip.width / 2, check.y + check.height + 90);
    await node('respond').waitFor();
    await page.fill('[data-testid=node-name]', 'defaultAnswer');
    await fitView();
    await connect(page, 'isVip', 'default', 'defaultAnswer');
    await connect(page, 'lookup', 'error', 'defaultAnswer');
    await waitInPage(page, () => document.querySelectorAll('.react-flow__edge').length === 5);
    await page.locator('[data-testid=problems-button]', { hasText: 'Valid' }).waitFor();
  });

  it('checks connections as they are drawn; undo, redo, copy and paste', async () => {
    // A loop back to the lookup is refused, with the reason on screen.
    await connect(page, 'defaultAnswer', null, 'lookup');
    await page.locator('[data-testid=connect-hint]', { hasText: 'loop' }).waitFor();
    expect(await edgeCount()).toBe(5);
    await page.locator('[data-testid=connect-hint]').waitFor({ state: 'detached' }); // it goes away by itself

    await node('defaultAnswer').click();
    await page.keyboard.press('Delete');
    await node('defaultAnswer').waitFor({ state: 'detached' });
    expect(await edgeCount()).toBe(3);
    await page.keyboard.press('Control+z');
    await node('defaultAnswer').waitFor();
    // Edges draw once their nodes are measured, a frame after the node itself.
    await waitInPage(page, () => document.querySelectorAll('.react-flow__edge').length === 5);
    await page.keyboard.press('Control+Shift+z');
    await node('defaultAnswer').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+z');
    await node('defaultAnswer').waitFor();

    await node('vipAnswer').click();
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await node('vipAnswer2').waitFor();
    await page.keyboard.press('Delete');
    await node('vipAnswer2').waitFor({ state: 'detached' });
    expect(await edgeCount()).toBe(5);
  });

  it('saves with Ctrl+S; the server has the flow as drawn', async () => {
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('Control+s');
    await page.locator('[data-testid=save-status][data-state=saved]').waitFor();
    const saved = await api('get', `/api/v1/flows/${flowId}`).expect(200);
    flowKey = saved.body.key;
    expect(saved.body.validation.valid).toBe(true);
    const byName = Object.fromEntries(saved.body.definition.nodes.map((n: { name: string }) => [n.name, n]));
    expect(Object.keys(byName).sort()).toEqual(['defaultAnswer', 'isVip', 'ivr', 'lookup', 'vipAnswer']);
    expect(byName.lookup.config).toMatchObject({
      method: 'GET',
      url: `${crm.base}/customers?phone={{call.callerId}}`,
      rawHeaders: 'Accept: application/json\nX-Caller: {{call.callerId}}',
    });
    expect(byName.isVip.config.rules[0]).toMatchObject({
      handle: 'vip',
      left: '{{nodes.lookup.body.vip}}',
      op: 'eq',
      right: 'true',
    });
    const edges = saved.body.definition.edges.map((e: { source: string; sourceHandle?: string; target: string }) => {
      const name = (id: string) => saved.body.definition.nodes.find((n: { id: string }) => n.id === id).name;
      return `${name(e.source)}:${e.sourceHandle ?? ''}->${name(e.target)}`;
    });
    expect(edges.sort()).toEqual([
      'isVip:default->defaultAnswer',
      'isVip:vip->vipAnswer',
      'ivr:next->lookup',
      'lookup:error->defaultAnswer',
      'lookup:success->isVip',
    ]);
  });

  it('test-runs the draft against a loopback CRM: nodes turn green with their duration', async () => {
    await page.click('[data-testid=test-button]');
    await page.click('[data-testid=run-test]');
    await page.locator('[data-testid=run-status]', { hasText: 'succeeded' }).waitFor({ timeout: 15_000 });
    for (const name of ['ivr', 'lookup', 'isVip', 'vipAnswer'])
      expect(await node(name).getAttribute('data-status')).toBe('succeeded');
    expect(await node('defaultAnswer').getAttribute('data-status')).toBe('ok');
    expect(await page.locator('[data-testid=node-run-lookup]').textContent()).toMatch(/\d+ ms/);
    expect(JSON.parse((await page.locator('[data-testid=run-output]').textContent())!)).toEqual({
      queue: 'vip',
      name: 'Jeanne',
    });
    await screenshot(page, 'test-run');

    // The node shows what it sent and got.
    await node('lookup').click();
    await page.click('[data-testid=panel-tab-run]');
    await page.locator('[data-testid=step-request-line]', { hasText: '/customers?phone=%2B33612345678' }).waitFor();
    await page.locator('[data-testid=step-response-status]', { hasText: '200' }).waitFor();
    await page.locator('[data-testid=step-response-body]', { hasText: 'Jeanne' }).waitFor();
    await screenshot(page, 'test-run-node');
    expect(crm.seen.at(-1)!.headers['x-caller']).toBe('+33612345678');
    await page.click('[data-testid=panel-tab-settings]');
  });

  it('blocks publishing while the flow has errors, then publishes with a note', async () => {
    await node('lookup').click();
    const url = page.locator('[data-testid=http-url]');
    const before = await url.inputValue();
    await url.fill('');
    await page.locator('[data-testid=problems-button]', { hasText: '1 error' }).waitFor();
    await page.locator('[data-testid=node-lookup].invalid').waitFor();
    await page.click('[data-testid=publish-button]');
    await page.locator('[data-testid=publish-blocked]').waitFor();
    expect(await page.locator('[data-testid=publish-confirm]').isDisabled()).toBe(true);
    await screenshot(page, 'publish-blocked');
    await page.click('[data-testid=publish-dialog] .vlist button');
    await page.locator('[data-testid=publish-dialog]').waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid=node-panel] [data-testid=node-name]').inputValue()).toBe('lookup');
    await url.fill(before);
    await page.locator('[data-testid=problems-button]', { hasText: 'Valid' }).waitFor();

    await page.click('[data-testid=publish-button]');
    await page.fill('[data-testid=publish-note]', 'VIP routing, first version');
    await page.click('[data-testid=publish-confirm]');
    await page.locator('[data-testid=published-badge]', { hasText: 'v1 live' }).waitFor();
    const versions = await api('get', `/api/v1/flows/${flowId}/versions`).expect(200);
    expect(versions.body.items[0]).toMatchObject({ version: 1, note: 'VIP routing, first version' });
  });

  it('after publishing, shows how to call the flow; its curl line, run in a shell, gets the answer', async () => {
    const dialog = page.locator('[data-testid=published-dialog]');
    await dialog.waitFor();
    const url = `${t.baseUrl}/api/v1/ivr/${flowKey}`;
    expect(await dialog.locator('[data-testid=published-how-to-call-url]').textContent()).toBe(`POST ${url}`);
    await screenshot(page, 'published-how-to-call');
    const curl = (await dialog.locator('[data-testid=published-how-to-call-curl]').textContent())!;
    // The test drawer's input (caller +33612345678) is the example: the CRM knows that caller.
    const { stdout } = await promisify(execFile)('sh', ['-c', curl.replace(/^curl /, 'curl -s ')], {
      env: { PATH: process.env.PATH, CALLFLOW_API_KEY: t.apiKey },
    });
    expect(JSON.parse(stdout)).toMatchObject({ status: 'succeeded', output: { queue: 'vip', name: 'Jeanne' } });
    await page.click('[data-testid=published-done]');
    await dialog.waitFor({ state: 'detached' });
    // The trigger's panel shows the same (it opens on the last run's details: its settings hold it).
    await node('ivr').click();
    await page.click('[data-testid=panel-tab-settings]');
    const panel = page.locator('[data-testid=how-to-call-section]');
    expect(await panel.locator('[data-testid=how-to-call-url]').textContent()).toBe(`POST ${url}`);
    expect(await panel.locator('[data-testid=how-to-call-body]').textContent()).toContain('"callerId": "+33612345678"');
  });

  it('the IVR endpoint answers with the published flow', async () => {
    const r = await t
      .http()
      .post(`/api/v1/ivr/${flowKey}`)
      .set('x-api-key', t.apiKey)
      .send({ call: { id: 'call-77', callerId: '+33612345678' }, ivr: { digits: '1' } })
      .expect(200);
    expect(r.body).toMatchObject({ status: 'succeeded', output: { queue: 'vip', name: 'Jeanne' } });
  });

  it('lists the runs and opens one on the canvas of the version that ran', async () => {
    // IVR runs are written just after the caller is answered (batched): wait for the row.
    for (let i = 0; i < 100; i++) {
      const r = await api('get', '/api/v1/executions?callId=call-77').expect(200);
      if (r.body.items.length) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    await page.click('[data-testid=nav-executions]');
    await page.locator('[data-testid=executions-table]').waitFor();
    await page.fill('[data-testid=filter-call]', 'call-77');
    await waitInPage(page, () => document.querySelectorAll('[data-testid=executions-table] tbody tr').length === 1);
    await page.fill('[data-testid=filter-call]', '');
    await waitInPage(page, () => document.querySelectorAll('[data-testid=executions-table] tbody tr').length >= 2);
    await screenshot(page, 'executions');
    await page.fill('[data-testid=filter-call]', 'call-77');
    await waitInPage(page, () => document.querySelectorAll('[data-testid=executions-table] tbody tr').length === 1);
    await page.click('[data-testid=executions-table] tbody tr');
    await page.locator('[data-testid=execution-view]').waitFor();
    for (const name of ['ivr', 'lookup', 'isVip', 'vipAnswer'])
      await page.locator(`[data-testid="node-${name}"][data-status=succeeded]`).waitFor();
    await node('lookup').click();
    await page.locator('[data-testid=step-request-line]', { hasText: '%2B33612345678' }).waitFor();
    await screenshot(page, 'execution');
  });

  it('configures a SOAP node from a loopback WSDL through Load', async () => {
    await page.click('[data-testid=nav-flows]');
    await newFlowWithSoapNode('Legacy CRM sync');
    await page.fill('[data-testid=soap-wsdl]', `${soapServer.base}/crm?wsdl`);
    await page.click('[data-testid=soap-load]');
    // The API describes the WSDL (POST /api/v1/soap/describe): service, port and operation pickers appear.
    await page.locator('[data-testid=soap-operation]').waitFor();
    await page.selectOption('[data-testid=soap-operation]', 'GetCustomer');
    await page.fill('[data-testid=soap-arg-phone]', '{{call.callerId}}');
    await screenshot(page, 'soap');
    await page.keyboard.press('Control+s');
    await page.locator('[data-testid=save-status][data-state=saved]').waitFor();
    const id = page.url().split('/').pop()!;
    const saved = await api('get', `/api/v1/flows/${id}`).expect(200);
    const soap = saved.body.definition.nodes.find((n: { type: string }) => n.type === 'soap');
    expect(soap.config).toMatchObject({
      wsdlUrl: `${soapServer.base}/crm?wsdl`,
      service: 'CrmService',
      port: 'CrmPort',
      operation: 'GetCustomer',
      args: { phone: '{{call.callerId}}' },
    });
  });

  it('sets node-soap client options under Advanced: checked as typed, sent with Load, saved in the flow', async () => {
    await page.click('[data-testid=nav-flows]');
    await newFlowWithSoapNode('Legacy CRM with options');
    await page.fill('[data-testid=soap-wsdl]', `${soapServer.base}/crm?wsdl`);
    // Closed until opened; opening shows the options.
    expect(await page.locator('[data-testid=soap-opt-envelopeKey]').count()).toBe(0);
    await page.click('[data-testid=soap-advanced-toggle]');
    // A prefix that is not an XML name is refused by the node's schema, under the section.
    await page.fill('[data-testid=soap-opt-envelopeKey]', 'soap env');
    await page.locator('[data-testid=soap-advanced] .field-issues', { hasText: 'an XML name' }).waitFor();
    await page.fill('[data-testid=soap-opt-envelopeKey]', 'env');
    await page.locator('[data-testid=soap-advanced] .field-issues').waitFor({ state: 'detached' });
    await page.click('[data-testid=soap-opt-soap12]');
    await page.fill('[data-testid=soap-opt-ignoredNamespaces]', 'ns1, ns2');
    await page.click('[data-testid=soap-opt-ignoredOverride]');
    await page.fill('[data-testid=soap-opt-rootNamespace]', 'ns0');
    await page.fill('[data-testid=soap-opt-rootXmlns]', 'xmlns:ns0 = urn:crm');
    await page.fill('[data-testid=soap-opt-overrideElementKey]', 'tel = phone');
    await page.fill('[data-testid=soap-opt-attributesKey]', '$attributes');
    await page.selectOption('[data-testid=soap-opt-dates]', 'text');
    await page.locator('[data-testid=soap-advanced-toggle]', { hasText: 'Advanced (7 set)' }).waitFor();
    await page.locator('[data-testid=soap-advanced]').scrollIntoViewIfNeeded();
    await screenshot(page, 'soap-advanced');
    const expected = {
      envelopeKey: 'env',
      forceSoap12Headers: true,
      ignoredNamespaces: { namespaces: ['ns1', 'ns2'], override: true },
      overrideRootElement: { namespace: 'ns0', xmlnsAttributes: [{ name: 'xmlns:ns0', value: 'urn:crm' }] },
      overrideElementKey: { tel: 'phone' },
      attributesKey: '$attributes',
      dates: 'text',
    };
    // Load describes the WSDL with the same options the node will run with.
    const [describe] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/api/v1/soap/describe')),
      page.click('[data-testid=soap-load]'),
    ]);
    expect(describe.postDataJSON()).toEqual({ wsdlUrl: `${soapServer.base}/crm?wsdl`, clientOptions: expected });
    await page.locator('[data-testid=soap-operation]').waitFor();
    await page.keyboard.press('Control+s');
    await page.locator('[data-testid=save-status][data-state=saved]').waitFor();
    const id = page.url().split('/').pop()!;
    const saved = await api('get', `/api/v1/flows/${id}`).expect(200);
    const soap = saved.body.definition.nodes.find((n: { type: string }) => n.type === 'soap');
    expect(soap.config.clientOptions).toEqual(expected);
    // Reopened, the section is open with what was saved.
    await page.reload();
    await node('soapCall').click();
    await page.locator('[data-testid=soap-opt-envelopeKey]').waitFor();
    expect(await page.inputValue('[data-testid=soap-opt-envelopeKey]')).toBe('env');
    expect(await page.inputValue('[data-testid=soap-opt-rootXmlns]')).toBe('xmlns:ns0 = urn:crm');
  });

  it("loads a WSDL behind authentication with the node's connection", async () => {
    const basic = `Basic ${Buffer.from('agent:wsdl-pass').toString('base64')}`;
    soapServer.routes.set('GET /private.wsdl', {
      body: (req) =>
        req.headers.authorization === basic
          ? { body: crmWsdl(`${soapServer.base}/crm`) }
          : { status: 401, type: 'text/plain', body: 'authentication required' },
    });
    const conn = await api('post', '/api/v1/connections')
      .send({
        name: 'legacy-soap',
        type: 'basic',
        username: 'agent',
        password: 'wsdl-pass',
        allowedOrigins: [soapServer.base],
      })
      .expect(201);
    // A fresh page: the connection list is read when the editor opens.
    await flowsPage();
    await newFlowWithSoapNode('Legacy CRM behind auth');
    await page.fill('[data-testid=soap-wsdl]', `${soapServer.base}/private.wsdl`);
    await page.click('[data-testid=soap-load]');
    await page.locator('[data-testid=soap-load-error]', { hasText: 'needs credentials' }).waitFor();
    await page.getByLabel('Connection').selectOption(conn.body.id);
    await page.click('[data-testid=soap-load]');
    await page.locator('[data-testid=soap-operation]').waitFor();
    expect(await page.locator('[data-testid=soap-operation] option').allTextContents()).toContain('GetCustomer');
  });

  it('shows a 409 conflict with a choice', async () => {
    await page.goto(`/flows/${flowId}`);
    await node('lookup').waitFor();
    const current = await api('get', `/api/v1/flows/${flowId}`).expect(200);
    await api('put', `/api/v1/flows/${flowId}`)
      .send({ revision: current.body.revision, name: 'VIP routing (edited elsewhere)' })
      .expect(200);
    await page.fill('[data-testid=flow-name]', 'VIP routing (mine)');
    await page.locator('[data-testid=conflict-dialog]').waitFor();
    await screenshot(page, 'conflict');
    await page.click('[data-testid=conflict-overwrite]');
    await page.locator('[data-testid=save-status][data-state=saved]').waitFor();
    const after = await api('get', `/api/v1/flows/${flowId}`).expect(200);
    expect(after.body.name).toBe('VIP routing (mine)');
  });

  it('keeps version history: restore a version into the draft', async () => {
    await page.goto(`/flows/${flowId}`);
    await node('lookup').waitFor();
    await node('defaultAnswer').click();
    await page.keyboard.press('Delete');
    await node('defaultAnswer').waitFor({ state: 'detached' });
    await page.click('[data-testid=versions-button]');
    await page.locator('[data-testid=version-1]', { hasText: 'VIP routing, first version' }).waitFor();
    await page.click('[data-testid=restore-1]');
    await node('defaultAnswer').waitFor();
    await screenshot(page, 'versions');
    await page.keyboard.press('Control+s');
    await page.locator('[data-testid=save-status][data-state=saved]').waitFor();
  });

  it('exports a flow as JSON and imports it back', async () => {
    await flowsPage();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click(`[data-testid="flow-row-${flowKey}"] [aria-label^="Export"]`),
    ]);
    const file = await download.path();
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc).toMatchObject({ format: 'callflow.flow', formatVersion: 1, key: flowKey });
    await page.setInputFiles('[data-testid=import-input]', file);
    await page.waitForURL((u) => /\/flows\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(flowId));
    await node('isVip').waitFor();
    await page.locator('[data-testid=problems-button]', { hasText: 'Valid' }).waitFor();
  });

  it('shows server errors as messages, never a blank screen', async () => {
    await page.goto('/flows/00000000-0000-4000-8000-000000000000');
    await page.locator('.error-banner', { hasText: 'does not exist' }).waitFor();
  });

  it('opens a 300-node flow, pans it, and fit view draws every card (times logged)', async () => {
    const created = await api('post', '/api/v1/flows')
      .send({ name: 'Large flow (300 nodes)', definition: bigFlow(300) })
      .expect(201);
    await flowsPage();
    await page.goto(`/flows/${created.body.id}`);
    await waitInPage(page, () => window.__editorMetrics?.firstRenderMs !== undefined);
    const metrics = await page.evaluate(() => window.__editorMetrics!);
    expect(metrics).toMatchObject({ nodes: 300 });

    // Pan for about a second with the mouse (from an empty spot) and count the frames painted.
    const start = await page.evaluate(() => {
      const box = document.querySelector('.react-flow__pane')!.getBoundingClientRect();
      for (let y = box.top + box.height * 0.3; y < box.bottom - 40; y += 13) {
        for (let x = box.left + box.width * 0.4; x < box.right - 260; x += 17) {
          if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) return { x, y };
        }
      }
      return null;
    });
    expect(start).not.toBeNull();
    const before = await page.locator('.react-flow__viewport').getAttribute('style');
    await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __stop: boolean };
      w.__frames = [];
      w.__stop = false;
      const tick = (ts: number) => {
        w.__frames.push(ts);
        if (!w.__stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.mouse.move(start!.x, start!.y);
    await page.mouse.down();
    const started = Date.now();
    for (let i = 1; Date.now() - started < 1000; i++)
      await page.mouse.move(start!.x - (i % 80) * 6, start!.y - Math.sin(i / 8) * 80);
    await page.mouse.up();
    const frames = await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __stop: boolean };
      w.__stop = true;
      return w.__frames;
    });
    const gaps = frames.slice(1).map((f, i) => f - frames[i]!);
    const fps = (gaps.length * 1000) / (frames.at(-1)! - frames[0]!);
    const worst = Math.max(...gaps);
    console.log(
      `300-node flow: first render ${metrics.firstRenderMs!.toFixed(0)} ms; ` +
        `panning ${fps.toFixed(0)} fps (worst frame ${worst.toFixed(0)} ms)`,
    );
    // "Fit view" then draws all 300 cards at once.
    const fitMs = await page.evaluate(async () => {
      const t0 = performance.now();
      const fit = () => (document.querySelector('.react-flow__controls-fitview') as HTMLElement).click();
      fit();
      let clicks = 1;
      for (;;) {
        await new Promise((r) => requestAnimationFrame(r));
        const shown = document.querySelectorAll<HTMLElement>('.react-flow__node');
        // Every card is in the DOM (cards off screen were not rendered before fit view).
        if (shown.length === 300) return performance.now() - t0;
        // On a starved machine the first click can land while the pan is still settling: click again.
        if (performance.now() - t0 > 3_000 * clicks && clicks < 3) {
          fit();
          clicks++;
        }
        if (performance.now() - t0 > 15_000) return -1;
      }
    });
    console.log(`300-node flow: fit view of all 300 cards drawn in ${fitMs.toFixed(0)} ms`);
    await screenshot(page, 'large-flow');
    // Times are logged, not bounded: on a machine shared with other jobs they measure the load (speed
    // belongs to benchmarks). What must hold: it rendered, panned, and fit view drew every card.
    expect(metrics.firstRenderMs!).toBeGreaterThan(0);
    expect(frames.length).toBeGreaterThan(2);
    expect(fitMs).toBeGreaterThan(0);
    // It panned the canvas (no node was dragged: nothing to save).
    expect(await page.locator('.react-flow__viewport').getAttribute('style')).not.toBe(before);
    expect(await page.locator('[data-testid=save-status]').getAttribute('data-state')).toBe('saved');
  });

  it('flows list shows trigger, version, last run and updated', async () => {
    await page.goto('/flows');
    await page.locator(`[data-testid="flow-row-${flowKey}"]`, { hasText: /IVR.*v1 live.*succeeded/ }).waitFor();
    await screenshot(page, 'flows');
  });
});
