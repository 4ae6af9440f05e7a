/**
 * Signing in when one email and password open accounts in several tenants: the API answers 409
 * naming them, and the login form asks which workspace to open (it has no tenant field otherwise).
 */
import type { Browser } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { buildEditor, EDITOR_DIST, hasChromium, launch, newPage } from './browser';

const suite = hasChromium() ? describe : describe.skip;

suite('login: one email and password in several tenants', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    buildEditor();
    [t, browser] = await Promise.all([TestApp.start({ EDITOR_DIR: EDITOR_DIST }), launch()]);
    // Tenant B's admin has the bootstrap admin's email and password; a flow only tenant B has.
    const tenantB = { name: 'Workspace B', adminEmail: ADMIN.email, adminPassword: ADMIN.password };
    const b = await t.as('post', '/api/v1/tenants').send(tenantB).expect(201);
    const tenantId = b.body.id as string;
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ ...ADMIN, tenantId })
      .expect(200);
    const definition = {
      schemaVersion: 1,
      nodes: [{ id: 't', type: 'trigger.ivr', name: 'ivr', position: { x: 0, y: 0 }, config: {} }],
      edges: [],
    };
    await t
      .http()
      .post('/api/v1/flows')
      .set('authorization', `Bearer ${login.body.accessToken}`)
      .send({ name: 'Only in workspace B', definition })
      .expect(201);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('asks which workspace, then opens the chosen one', async () => {
    const { page, problems } = await newPage(browser, t.baseUrl);
    await page.goto('/login');
    await page.fill('#email', ADMIN.email);
    await page.fill('#password', ADMIN.password);
    await page.click('[data-testid=login-submit]');
    const choice = page.locator('[data-testid=login-tenant]');
    await choice.waitFor();
    expect(await choice.locator('option').allTextContents()).toEqual(expect.arrayContaining(['Workspace B']));
    expect(await page.locator('[data-testid=login-error]').count()).toBe(0);
    await choice.selectOption({ label: 'Workspace B' });
    await page.click('[data-testid=login-submit]');
    await page.waitForURL(/\/flows$/);
    await page.getByText('Only in workspace B').waitFor();
    // Expected in the console: the session restore's 401 (no cookie yet) and the 409; nothing else.
    expect(problems.filter((p) => !/status of (401|409)/.test(p))).toEqual([]);
  });
});
