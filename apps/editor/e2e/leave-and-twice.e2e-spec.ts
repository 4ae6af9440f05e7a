/**
 * Two things a first-time admin met in the browser (Debian's Chromium via playwright-core, the real
 * API with its own PostgreSQL serving the built editor):
 * 1. an edit made just before leaving the editor by the app's own links was thrown away (the page
 *    emptied the store before the autosave's last save could read it);
 * 2. a second click on a dialog's submit while the first was at work did it twice (two API keys):
 *    a screen's own `disabled` lifted the button's busy-disabling; confirmations had no busy state.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, newPage } from './browser';

const suite = hasChromium() ? describe : describe.skip;

const DEFINITION = {
  schemaVersion: 1,
  nodes: [
    { id: 't', type: 'trigger.ivr', name: 'call', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'r',
      type: 'respond',
      name: 'answer',
      position: { x: 300, y: 0 },
      config: { body: { type: 'json', template: '{"queue": "default"}' } },
    },
  ],
  edges: [{ id: 'e1', source: 't', target: 'r' }],
};

suite('leaving the editor and clicking twice', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    buildEditor();
    [t, browser] = await Promise.all([TestApp.start({ EDITOR_DIR: EDITOR_DIST }), launch()]);
    ({ page } = await newPage(browser, t.baseUrl));
    await login(page, ADMIN.email, ADMIN.password);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('keeps an edit made a moment before leaving by the Flows link', async () => {
    const created = await t
      .as('post', '/api/v1/flows')
      .send({ key: 'leave-soon', name: 'Leave soon', definition: DEFINITION })
      .expect(201);
    const id = created.body.id as string;
    await page.goto(`/flows/${id}`);
    await page.locator('[data-testid="node-answer"]').click();
    await page.fill('[data-testid=node-name]', 'renamed');
    // Well within the autosave's delay: only the save on leaving can keep it.
    await page.click('[data-testid=nav-flows]');
    await page.locator('[data-testid="flow-row-leave-soon"]').waitFor();

    let names: string[] = [];
    for (let i = 0; i < 50 && !names.includes('renamed'); i++) {
      const flow = await t.as('get', `/api/v1/flows/${id}`).expect(200);
      names = (flow.body.definition.nodes as { name: string }[]).map((n) => n.name);
      if (!names.includes('renamed')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(names).toEqual(['call', 'renamed']);
  });

  it('creates one API key when Create is clicked again while the first is at work', async () => {
    const before = (await t.as('get', '/api/v1/api-keys').expect(200)).body.items.length as number;
    // A slow server: the second click lands while the first request is still out.
    await page.route('**/api/v1/api-keys', async (route) => {
      if (route.request().method() === 'POST') await new Promise((r) => setTimeout(r, 600));
      await route.continue();
    });
    await page.click('[data-testid=nav-api-keys]');
    await page.click('[data-testid=new-api-key]');
    await page.fill('[data-testid=api-key-name]', 'Twice');
    await page.click('[data-testid=create-api-key]');
    await page.click('[data-testid=create-api-key]', { force: true, timeout: 2_000 }).catch(() => undefined);
    await page.locator('[data-testid=api-key-once]').waitFor();
    await page.unroute('**/api/v1/api-keys');
    await new Promise((r) => setTimeout(r, 800));
    const keys = (await t.as('get', '/api/v1/api-keys').expect(200)).body.items as { name: string }[];
    expect(keys.length).toBe(before + 1);
    expect(keys.filter((k) => k.name === 'Twice')).toHaveLength(1);
  });

  it('sends one revocation when Revoke is clicked again while the first is at work', async () => {
    const deletes: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'DELETE' && r.url().includes('/api/v1/api-keys/')) deletes.push(r.url());
    });
    await page.route('**/api/v1/api-keys/*', async (route) => {
      if (route.request().method() === 'DELETE') await new Promise((r) => setTimeout(r, 600));
      await route.continue();
    });
    await page.click('[data-testid=api-key-done]');
    await page.click('[data-testid="revoke-Twice"]');
    await page.click('[data-testid=confirm-revoke]');
    await page.click('[data-testid=confirm-revoke]', { force: true, timeout: 2_000 }).catch(() => undefined);
    await page.locator('[data-testid=confirm-revoke]').waitFor({ state: 'detached' });
    await page.unroute('**/api/v1/api-keys/*');
    await new Promise((r) => setTimeout(r, 300));
    expect(deletes).toHaveLength(1);
  });
});
