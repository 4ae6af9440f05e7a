/** Throwaway: the `log` node of docs/adding-a-node-type.md, end to end (palette, panel, test run). */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, newPage } from './browser';

const suite = hasChromium() ? describe : describe.skip;

suite('log node (throwaway)', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    buildEditor();
    [t, browser] = await Promise.all([TestApp.start({ EDITOR_DIR: EDITOR_DIST }), launch()]);
    ({ page } = await newPage(browser, t.baseUrl));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('adds a log node from the palette, edits it, and test-runs it', async () => {
    await page.goto('/flows');
    await login(page, ADMIN.email, ADMIN.password);
    await page.locator('[data-testid=flows-page]').waitFor();
    await page.click('[data-testid=new-flow]');
    await page.click('[data-testid=starter-blank-eoc]');
    await page.fill('[data-testid=new-flow-name]', 'Log it');
    await page.click('[data-testid=create-flow]');
    await page.locator('[data-testid="node-endOfCall"]').click();
    expect(await page.locator('[data-testid="palette-log"]').textContent()).toContain('Log');
    await page.click('[data-testid="palette-log"]');
    await page.locator('[data-testid="node-log"]').waitFor();
    const field = page.locator('[data-testid=log-message]');
    expect(await field.textContent()).toContain('caller {{call.callerId}}');
    await page.click('[data-testid=test-button]');
    await page.click('[data-testid=run-test]');
    await page.locator('[data-testid=run-status]', { hasText: 'succeeded' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="node-log"]').getAttribute('data-status')).toBe('succeeded');
  });
});
