/**
 * Trigger panels in the browser (Debian's Chromium via playwright-core) against the real API
 * (TestApp with its own PostgreSQL, serving the built editor): a campaign flow's per-flow
 * concurrency limit, checked as it is typed and saved with the flow.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, newPage } from './browser';

const suite = hasChromium() ? describe : describe.skip;

suite('trigger panels in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    buildEditor();
    [t, browser] = await Promise.all([TestApp.start({ EDITOR_DIR: EDITOR_DIST }), launch()]);
    ({ page, problems } = await newPage(browser, t.baseUrl));
    await page.goto('/flows');
    await login(page, ADMIN.email, ADMIN.password);
    await page.locator('[data-testid=flows-page]').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  afterEach(() => {
    const unexpected = problems.filter((p) => !/status of (401|404|409|422)/.test(p));
    problems.length = 0;
    expect(unexpected).toEqual([]);
  });

  it('limits a campaign flow: max concurrent runs, checked as typed, saved with the flow', async () => {
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.campaign', name: 'campaign', position: { x: 0, y: 0 }, config: {} },
        {
          id: 'h',
          type: 'http',
          name: 'push',
          position: { x: 280, y: 0 },
          config: {
            method: 'POST',
            url: 'http://127.0.0.1:9/contacts',
            body: { type: 'json', template: '{"phone":"{{contact.phone}}"}' },
          },
        },
      ],
      edges: [{ id: 'e1', source: 't', target: 'h' }],
    };
    const created = await t
      .as('post', '/api/v1/flows')
      .send({ name: 'Campaign push', key: 'campaign-push', definition })
      .expect(201);
    await page.goto(`/flows/${created.body.id}`);
    await page.locator('[data-testid="node-campaign"]').click();
    const field = page.locator('[data-testid=max-concurrent-runs]');
    await field.fill('0');
    await page.locator('.field-issues li.err', { hasText: 'whole number from 1 to 1000' }).waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await field.fill('5');
    await page
      .locator('.field-issues li.err', { hasText: 'whole number from 1 to 1000' })
      .waitFor({ state: 'detached' });
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('Control+s');
    await page.locator('[data-testid=save-status][data-state=saved]').waitFor();
    const saved = await t.as('get', `/api/v1/flows/${created.body.id}`).expect(200);
    expect(saved.body.definition.nodes.find((n: { id: string }) => n.id === 't').config).toEqual({
      maxConcurrentRuns: 5,
    });
    expect(saved.body.validation.valid).toBe(true);
  });
});
