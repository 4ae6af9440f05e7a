/**
 * The connection dialog shows the server's validation problems (the DTOs' 400s: `path: message`)
 * where they belong: the allowed origins' at that field, the others above the buttons; fixing
 * them saves.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, newPage } from './browser';

const suite = hasChromium() ? describe : describe.skip;

suite('connection dialog: validation problems', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    buildEditor();
    [t, browser] = await Promise.all([TestApp.start({ EDITOR_DIR: EDITOR_DIST }), launch()]);
    ({ page, problems } = await newPage(browser, t.baseUrl));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows each refusal in words and saves once it is fixed', async () => {
    await login(page, ADMIN.email, ADMIN.password);
    await page.click('[data-testid=nav-connections]');
    await page.click('[data-testid=new-connection]');
    await page.fill('[data-testid=connection-name]', 'auth');
    await page.selectOption('[data-testid=connection-type]', 'oauth2_client_credentials');
    await page.fill('[data-testid=connection-tokenUrl]', 'ftp://auth.example.com/token');
    await page.fill('[data-testid=connection-clientId]', 'callflow');
    await page.click('[data-testid=save-connection]');
    const error = page.locator('[data-testid=connection-error]');
    await error.waitFor();
    expect(await error.innerText()).toBe('tokenUrl: must be an http(s) URL');

    await page.fill('[data-testid=connection-tokenUrl]', 'https://auth.example.com/token');
    await page.click('[data-testid=save-connection]');
    await error.filter({ hasText: 'clientSecret: is required' }).waitFor();

    await page.fill('[data-testid=connection-secret]', 'client-secret-1');
    await page.fill('[data-testid=connection-allowed-origins]', 'https://auth.example.com\nhttps://*.example.com');
    await page.click('[data-testid=save-connection]');
    const origins = page.locator('[data-testid=connection-origins-error]');
    await origins.waitFor();
    expect(await origins.innerText()).toBe('"https://*.example.com": wildcards are not allowed; list each origin');
    expect(await error.count()).toBe(0);

    await page.fill('[data-testid=connection-allowed-origins]', 'https://auth.example.com');
    await page.click('[data-testid=save-connection]');
    await page.locator('[data-testid=connection-dialog]').waitFor({ state: 'detached' });
    const list = (await t.as('get', '/api/v1/connections').expect(200)).body.items as { name: string }[];
    expect(list.map((c) => c.name)).toEqual(['auth']);
    // The expected refusals: three 400s, and the 401 of the session probe before signing in.
    expect(problems.filter((p) => !/status of (400|401)/.test(p))).toEqual([]);
  });
});
