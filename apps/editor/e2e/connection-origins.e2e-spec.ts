/**
 * Review item 5 in the browser: editing a connection that holds a secret, adding an allowed origin
 * says at once that the secret must be entered again; saving without it shows the server's 422;
 * with it the save goes through. Removing an origin says nothing.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, newPage } from './browser';

const suite = hasChromium() ? describe : describe.skip;

suite('connection origins: adding one asks for the secret again', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    buildEditor();
    [t, browser] = await Promise.all([TestApp.start({ EDITOR_DIR: EDITOR_DIST }), launch()]);
    ({ page, problems } = await newPage(browser, t.baseUrl));
    const allowedOrigins = ['https://crm.example.com', 'https://old.example.com'];
    const body = { name: 'crm', type: 'bearer', token: 'browser-token-1', allowedOrigins };
    await t.as('post', '/api/v1/connections').send(body).expect(201);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('warns when an origin is added, shows the 422 without the secret, saves with it', async () => {
    await login(page, ADMIN.email, ADMIN.password);
    await page.click('[data-testid=nav-connections]');
    await page.click('[data-testid="edit-connection-crm"]');
    const origins = page.locator('[data-testid=connection-allowed-origins]');
    const notice = page.locator('[data-testid=connection-origins-widened]');
    // Removing one: nothing to say.
    await origins.fill('https://crm.example.com');
    expect(await notice.count()).toBe(0);
    // Adding one (spelled with a default port and upper case: the same origin as a listed one is not "added").
    await origins.fill('HTTPS://CRM.example.com:443\nhttps://new.example.com');
    await notice.waitFor();
    expect(await notice.innerText()).toBe(
      'Adding https://new.example.com lets this connection’s credentials go there: ' +
        'enter its secret (token) again to save. Removing origins needs no secret.',
    );
    await page.click('[data-testid=save-connection]');
    const hasText = 'must be entered again in the same request (token)';
    // The server's refusal is about the origins: shown at that field.
    const refused = page.locator('[data-testid=connection-origins-error]', { hasText });
    await refused.waitFor();
    await page.fill('[data-testid=connection-secret]', 'browser-token-2');
    await page.click('[data-testid=save-connection]');
    await page.locator('[data-testid=connection-dialog]').waitFor({ state: 'detached' });
    const list = await t.as('get', '/api/v1/connections').expect(200);
    const saved = list.body.items as { name: string; allowedOrigins: string[] }[];
    const crm = saved.find((c) => c.name === 'crm')!;
    expect(crm.allowedOrigins).toEqual(['https://crm.example.com', 'https://new.example.com']);
    // The expected refusals: the 422, and the 401 of the session probe before signing in.
    expect(problems.filter((p) => !/status of (401|422)/.test(p))).toEqual([]);
  });
});
