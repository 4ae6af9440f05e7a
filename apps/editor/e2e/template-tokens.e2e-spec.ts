/**
 * Gcalls' parameter kinds in the browser (Debian's Chromium via playwright-core, the real API):
 * a token_endpoint connection whose token goes in the URL path, made in the connection form; a
 * template that would send a connection secret as itself (`{{secrets.password}}`) shown as an
 * error at its field and blocking Publish, then accepted once hashed (`{{md5 secrets.password}}`).
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, newPage } from './browser';

const suite = hasChromium() ? describe : describe.skip;

suite('connection tokens and secrets in the editor', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let connectionId = '';

  beforeAll(async () => {
    buildEditor();
    [t, browser] = await Promise.all([TestApp.start({ EDITOR_DIR: EDITOR_DIST }), launch()]);
    ({ page, problems } = await newPage(browser, t.baseUrl));
    await login(page, ADMIN.email, ADMIN.password);
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

  it("a token endpoint whose token goes in the path ({token}), as Gcalls' Path parameters", async () => {
    await page.click('[data-testid=nav-connections]');
    await page.click('[data-testid=new-connection]');
    await page.fill('[data-testid=connection-name]', 'gcalls-path');
    await page.selectOption('[data-testid=connection-type]', 'token_endpoint');
    await page.fill('[data-testid=token-url]', 'https://{{{connection.host}}}/api/auth');
    await page.fill('[data-testid=token-path]', 'access_token');
    expect(await page.locator('#token-apply option').allTextContents()).toEqual([
      'Header',
      'Query parameter',
      'Body field (JSON or form)',
      'Path: {name} in the URL',
    ]);
    await page.selectOption('#token-apply', 'path');
    await page.fill('[data-testid=token-apply-name]', 'token');
    await page.getByText('Write {name} in the node URL path where the token goes').waitFor();
    await page.click('[data-testid=token-secret-add]');
    await page.fill('[data-testid=token-secret-name-0]', 'password');
    await page.fill('[data-testid=token-secret-value-0]', 'pw-in-the-browser');
    await page.click('[data-testid=save-connection]');
    await page.locator('[data-testid="connection-gcalls-path"]').waitFor();
    const conns = (await t.as('get', '/api/v1/connections').expect(200)).body.items as {
      id: string;
      name: string;
      settings?: Record<string, unknown>;
      config?: Record<string, unknown>;
    }[];
    const conn = conns.find((c) => c.name === 'gcalls-path')!;
    connectionId = conn.id;
    expect(JSON.stringify(conn)).toContain('"apply":{"in":"path","name":"token"}');
    expect(JSON.stringify(conn)).not.toContain('pw-in-the-browser');
  });

  it('{{secrets.password}} in a header is an error at its field and blocks Publish; hashed it is valid', async () => {
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.end_of_call', name: 'end', position: { x: 0, y: 0 }, config: {} },
        {
          id: 'h',
          type: 'http',
          name: 'signed',
          position: { x: 300, y: 0 },
          config: {
            url: 'https://{{{connection.host}}}/rest/{token}/x',
            connectionId,
            headers: [{ name: 'X-Sig', value: '{{secrets.password}}' }],
          },
        },
      ],
      edges: [{ id: 'e1', source: 't', target: 'h' }],
    };
    const id = (await t.as('post', '/api/v1/flows').send({ name: 'Signed', key: 'signed', definition }).expect(201))
      .body.id;
    await page.goto(`/flows/${id}`);
    await page.locator('[data-testid=problems-button]', { hasText: '1 error' }).waitFor();
    await page.click('[data-testid="node-signed"]');
    await page.click('[data-testid=tab-headers]');
    const field = page.locator('[data-testid=http-headers-value-0-field]');
    await field.getByText(/a secret can only be hashed/).waitFor();
    await page.click('[data-testid=publish-button]');
    await page.locator('[data-testid=publish-blocked]').waitFor();
    expect(await page.locator('[data-testid=publish-confirm]').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=http-headers-value-0]').fill('{{md5 secrets.password}}');
    await page.locator('[data-testid=problems-button]', { hasText: 'Valid' }).waitFor();
    expect(await field.getByText(/a secret can only be hashed/).count()).toBe(0);
  });
});
