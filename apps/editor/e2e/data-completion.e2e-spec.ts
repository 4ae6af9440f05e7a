/**
 * Completion that knows the data (issue 18 §1), in the browser against the real API, a loopback
 * CRM and a loopback SOAP service:
 * 1. `{{nodes.crm.body.` completes the fields of the last test run's response, of a sample
 *    response pinned on the HTTP node, and of the SOAP operation's described output, with types
 *    and previews;
 * 2. a key clicked in the node's Last run inserts its token into the field focused last (else it
 *    is copied);
 * 3. a token path the known shape lacks is a warning at the field and in the problems list;
 * 4. a sample input pinned with the flow (a template's, the drawer's), used by How to call this
 *    flow, and a past run's input loaded into the test drawer in one click;
 * 5. renaming a node moves the tokens that read its output (one undo step).
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { createConnection } from '../../api/test/fakes/template-flows';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { startCrmServer, type CrmServer } from '../../../libs/engine/src/soap/soap.fixtures';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, newPage, screenshot } from './browser';

const suite = hasChromium() ? describe : describe.skip;

const CUSTOMER = { customer: { name: 'Jeanne', tier: 'gold' }, orders: [{ id: 7, sku: 'A-1' }], vip: true };

suite('completion that knows the data', () => {
  let t: TestApp;
  let crm: LoopbackServer;
  let soap: CrmServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  const node = (name: string) => page.locator(`[data-testid="node-${name}"]`);
  const pop = (token: string) => page.locator(`.tf-pop li[data-token="${token}"]`);
  const shot = async (name: string) => {
    if (process.env.SCREENSHOTS_DIR) await screenshot(page, name);
  };
  const body = () => page.locator('[data-testid=respond-body]');
  const draft = async (id: string) => (await t.as('get', `/api/v1/flows/${id}`).expect(200)).body.definition;
  const saved = async () => {
    await page.keyboard.press('Control+s');
    await page.locator('[data-testid=save-status][data-state=saved]').waitFor();
  };

  /** IVR → `crm` (HTTP, the loopback CRM) → `answer` (respond), created through the API and opened. */
  async function openCrmFlow(key: string, http: Record<string, unknown> = {}): Promise<string> {
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.ivr', name: 'ivr', position: { x: 0, y: 0 }, config: { deadlineMs: 3000 } },
        {
          id: 'h',
          type: 'http',
          name: 'crm',
          position: { x: 320, y: 0 },
          config: { url: `${crm.base}/customers?phone={{call.callerId}}`, responseType: 'json', ...http },
        },
        {
          id: 'r',
          type: 'respond',
          name: 'answer',
          position: { x: 640, y: 0 },
          config: { body: { type: 'json', template: '{"queue": "support"}' } },
        },
      ],
      edges: [
        { id: 'e1', source: 't', target: 'h' },
        { id: 'e2', source: 'h', sourceHandle: 'success', target: 'r' },
      ],
    };
    const id = (await t.as('post', '/api/v1/flows').send({ name: key, key, definition }).expect(201)).body.id;
    await page.goto(`/flows/${id}`);
    await node('answer').waitFor();
    return id;
  }

  /** Types `text` at the end of the answer's body, leaving completion open. */
  async function typeInBody(text: string, replace = true) {
    await node('answer').click();
    if (replace) await body().fill('{"name": "');
    await body().click();
    await page.keyboard.press('End');
    await body().pressSequentially(text);
  }

  beforeAll(async () => {
    buildEditor();
    [t, crm, soap, browser] = await Promise.all([
      TestApp.start({ EDITOR_DIR: EDITOR_DIST }),
      LoopbackServer.start(),
      startCrmServer(),
      launch(),
    ]);
    crm.json('GET /customers', CUSTOMER);
    crm.on('POST /xivo/logins', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"stored": true}');
    });
    ({ page, problems } = await newPage(browser, t.baseUrl));
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.baseUrl });
    await login(page, ADMIN.email, ADMIN.password);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([t?.close(), crm?.close(), soap?.close()]);
  });

  afterEach(() => {
    const unexpected = problems.filter((p) => !/status of (401|404|409|422)/.test(p));
    problems.length = 0;
    expect(unexpected).toEqual([]);
  });

  it("after a test run, {{nodes.crm.body. completes the response's fields at any depth, typed", async () => {
    await openCrmFlow('after-a-run');
    // Before any run the body's fields are unknown: completion stops at .body.
    await typeInBody('{{nodes.crm.body.');
    await page.locator('.tf-pop').waitFor();
    expect(await pop('nodes.crm.body.customer').count()).toBe(0);
    await page.keyboard.press('Escape');
    // A draft with an unfinished token does not run.
    await body().fill('{"queue": "support"}');

    await page.click('[data-testid=test-button]');
    await page.click('[data-testid=run-test]');
    await page.locator('[data-testid=run-status]', { hasText: 'succeeded' }).waitFor({ timeout: 15_000 });
    await typeInBody('{{nodes.crm.body.');
    await pop('nodes.crm.body.customer').waitFor();
    expect(await pop('nodes.crm.body.customer').locator('.tf-pop-type').textContent()).toBe('object');
    expect(await pop('nodes.crm.body.orders').locator('.tf-pop-type').textContent()).toBe('list of object');
    // Its own fields first, then theirs.
    const tokens = await page
      .locator('.tf-pop li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-token')));
    expect(tokens.slice(0, 3)).toEqual(['nodes.crm.body.customer', 'nodes.crm.body.orders', 'nodes.crm.body.vip']);
    await body().pressSequentially('customer.na');
    const name = pop('nodes.crm.body.customer.name');
    expect(await name.locator('.tf-pop-type').textContent()).toBe('string');
    expect(await name.locator('.tf-pop-example').textContent()).toBe('"Jeanne"');
    await shot('completion-from-last-run');
    await page.keyboard.press('Enter');
    expect(await body().inputValue()).toBe('{"name": "{{nodes.crm.body.customer.name}}');
    // List items read as .[0] (typed .0 finds them too).
    await body().pressSequentially('", "order": "{{nodes.crm.body.orders.0.');
    await pop('nodes.crm.body.orders.[0].sku').waitFor();
    await page.keyboard.press('Escape');
  });

  it('a token path the last run lacks is a warning at the field and in the problems list, not an error', async () => {
    await node('answer').click();
    await body().fill('{"name": "{{nodes.crm.body.custmer.name}}"}');
    const field = page.locator('[data-testid=respond-body-field]');
    const message = 'nodes.crm.body has no "custmer" in the last test run; did you mean "customer"?';
    await field.getByText(message).waitFor();
    await page.locator('[data-testid=problems-button]', { hasText: '1 warning' }).waitFor();
    await page.click('[data-testid=problems-button]');
    await page.locator('[data-testid=problems] .vlist li.warning', { hasText: message }).waitFor();
    await shot('token-shape-warning');
    await page.click('[data-testid=problems] [aria-label=Close]');
    await body().fill('{"name": "{{nodes.crm.body.customer.name}}"}');
    await page.locator('[data-testid=problems-button]', { hasText: 'Valid' }).waitFor();
  });

  it("clicking a key of the node's Last run inserts its token into the field focused last", async () => {
    await node('answer').click();
    await body().fill('{"name": "", "tier": ""}');
    // The caret between the quotes of "tier".
    await body().click();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await node('crm').click();
    await page.click('[data-testid=panel-tab-run]');
    const key = page.locator('[data-testid=step-response-body] [data-token="nodes.crm.body.customer.tier"]');
    expect(await key.textContent()).toBe('"tier"');
    await shot('last-run-keys');
    await key.click();
    await page
      .locator('.toast', { hasText: 'Inserted {{nodes.crm.body.customer.tier}} into answer › body.template' })
      .waitFor();
    // After a run a node opens on its Last run; its settings hold the field.
    await node('answer').click();
    await page.click('[data-testid=panel-tab-settings]');
    expect(await body().inputValue()).toBe('{"name": "", "tier": "{{nodes.crm.body.customer.tier}}"}');
    // The response's headers insert theirs too.
    await node('crm').click();
    await page.click('[data-testid=panel-tab-run]');
    await page.click('[data-testid=step-details] .headers button');
    await page.click('[data-token="nodes.crm.headers.content-type"]');
    await node('answer').click();
    await page.click('[data-testid=panel-tab-settings]');
    expect(await body().inputValue()).toContain('{{nodes.crm.body.customer.tier}}{{nodes.crm.headers.content-type}}');
  });

  it('with no field focused, a key is copied (and a toast says so)', async () => {
    const id = await openCrmFlow('copy-a-key');
    await page.click('[data-testid=test-button]');
    await page.click('[data-testid=run-test]');
    await page.locator('[data-testid=run-status]', { hasText: 'succeeded' }).waitFor({ timeout: 15_000 });
    await node('crm').click();
    await page.click('[data-testid=panel-tab-run]');
    await page.click('[data-testid=step-response-body] [data-token="nodes.crm.body.orders.[0].sku"]');
    await page.locator('.toast', { hasText: 'Copied {{nodes.crm.body.orders.[0].sku}}' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('{{nodes.crm.body.orders.[0].sku}}');
    const answer = (await draft(id)).nodes.find((n: { id: string }) => n.id === 'r');
    expect(answer.config.body.template).toBe('{"queue": "support"}');
  });

  it('a sample response pasted on the HTTP node: completion and warnings without a run; saved', async () => {
    const id = await openCrmFlow('pasted-sample');
    await node('crm').click();
    await page.click('[data-testid=panel-tab-settings]');
    await page.click('[data-testid=tab-sample]');
    await page.fill('[data-testid=http-sample-response]', JSON.stringify({ account: { id: 12, owner: 'Marc' } }));
    await typeInBody('{{nodes.crm.body.account.');
    await pop('nodes.crm.body.account.owner').waitFor();
    expect(await pop('nodes.crm.body.account.id').locator('.tf-pop-example').textContent()).toBe('12');
    await page.keyboard.press('Escape');
    await body().fill('{"owner": "{{nodes.crm.body.acount.owner}}"}');
    const message = 'nodes.crm.body has no "acount" in the pinned sample; did you mean "account"?';
    await page.locator('[data-testid=respond-body-field]').getByText(message).waitFor();
    await saved();
    const h = (await draft(id)).nodes.find((n: { id: string }) => n.id === 'h');
    expect(h.config.sampleResponse).toEqual({ account: { id: 12, owner: 'Marc' } });
    // The server's validator reads the pinned sample too.
    const validation = (await t.as('get', `/api/v1/flows/${id}`).expect(200)).body.validation;
    expect(validation.warnings.map((w: { message: string }) => w.message).join()).toContain(message);

    // Pinned from the last run instead.
    await page.click('[data-testid=test-button]');
    await page.click('[data-testid=run-test]');
    await page.locator('[data-testid=run-status]', { hasText: 'succeeded' }).waitFor({ timeout: 15_000 });
    await node('crm').click();
    await page.click('[data-testid=panel-tab-settings]');
    await page.click('[data-testid=tab-sample]');
    await page.click('[data-testid=http-sample-pin]');
    expect(JSON.parse(await page.locator('[data-testid=http-sample-response]').inputValue())).toEqual(CUSTOMER);
    await saved();
    expect((await draft(id)).nodes.find((n: { id: string }) => n.id === 'h').config.sampleResponse).toEqual(CUSTOMER);
    // Never sent: the CRM saw the request alone.
    expect(JSON.stringify(crm.seen.at(-1))).not.toContain('Marc');
  });

  it("completes the SOAP operation's output below .result, from its WSDL (the SOAP panel not opened)", async () => {
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.end_of_call', name: 'end', position: { x: 0, y: 0 }, config: {} },
        {
          id: 's',
          type: 'soap',
          name: 'legacy',
          position: { x: 320, y: 0 },
          config: { wsdlUrl: `${soap.base}/crm?wsdl`, operation: 'GetCustomer', args: { phone: '{{call.callerId}}' } },
        },
        {
          id: 'r',
          type: 'http',
          name: 'notify',
          position: { x: 640, y: 0 },
          config: { method: 'POST', url: `${crm.base}/notify`, body: { type: 'json', template: '{}' } },
        },
      ],
      edges: [
        { id: 'e1', source: 't', target: 's' },
        { id: 'e2', source: 's', sourceHandle: 'success', target: 'r' },
      ],
    };
    const id = (await t.as('post', '/api/v1/flows').send({ name: 'soap', key: 'soap-out', definition }).expect(201))
      .body.id;
    await page.goto(`/flows/${id}`);
    // Completion asks for the WSDL of the SOAP node before this one (its panel was never opened).
    await node('notify').click();
    await page.click('[data-testid=tab-body]');
    const field = page.locator('[data-testid=http-body]');
    await field.fill('{"city": "');
    await field.press('End');
    await field.pressSequentially('{{nodes.legacy.result.');
    await pop('nodes.legacy.result.address').waitFor();
    expect(await pop('nodes.legacy.result.visits').locator('.tf-pop-type').textContent()).toBe('number');
    expect(await pop('nodes.legacy.result.visits').locator('.tf-pop-example').textContent()).toBe('xs:int');
    expect(await pop('nodes.legacy.result.tags').locator('.tf-pop-type').textContent()).toBe('list of string');
    await field.pressSequentially('address.');
    await pop('nodes.legacy.result.address.city').waitFor();
    await shot('completion-soap-output');
    await page.keyboard.press('Escape');
    await field.fill('{"city": "{{nodes.legacy.result.adress.city}}"}');
    const message = `nodes.legacy.result has no "adress" in the WSDL's GetCustomer output; did you mean "address"?`;
    await page.locator('[data-testid=http-body-field]').getByText(message).waitFor();
  });

  it("a template's sample input is pinned with the flow: the drawer and How to call use it", async () => {
    const conn = await createConnection(t, {
      name: 'xivo-crm',
      type: 'bearer',
      token: 'crm-token',
      fields: { baseUrl: crm.base },
    });
    const created = await t
      .as('post', '/api/v1/flows')
      .send({ templateId: 'xivo-login-url', name: 'XiVO logins', key: 'xivo-logins', connections: { crm: conn } })
      .expect(201);
    const id = created.body.id as string;
    await page.goto(`/flows/${id}`);
    await node('login').click();
    const howUrl = page.locator('[data-testid=how-to-call-url]');
    await howUrl.filter({ hasText: 'login=alice&xivoccHost=xivocc.example.com' }).waitFor();
    await page.click('[data-testid=test-button]');
    const input = page.locator('[data-testid=input-request]');
    expect(JSON.parse(await input.inputValue()).query).toEqual({ login: 'alice', xivoccHost: 'xivocc.example.com' });
    await page.locator('[data-testid=input-pinned]').waitFor();

    // An edit is this browser's until pinned: How to call keeps the pinned input meanwhile.
    await input.fill(JSON.stringify({ method: 'GET', query: { login: 'bob', xivoccHost: 'xivocc.example.com' } }));
    await page.locator('[data-testid=pin-input]').waitFor();
    expect(await howUrl.textContent()).toContain('login=alice');
    await page.click('[data-testid=pin-input]');
    await howUrl.filter({ hasText: 'login=bob' }).waitFor();
    await saved();
    expect((await draft(id)).sampleInput.request.query.login).toBe('bob');
    await shot('pinned-sample-input');

    // Another admin's browser (nothing kept locally) starts from the pinned input.
    const other = await newPage(browser, t.baseUrl);
    await login(other.page, ADMIN.email, ADMIN.password);
    await other.page.goto(`/flows/${id}`);
    await other.page.click('[data-testid=test-button]');
    expect(JSON.parse(await other.page.locator('[data-testid=input-request]').inputValue()).query.login).toBe('bob');
    await other.page.context().close();

    await page.click('[data-testid=unpin-input]');
    await saved();
    expect(await draft(id)).not.toHaveProperty('sampleInput');
  });

  it("a past run's input loads into the test drawer in one click from the run's page", async () => {
    const id = (await t.as('get', '/api/v1/flows?limit=100').expect(200)).body.items.find(
      (f: { key: string }) => f.key === 'xivo-logins',
    ).id as string;
    await page.goto(`/flows/${id}`);
    await page.click('[data-testid=test-button]');
    const input = page.locator('[data-testid=input-request]');
    await input.fill(JSON.stringify({ method: 'GET', query: { login: 'carol', xivoccHost: 'h1.example.com' } }));
    await page.click('[data-testid=run-test]');
    await page.locator('[data-testid=run-status]', { hasText: 'succeeded' }).waitFor({ timeout: 15_000 });
    const runs = (await t.as('get', `/api/v1/executions?flowId=${id}`).expect(200)).body.items;
    const carol = runs[0].id as string;
    // The drawer moves on to another input…
    await input.fill(JSON.stringify({ method: 'GET', query: { login: 'dave', xivoccHost: 'h2.example.com' } }));
    await page.goto(`/executions/${carol}`);
    await page.locator('[data-testid=execution-view]').waitFor();
    await page.click('[data-testid=rerun-input]');
    // …and the run's page brings carol's back, the drawer open.
    await page.locator('[data-testid=test-run]').waitFor();
    expect(JSON.parse(await page.locator('[data-testid=input-request]').inputValue()).query).toEqual({
      login: 'carol',
      xivoccHost: 'h1.example.com',
    });
    await shot('past-run-input');
    await page.click('[data-testid=run-test]');
    await page.locator('[data-testid=run-status]', { hasText: 'succeeded' }).waitFor({ timeout: 15_000 });
    expect(crm.seen.at(-1)!.body).toMatch(/"login": ?"carol"/);
  });

  it('renaming a node moves the tokens that read its output; Ctrl+Z moves them back with the name', async () => {
    const id = await openCrmFlow('rename-moves-tokens');
    await node('answer').click();
    await body().fill('{"name": "{{nodes.crm.body.name}}", "vip": {{json nodes.crm.body.vip}}}');
    await saved();
    await node('crm').click();
    const name = page.locator('[data-testid=node-panel] [data-testid=node-name]');
    await name.click();
    await page.keyboard.press('End');
    await page.keyboard.type('_lookup');
    await node('crm_lookup').waitFor();
    await saved();
    const moved = '{"name": "{{nodes.crm_lookup.body.name}}", "vip": {{json nodes.crm_lookup.body.vip}}}';
    const answerOf = (d: { nodes: { name: string; config: { body?: { template?: string } } }[] }) =>
      d.nodes.find((n) => n.name === 'answer')!.config.body!.template;
    expect(answerOf(await draft(id))).toBe(moved);
    await node('answer').click();
    expect(await body().inputValue()).toBe(moved);
    await page.locator('[data-testid=problems-button]', { hasText: 'Valid' }).waitFor();
    // One undo step: the name and the tokens together.
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('Control+z');
    await node('crm').waitFor();
    await node('answer').click();
    expect(await body().inputValue()).toBe('{"name": "{{nodes.crm.body.name}}", "vip": {{json nodes.crm.body.vip}}}');
    // Another node's name: said at the field being typed in; the tokens stay until the name is free.
    await node('crm').click();
    await page.fill('[data-testid=node-panel] [data-testid=node-name]', 'answer');
    await page
      .locator('[data-testid=node-panel]')
      .getByText('another node is named answer: names must be unique (its tokens stay with it)')
      .waitFor();
    // The problems list has the clash on both nodes, each naming the other's kind (never a position);
    // the answer's tokens of crm, held back, are its other errors.
    await page.locator('[data-testid=problems-button]', { hasText: '4 errors' }).waitFor();
    await page.click('[data-testid=problems-button]');
    const clash = page.locator('[data-testid=problems] .vlist li', { hasText: /name "answer" is \w+ used by another/ });
    await clash.filter({ hasText: 'another node (Respond)' }).waitFor();
    await clash.filter({ hasText: 'another node (HTTP request)' }).waitFor();
    expect(await clash.count()).toBe(2);
    await page.click('[data-testid=problems] [aria-label=Close]');
    await page.fill('[data-testid=node-panel] [data-testid=node-name]', 'crm2');
    await node('crm2').waitFor();
    // A space typed mid-name is "_", and the caret stays where it was typed.
    await page.keyboard.press('Home');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.type(' ');
    await page.waitForFunction(() => {
      const input = document.querySelector<HTMLInputElement>('[data-testid=node-panel] [data-testid=node-name]');
      return input?.value === 'crm_2' && input.selectionStart === 4;
    });
    await page.keyboard.type('xy');
    expect(await page.locator('[data-testid=node-panel] [data-testid=node-name]').inputValue()).toBe('crm_xy2');
    await page.fill('[data-testid=node-panel] [data-testid=node-name]', 'crm2');
    await node('crm2').waitFor();
    await node('answer').click();
    expect(await body().inputValue()).toBe('{"name": "{{nodes.crm2.body.name}}", "vip": {{json nodes.crm2.body.vip}}}');
  });
});
