/**
 * What a first-time campaign admin hit in the flow editor (Debian's Chromium via playwright-core,
 * the real API with its own PostgreSQL serving the built editor):
 * 1. a URL that can never be sent (`htp//bad url with spaces`) passed validation and published;
 * 2. Delete with nothing selected recorded an undo step, so the next Ctrl+Z did nothing;
 * 3. `{{call.callerId` (no `}}`) was reported as `unexpected "c"` at the wrong column;
 * 5. a save failure's long message pushed its Retry out of sight;
 * 6. a flow named "Звонки" got the key `flow`, and no key could be edited;
 * 7. Respond said "nobody waits" under an IVR; "Search nodes" did not find nodes on the canvas.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, newPage, screenshot } from './browser';
import { bigFlow } from './fixtures';

const suite = hasChromium() ? describe : describe.skip;

const DEFINITION = {
  schemaVersion: 1,
  nodes: [
    { id: 't', type: 'trigger.ivr', name: 'ivr', position: { x: 0, y: 0 }, config: { deadlineMs: 3000 } },
    {
      id: 'h',
      type: 'http',
      name: 'lookup',
      position: { x: 300, y: 0 },
      config: { method: 'GET', url: 'https://crm.example.com/customers?phone={{call.callerId}}' },
    },
    {
      id: 'r',
      type: 'respond',
      name: 'answer',
      position: { x: 600, y: 0 },
      config: { body: { type: 'json', template: '{"queue": "default"}' } },
    },
  ],
  edges: [
    { id: 'e1', source: 't', target: 'h' },
    { id: 'e2', source: 'h', sourceHandle: 'success', target: 'r' },
  ],
};

suite('a first-time admin in the flow editor', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let flowId = '';
  const node = (name: string) => page.locator(`[data-testid="node-${name}"]`);

  beforeAll(async () => {
    buildEditor();
    [t, browser] = await Promise.all([TestApp.start({ EDITOR_DIR: EDITOR_DIST }), launch()]);
    ({ page, problems } = await newPage(browser, t.baseUrl));
    await login(page, ADMIN.email, ADMIN.password);
    const created = await t
      .as('post', '/api/v1/flows')
      .send({ name: 'Campaign lookup', definition: DEFINITION })
      .expect(201);
    flowId = created.body.id;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  afterEach(() => {
    // Refusals the tests provoke (a taken key, a failing save; 401: the sign-in's session probe) are logged.
    const unexpected = problems.filter((p) => !/status of (401|409|422|500)/.test(p));
    problems.length = 0;
    expect(unexpected).toEqual([]);
  });

  it('refuses a URL that can never be sent, at the field, in the problems and at publish', async () => {
    await page.goto(`/flows/${flowId}`);
    await node('lookup').click();
    const url = page.locator('[data-testid=http-url]');
    const good = await url.inputValue();
    await url.fill('htp//bad url with spaces');
    const issue = page.locator('[data-testid=http-url-field] .field-issues li.err');
    await issue.filter({ hasText: 'not an absolute URL: it must start with http:// or https://' }).waitFor();
    await page.locator('[data-testid=problems-button]', { hasText: '1 error' }).waitFor();
    await screenshot(page, 'url-invalid');
    await page.click('[data-testid=publish-button]');
    await page.locator('[data-testid=publish-blocked]').waitFor();
    await page.keyboard.press('Escape');
    // The API refuses it too (the same validator), whatever the editor shows.
    await page.keyboard.press('Control+s');
    await page.locator('[data-testid=save-status][data-state=saved]').waitFor();
    const refused = await t.as('post', `/api/v1/flows/${flowId}/publish`).send({}).expect(422);
    expect(JSON.stringify(refused.body)).toContain('url_invalid');

    // A static part with a space is refused; a base URL from a raw token is fine.
    await url.fill('https://{{call.callerId}}/a b');
    await issue.filter({ hasText: 'a URL cannot contain a space' }).waitFor();
    await url.fill('{{{call.ivr}}}/customers');
    await page.locator('[data-testid=problems-button]', { hasText: /Valid|warning/ }).waitFor();
    await url.fill(good);
    await page.locator('[data-testid=problems-button]', { hasText: 'Valid' }).waitFor();
    await page.keyboard.press('Control+s');
    await page.locator('[data-testid=save-status][data-state=saved]').waitFor();
  });

  it('reports an unclosed "{{" where it opens, in words', async () => {
    await page.goto(`/flows/${flowId}`);
    await node('answer').click();
    const body = page.locator('[data-testid=respond-body]');
    await body.fill('{"caller": "{{call.callerId"}');
    await body.blur(); // while the caret is in a "{{" the field offers tokens, not errors
    const issue = page.locator('[data-testid=respond-body-field] .field-issues li.err');
    await issue.filter({ hasText: 'Line 1, column 13: unclosed "{{" (add "}}" to close it)' }).waitFor();
    expect(await issue.first().textContent()).not.toContain('unexpected');
    await body.fill('{"caller": "{{call.callerId}}"}');
    await issue.first().waitFor({ state: 'detached' });
  });

  it('says the IVR waits for the Respond answer', async () => {
    await node('answer').click();
    await page
      .locator('[data-testid=respond-waiter]', {
        hasText: 'The IVR waits for this answer for up to 3000 ms; after that it gets the fallback.',
      })
      .waitFor();
    expect(await page.locator('[data-testid=node-panel]').textContent()).not.toContain('nobody waits');
  });

  it('Delete with nothing selected leaves Ctrl+Z to undo the last edit', async () => {
    await node('answer').click();
    await page.fill('[data-testid=node-name]', 'renamed');
    await node('renamed').waitFor();
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.locator('[data-testid=node-panel]').waitFor({ state: 'detached' });
    await page.keyboard.press('Delete');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Control+z');
    await node('answer').waitFor({ timeout: 3000 });
    expect(await node('renamed').count()).toBe(0);
    expect(await node('lookup').count()).toBe(1);
  });

  it('keeps a save failure’s Retry on screen however long the message', async () => {
    const reason = `the database refused the write: ${'a very long explanation that goes on '.repeat(8)}(end)`;
    await page.route(`**/api/v1/flows/${flowId}`, (route) =>
      route.request().method() === 'PUT'
        ? route.fulfill({
            status: 500,
            contentType: 'application/json',
            body: JSON.stringify({ statusCode: 500, error: 'Internal Server Error', message: reason }),
          })
        : route.continue(),
    );
    await node('lookup').click();
    await page.fill('[data-testid=node-name]', 'lookup2');
    await page.locator('[data-testid=save-status][data-state=error]').waitFor();
    await screenshot(page, 'save-failed');
    const message = page.locator('[data-testid=save-message]');
    expect(await message.getAttribute('title')).toBe(`Not saved: ${reason}`);
    const retry = page.locator('[data-testid=save-retry]');
    // On screen and not covered or clipped: the element at its centre is Retry itself.
    const box = (await retry.boundingBox())!;
    const hit = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x!, y!)?.getAttribute('data-testid') ?? null,
      [box.x + box.width / 2, box.y + box.height / 2],
    );
    expect(hit).toBe('save-retry');
    const status = (await page.locator('[data-testid=save-status]').boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(status.x + status.width + 0.5);
    await page.unroute(`**/api/v1/flows/${flowId}`);
    await retry.click();
    await page.locator('[data-testid=save-status][data-state=saved]').waitFor();
    const saved = await t.as('get', `/api/v1/flows/${flowId}`).expect(200);
    expect(saved.body.definition.nodes.map((n: { name: string }) => n.name)).toContain('lookup2');
  });

  it('"Search nodes" finds nodes on the canvas and shows the one chosen', async () => {
    const big = await t
      .as('post', '/api/v1/flows')
      .send({ name: 'Big campaign', definition: bigFlow(60) })
      .expect(201);
    await page.goto(`/flows/${big.body.id}`);
    await node('ivr').waitFor();
    await page.fill('[aria-label="Search nodes"]', 'respond5');
    const matches = page.locator('[data-testid=canvas-matches]');
    await matches.getByText('On the canvas').waitFor();
    await matches.locator('[data-testid=canvas-match-respond59]').click();
    await page.locator('[data-testid=node-panel] [data-testid=node-name]').waitFor();
    expect(await page.locator('[data-testid=node-panel] [data-testid=node-name]').inputValue()).toBe('respond59');
    // Centred once the view has moved there.
    await page.waitForTimeout(500);
    const canvas = (await page.locator('.react-flow').boundingBox())!;
    const card = (await node('respond59').boundingBox())!;
    expect(Math.abs(card.x + card.width / 2 - (canvas.x + canvas.width / 2))).toBeLessThan(40);
    expect(Math.abs(card.y + card.height / 2 - (canvas.y + canvas.height / 2))).toBeLessThan(40);
    await screenshot(page, 'search-on-canvas');
    await page.fill('[aria-label="Search nodes"]', 'nothing like it');
    await matches.getByText('No node on the canvas matches.').waitFor();
  });

  it('derives "zvonki" from "Звонки"; the key can be edited until the first publish', async () => {
    await page.click('[data-testid=nav-flows]');
    await page.click('[data-testid=new-flow]');
    await page.click('[data-testid=starter-blank-ivr]');
    await page.fill('[data-testid=new-flow-name]', 'Звонки');
    await page.click('[data-testid=create-flow]');
    await page.waitForURL(/\/flows\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    const key = page.locator('[data-testid=flow-key]');
    await key.filter({ hasText: 'zvonki' }).waitFor();

    await key.click();
    await page.fill('[data-testid=flow-key-input]', 'Calls In');
    await page.locator('[data-testid=submit-reason]', { hasText: 'lower-case slug' }).waitFor();
    await page.fill('[data-testid=flow-key-input]', 'calls-in');
    await page.click('[data-testid=flow-key-save]');
    await key.filter({ hasText: 'calls-in' }).waitFor();
    expect((await t.as('get', `/api/v1/flows/${id}`).expect(200)).body.key).toBe('calls-in');

    // A key another flow has is refused as the server says.
    await key.click();
    await page.click('[data-testid=flow-key-suggest]');
    expect(await page.locator('[data-testid=flow-key-input]').inputValue()).toBe('zvonki');
    await t.as('post', '/api/v1/flows').send({ name: 'Other', key: 'zvonki', definition: DEFINITION }).expect(201);
    await page.click('[data-testid=flow-key-save]');
    await page.locator('[data-testid=flow-key-error]', { hasText: 'already used by another flow' }).waitFor();
    await page.keyboard.press('Escape');

    await page.click('[data-testid=publish-button]');
    await page.click('[data-testid=publish-confirm]');
    await page.locator('[data-testid=published-badge]', { hasText: 'v1 live' }).waitFor();
    // Published: the key is fixed (callers use it), and says why.
    expect(await key.evaluate((el) => el.tagName)).toBe('CODE');
    expect(await key.getAttribute('title')).toContain('fixed: the flow has been published');
  });
});
