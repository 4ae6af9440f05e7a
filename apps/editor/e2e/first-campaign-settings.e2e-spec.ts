/**
 * What a first-time campaign admin hit in the settings (Debian's Chromium via playwright-core, the
 * real API with its own PostgreSQL serving the built editor):
 * 4. a Viewer opening /settings/users (roles, API keys) by URL saw create buttons that did nothing
 *    and a 403 with a pointless Retry;
 * 7. "Test connection" answered "ok · nothing to test"; "Add user" stayed disabled without saying
 *    why; an API key's flow restriction was free text instead of the tenant's flows.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, newPage, screenshot } from './browser';
import { bigFlow } from './fixtures';

const suite = hasChromium() ? describe : describe.skip;

const VIEWER = { email: 'viewer@test.local', password: 'quiet harbour lamp 1' };

suite('a first-time admin in the settings', () => {
  let t: TestApp;
  let browser: Browser;
  let admin: Page;
  let viewer: Page;
  let problems: string[][] = [];

  beforeAll(async () => {
    buildEditor();
    [t, browser] = await Promise.all([TestApp.start({ EDITOR_DIR: EDITOR_DIST }), launch()]);
    const a = await newPage(browser, t.baseUrl);
    const v = await newPage(browser, t.baseUrl);
    admin = a.page;
    viewer = v.page;
    problems = [a.problems, v.problems];
    const roles = (await t.as('get', '/api/v1/roles').expect(200)).body.items as { id: string; builtIn: string }[];
    const viewerRole = roles.find((r) => r.builtIn === 'viewer')!;
    await t
      .as('post', '/api/v1/users')
      .send({ ...VIEWER, roleIds: [viewerRole.id] })
      .expect(201);
    for (const name of ['Звонки', 'Support line'])
      await t
        .as('post', '/api/v1/flows')
        .send({ name, definition: bigFlow(3) })
        .expect(201);
    await t
      .as('post', '/api/v1/connections')
      .send({
        name: 'crm-basic',
        type: 'basic',
        username: 'agent',
        password: 'pw-one',
        allowedOrigins: ['https://crm.example.com'],
      })
      .expect(201);
    await Promise.all([login(admin, ADMIN.email, ADMIN.password), login(viewer, VIEWER.email, VIEWER.password)]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  afterEach(() => {
    // The refusals these tests provoke (a 403) and the sign-in's session probe (401) are logged.
    const unexpected = problems.flat().filter((p) => !/status of (401|403)/.test(p));
    for (const p of problems) p.length = 0;
    expect(unexpected).toEqual([]);
  });

  it('a Viewer opening settings by URL is told they have no access: no Retry, no create button', async () => {
    const pages = [
      ['/settings/users', 'users', 'new-user'],
      ['/settings/roles', 'roles', 'new-role'],
      ['/settings/api-keys', 'API keys', 'new-api-key'],
      ['/settings/audit', 'the audit log', null],
    ] as const;
    for (const [path, what, create] of pages) {
      await viewer.goto(path);
      const state = viewer.locator('[data-testid=no-access]');
      await state.getByText(`You don't have access to ${what}`).waitFor();
      expect(await viewer.locator('.error-banner').count()).toBe(0);
      expect(await viewer.getByRole('button', { name: 'Retry' }).count()).toBe(0);
      if (create) expect(await viewer.locator(`[data-testid=${create}]`).count()).toBe(0);
      if (path === '/settings/users') await screenshot(viewer, 'no-access');
    }
    await viewer.locator('[data-testid=no-access] code', { hasText: 'access.manage' }).waitFor();
  });

  it('a 403 while loading is the same no-access state, not an error to retry', async () => {
    await admin.route('**/api/v1/users', (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({ statusCode: 403, error: 'Forbidden', message: 'missing permission access.manage' }),
      }),
    );
    await admin.goto('/settings/users');
    await admin.locator('[data-testid=no-access]', { hasText: 'missing permission access.manage' }).waitFor();
    expect(await admin.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    expect(await admin.locator('[data-testid=new-user]').count()).toBe(0);
    await admin.unroute('**/api/v1/users');
  });

  it('Add user says what it still needs while it is disabled', async () => {
    await admin.goto('/settings/users');
    await admin.click('[data-testid=new-user]');
    const save = admin.locator('[data-testid=save-user]');
    const reason = admin.locator('[data-testid=submit-reason]');
    await reason.filter({ hasText: 'Enter their email address.' }).waitFor();
    expect(await save.isDisabled()).toBe(true);
    expect(await save.getAttribute('title')).toBe('Enter their email address.');
    await admin.fill('[data-testid=user-email]', 'agent');
    await reason.filter({ hasText: 'Enter a whole email address (name@example.com).' }).waitFor();
    await admin.fill('[data-testid=user-email]', 'agent@test.local');
    await reason.filter({ hasText: 'Enter a temporary password for them.' }).waitFor();
    await admin.fill('[data-testid=user-password]', 'short');
    await reason.filter({ hasText: 'The password needs at least 12 characters.' }).waitFor();
    await screenshot(admin, 'add-user-reason');
    await admin.fill('[data-testid=user-password]', 'temporary pass 1');
    await reason.waitFor({ state: 'detached' });
    expect(await save.isEnabled()).toBe(true);
    await admin.keyboard.press('Escape');
  });

  it('Test connection says plainly that a basic connection has nothing to test', async () => {
    await admin.goto('/connections');
    await admin.click('[data-testid=test-connection-crm-basic]');
    const result = admin.locator('[data-testid=connection-crm-basic] [data-testid=connection-test-result]');
    await result.waitFor();
    expect((await result.textContent())!.trim()).toBe(
      'Saved. This connection type has nothing to call, so there is nothing to test: ' +
        'its credentials are first used when a node calls a service with them.',
    );
  });

  it("restricts an API key to flows picked from the tenant's flows", async () => {
    await admin.goto('/settings/api-keys');
    await admin.click('[data-testid=new-api-key]');
    await admin.fill('[data-testid=api-key-name]', 'Dialer');
    const picker = admin.locator('[data-testid=api-key-flows]');
    await picker.getByText('Support line').waitFor();
    await picker.getByText('None ticked: every flow').waitFor();
    await admin.check('[data-testid=api-key-flow-zvonki]');
    await picker.getByText('Only 1 flow').waitFor();
    await screenshot(admin, 'api-key-flows');
    await admin.click('[data-testid=create-api-key]');
    await admin.click('[data-testid=api-key-done]');
    await admin.locator('[data-testid=api-key-Dialer]', { hasText: 'zvonki' }).waitFor();
    const keys = (await t.as('get', '/api/v1/api-keys').expect(200)).body.items as {
      name: string;
      flowKeys?: string[];
    }[];
    expect(keys.find((k) => k.name === 'Dialer')?.flowKeys).toEqual(['zvonki']);
  });
});
