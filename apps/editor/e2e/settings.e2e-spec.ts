/**
 * Access control and connections in the browser (Debian's Chromium via playwright-core) against
 * the real API (TestApp with its own PostgreSQL, serving the built editor).
 *
 * A Viewer signs in in a second browser context and gets a read-only editor; the admin ticks
 * flows.write / flows.run / flows.publish for Viewer on the Roles page; the Viewer reloads and the
 * editor grows its palette, Test and Publish. Then: users, an API key shown once (copied, then
 * revoked), a token_endpoint connection created in the UI and tested against a loopback token
 * endpoint, and a flow from a template with that connection picked. Screenshots go to
 * docs/screenshots/ (under CI, .ci/out/screenshots).
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, newPage, screenshot } from './browser';
import { bigFlow } from './fixtures';

const suite = hasChromium() ? describe : describe.skip;

const VIEWER = { email: 'viewer@test.local', password: 'quiet harbour lamp 1' };

suite('settings and permissions in the browser', () => {
  let t: TestApp;
  let auth: LoopbackServer;
  let browser: Browser;
  let admin: Page;
  let user: Page;
  let problems: string[][] = [];
  let flowId = '';
  let connectionId = '';

  beforeAll(async () => {
    buildEditor();
    [t, auth, browser] = await Promise.all([
      TestApp.start({ EDITOR_DIR: EDITOR_DIST }),
      LoopbackServer.start(),
      launch(),
    ]);
    auth.json('POST /auth', { access_token: 'tok-123', expires_in: 3600 });
    const a = await newPage(browser, t.baseUrl);
    const u = await newPage(browser, t.baseUrl);
    admin = a.page;
    user = u.page;
    await admin.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.baseUrl });
    problems = [a.problems, u.problems];

    const roles = (await t.as('get', '/api/v1/roles').expect(200)).body.items as {
      id: string;
      name: string;
      builtIn: string | null;
    }[];
    const viewer = roles.find((r) => r.builtIn === 'viewer')!;
    await t
      .as('post', '/api/v1/users')
      .send({ ...VIEWER, roleIds: [viewer.id] })
      .expect(201);
    flowId = (
      await t
        .as('post', '/api/v1/flows')
        .send({ name: 'Shared flow', definition: bigFlow(4) })
        .expect(201)
    ).body.id;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([t?.close(), auth?.close()]);
  });

  afterEach(() => {
    // Expected refusals (a Viewer's 403s, a 404 probe) are logged by Chromium; anything else is a bug.
    const unexpected = problems.flat().filter((p) => !/status of (401|403|404|409|422)/.test(p));
    for (const p of problems) p.length = 0;
    expect(unexpected).toEqual([]);
  });

  it('a Viewer gets a read-only editor without Test, Publish or settings', async () => {
    await login(user, VIEWER.email, VIEWER.password);
    await user.goto(`/flows/${flowId}`);
    await user.locator('[data-testid="node-ivr"]').waitFor();
    await user.locator('.save-status', { hasText: 'Read only' }).waitFor();
    expect(await user.locator('[data-testid=publish-button]').count()).toBe(0);
    expect(await user.locator('[data-testid=test-button]').count()).toBe(0);
    expect(await user.locator('[data-testid^=palette-]').count()).toBe(0);
    for (const nav of ['nav-users', 'nav-roles', 'nav-api-keys', 'nav-audit', 'nav-connections'])
      expect(await user.locator(`[data-testid=${nav}]`).count()).toBe(0);
    // Opened by URL: a plain "no access" state, not a page of refused calls.
    await user.goto('/settings/roles');
    await user.locator('[data-testid=no-access]', { hasText: "You don't have access to roles" }).waitFor();
  });

  it('granting flows.write, flows.run and flows.publish to Viewer on the Roles page changes their editor', async () => {
    await login(admin, ADMIN.email, ADMIN.password);
    await admin.click('[data-testid=nav-roles]');
    await admin.locator('[data-testid=role-matrix]').waitFor();
    const cell = (role: string, perm: string) => admin.locator(`[data-role="${role}"][data-perm="${perm}"]`);
    expect(await cell('Admin', 'flows.publish').isDisabled()).toBe(true);
    expect(await cell('Admin', 'flows.publish').isChecked()).toBe(true);
    expect(await cell('Viewer', 'flows.publish').isChecked()).toBe(false);
    await screenshot(admin, 'roles-matrix');
    for (const perm of ['flows.write', 'flows.run', 'flows.publish']) {
      await cell('Viewer', perm).check();
      await admin.locator('.toast-success', { hasText: `Viewer: ${perm} granted` }).waitFor();
      await expect(cell('Viewer', perm).isEnabled()).resolves.toBe(true);
    }
    const viewer = (
      (await t.as('get', '/api/v1/roles').expect(200)).body.items as { builtIn: string | null; permissions: string[] }[]
    ).find((r) => r.builtIn === 'viewer')!;
    expect(viewer.permissions).toEqual(expect.arrayContaining(['flows.write', 'flows.run', 'flows.publish']));

    await user.goto(`/flows/${flowId}`);
    await user.locator('[data-testid=publish-button]').waitFor();
    await user.locator('[data-testid=test-button]').waitFor();
    await user.locator('[data-testid^=palette-]').first().waitFor();
    expect(await user.locator('.save-status', { hasText: 'Read only' }).count()).toBe(0);

    // Taking one back shows on the user's next navigation.
    await cell('Viewer', 'flows.publish').uncheck();
    await admin.locator('.toast-success', { hasText: 'Viewer: flows.publish removed' }).waitFor();
    await user.click('[data-testid=nav-flows]');
    await user.locator('[data-testid=flows-page]').waitFor();
    await user.goto(`/flows/${flowId}`);
    await user.locator('[data-testid=test-button]').waitFor();
    await user.locator('[data-testid=publish-button]').waitFor({ state: 'detached' });
  });

  it('lists users with their roles and adds one with a temporary password', async () => {
    await admin.click('[data-testid=nav-users]');
    await admin.locator(`[data-testid="user-${VIEWER.email}"]`, { hasText: 'Viewer' }).waitFor();
    await admin.click('[data-testid=new-user]');
    await admin.fill('[data-testid=user-email]', 'editor@test.local');
    await admin.fill('[data-testid=user-password]', 'short');
    expect(await admin.locator('[data-testid=save-user]').isDisabled()).toBe(true);
    await admin.fill('[data-testid=user-password]', 'temporary pass 1');
    await admin.check('[data-testid="user-role-Integration editor"]');
    await admin.click('[data-testid=save-user]');
    await admin.locator('[data-testid="user-editor@test.local"]', { hasText: 'Integration editor' }).waitFor();
    // The server's refusal is shown as it words it (a duplicate email).
    await admin.click('[data-testid=new-user]');
    await admin.fill('[data-testid=user-email]', 'editor@test.local');
    await admin.fill('[data-testid=user-password]', 'temporary pass 1');
    await admin.click('[data-testid=save-user]');
    await admin.locator('[data-testid=user-error]').waitFor();
    await admin.keyboard.press('Escape');
    await admin.locator('[data-testid=user-dialog]').waitFor({ state: 'detached' });
    await screenshot(admin, 'users');
  });

  it('shows a new API key once, copies it, and revokes it', async () => {
    await admin.click('[data-testid=nav-api-keys]');
    await admin.locator('[data-testid=api-keys-page]').waitFor();
    await admin.click('[data-testid=new-api-key]');
    await admin.fill('[data-testid=api-key-name]', 'PBX Rome');
    await admin.check('[data-testid=api-key-flow-shared-flow]');
    await admin.click('[data-testid=create-api-key]');
    const once = admin.locator('[data-testid=api-key-once]');
    await once.waitFor();
    await once.getByText("you won't see it again").waitFor();
    const key = (await admin.locator('[data-testid=api-key-value]').textContent())!.trim();
    expect(key.length).toBeGreaterThan(20);
    await screenshot(admin, 'api-key-once');
    await admin.click('[data-testid=copy-api-key]');
    await once.getByText('Copied').waitFor();
    await expect(admin.evaluate(() => navigator.clipboard.readText())).resolves.toBe(key);
    await admin.click('[data-testid=api-key-done]');
    const row = admin.locator('[data-testid="api-key-PBX Rome"]');
    await row.waitFor();
    await row.getByText('shared-flow').waitFor();
    await row.getByText('never').waitFor();
    expect(await admin.locator('body').textContent()).not.toContain(key);

    await admin.click('[data-testid="revoke-PBX Rome"]');
    await admin.click('[data-testid=confirm-revoke]');
    await row.waitFor({ state: 'detached' });
    const left = (await t.as('get', '/api/v1/api-keys').expect(200)).body.items as { name: string }[];
    expect(left.map((k) => k.name)).not.toContain('PBX Rome');
  });

  it('creates a token_endpoint connection in the UI and tests it against a loopback token endpoint', async () => {
    await admin.click('[data-testid=nav-connections]');
    await admin.locator('[data-testid=connections-page]').waitFor();
    await admin.click('[data-testid=new-connection]');
    await admin.fill('[data-testid=connection-name]', 'gcalls-auth');
    await admin.selectOption('[data-testid=connection-type]', 'token_endpoint');
    await admin.fill('[data-testid=token-url]', `${auth.base}/auth`);
    await admin.selectOption('#token-body-type', 'json');
    await admin.fill('[data-testid=token-path]', 'access_token');
    await admin.fill('[data-testid=token-expires-path]', 'expires_in');
    await admin.click('[data-testid=token-secret-add]');
    await admin.fill('[data-testid=token-secret-name-0]', 'password');
    await admin.fill('[data-testid=token-secret-value-0]', 's3cret-pass');
    await admin.click('[data-testid=connection-field-add]');
    await admin.fill('[data-testid=connection-field-name-0]', 'host');
    await admin.fill('[data-testid=connection-field-value-0]', 'gcalls.example.com');
    await screenshot(admin, 'connection-form');
    await admin.click('[data-testid=save-connection]');
    const row = admin.locator('[data-testid="connection-gcalls-auth"]');
    await row.waitFor();
    await row.getByText('password ✓').waitFor();
    expect(await admin.locator('body').textContent()).not.toContain('s3cret-pass');

    await admin.click('[data-testid="test-connection-gcalls-auth"]');
    await row.locator('[data-testid=connection-test-result]', { hasText: /Token fetched: it expires/ }).waitFor();
    const sent = auth.seen.find((r) => r.url === '/auth');
    expect(sent?.body).toContain('s3cret-pass');
    await screenshot(admin, 'connections');

    // Editing keeps the stored secret when its input is left blank; the allowed origins were taken from the token URL.
    await admin.click('[data-testid="edit-connection-gcalls-auth"]');
    await admin.getByPlaceholder('•••••••• (set — leave blank to keep)').waitFor();
    expect(await admin.locator('[data-testid=connection-allowed-origins]').inputValue()).toBe(auth.base);
    await admin.click('[data-testid=save-connection]');
    await admin.locator('[data-testid=connection-dialog]').waitFor({ state: 'detached' });
    await admin.click('[data-testid="test-connection-gcalls-auth"]');
    await row.locator('[data-testid=connection-test-result]', { hasText: /Token fetched: it expires/ }).waitFor();
    const conns = (await t.as('get', '/api/v1/connections').expect(200)).body.items as { id: string; name: string }[];
    connectionId = conns.find((c) => c.name === 'gcalls-auth')!.id;
  });

  it('creates a flow from a template with a connection picked for its purpose', async () => {
    expect(connectionId).not.toBe('');
    await admin.click('[data-testid=nav-flows]');
    await admin.click('[data-testid=new-flow]');
    await admin.fill('[data-testid=new-flow-name]', 'Gcalls call log');
    await admin.click('[data-testid=starter-srv-gcalls-call-log]');
    const pick = admin.locator('[data-testid=template-connection-gcalls]');
    await pick.locator(`option[value="${connectionId}"]`).waitFor({ state: 'attached' });
    await pick.selectOption(connectionId);
    await admin.locator('[data-testid=template-connections]').scrollIntoViewIfNeeded();
    await screenshot(admin, 'new-flow-template-connection');
    await admin.click('[data-testid=create-flow]');
    await admin.waitForURL(/\/flows\/[0-9a-f-]{36}$/);
    const id = admin.url().split('/').pop()!;
    const flow = (await t.as('get', `/api/v1/flows/${id}`).expect(200)).body as {
      definition: { nodes: { name: string; config: Record<string, unknown> }[] };
    };
    const using = flow.definition.nodes.filter((n) => n.config.connectionId === connectionId);
    expect(using.length).toBeGreaterThan(0);
    // The node panel's connection field picks from the Connections list and shows it by name.
    await admin.click(`[data-testid="node-${using[0]!.name}"]`);
    await admin.click('[data-testid=tab-options]');
    await admin
      .locator('select option:checked', { hasText: 'gcalls-auth (token_endpoint)' })
      .waitFor({ state: 'attached' });
  });

  it('shows the audit log a page at a time', async () => {
    for (let i = 0; i < 25; i++) {
      const id = (
        await t
          .as('post', '/api/v1/api-keys')
          .send({ name: `bulk ${i}`, scopes: ['triggers.invoke'] })
          .expect(201)
      ).body.id;
      await t.as('delete', `/api/v1/api-keys/${id}`).expect(204);
    }
    await admin.click('[data-testid=nav-audit]');
    await admin.locator('[data-testid=audit-row]').first().waitFor();
    expect(await admin.locator('[data-testid=audit-row]').count()).toBe(50);
    await admin.click('[data-testid=audit-load-more]');
    await admin.locator('[data-testid=audit-row]').nth(50).waitFor();
    await admin.locator('[data-testid=audit-table]', { hasText: 'role.updated' }).waitFor();
    await admin.evaluate(() => document.querySelector('.shell-main')!.scrollTo(0, 0));
    await screenshot(admin, 'audit');
  });
});
