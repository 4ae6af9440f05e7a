/**
 * What a first-time campaign admin ran into in a real browser, each checked the way they met it
 * (Debian's Chromium via playwright-core, the real API with its own PostgreSQL serving the built
 * editor, a loopback CRM as the other side):
 * 1. a batch's test-run steps: one row per chunk, labelled "chunk 1 of 6", each opening its own
 *    step, and the chunks run but not recorded said in the list (test run and the Runs page);
 * 2. a node whose URL is outside its connection's allowed origins is an error at its field and
 *    blocks Publish (the editor said Valid and only the server refused, naming a UUID);
 * 3. the webhook panel says when its secret setting waits for a publish, confirms a rotation, copies
 *    the URL and the secret, and removes the secret;
 * 4. Add user states the password rule and shows the server's refusal under the password field;
 * 5. allowed origins take commas as well as new lines, and their refusal sits at the field;
 * 6. the audit page shows sign-ins and connection changes, targets by name, details in words.
 * Screenshots only when SCREENSHOTS_DIR is set (they are for looking, not for docs/).
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, newPage, screenshot } from './browser';

const suite = hasChromium() ? describe : describe.skip;

const ITEMS = '{{request.body.calls}}';
const EMPTY_ANSWER = { body: { type: 'json', template: '{}' } };
const CALLS = Array.from({ length: 260 }, (_, i) => `c${String(i + 1).padStart(3, '0')}`);

suite('review findings in the browser', () => {
  let t: TestApp;
  let crm: LoopbackServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const uploads: string[][] = [];
  const node = (name: string) => page.locator(`[data-testid="node-${name}"]`);
  const shot = async (name: string) => {
    if (process.env.SCREENSHOTS_DIR) await screenshot(page, name);
  };
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

  beforeAll(async () => {
    buildEditor();
    const app = TestApp.start({ EDITOR_DIR: EDITOR_DIST });
    [t, crm, browser] = await Promise.all([app, LoopbackServer.start(), launch()]);
    // As strict as a bulk upload API: a JSON array of at most 50 call ids, nothing else.
    crm.on('POST /upload', (req, res) => {
      let items: unknown;
      try {
        items = JSON.parse(req.body);
      } catch {
        items = undefined;
      }
      const list = Array.isArray(items) ? (items as unknown[]) : [];
      const ids = list.length > 0 && list.length <= 50 && list.every((i) => /^c\d{3}$/.test(String(i)));
      const ok = req.headers['content-type'] === 'application/json' && ids;
      if (ok) uploads.push(items as string[]);
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' });
      res.end(ok ? '{"stored":true}' : '{"error":"bad upload"}');
    });
    ({ page, problems } = await newPage(browser, t.baseUrl));
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.baseUrl });
    await login(page, ADMIN.email, ADMIN.password);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([t?.close(), crm?.close()]);
  });

  afterEach(() => {
    const unexpected = problems.filter((p) => !/status of (400|401|404|409|422)/.test(p));
    problems.length = 0;
    expect(unexpected).toEqual([]);
  });

  it('1. batch steps: a row per chunk ("chunk 1 of 6"), each its own step; unrecorded chunks said; Runs', async () => {
    const body = { type: 'json', template: '{{json batch.items}}' };
    const upload = { method: 'POST', url: `${crm.base}/upload`, body };
    const answer = { body: { type: 'json', template: '{"chunks": {{nodes.chunks.chunks}}}' } };
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.webhook', name: 'hook', position: { x: 0, y: 0 }, config: { methods: ['POST'] } },
        { id: 'b', type: 'batch', name: 'chunks', position: { x: 320, y: 0 }, config: { items: ITEMS, size: 50 } },
        { id: 'u', type: 'http', name: 'upload', position: { x: 640, y: -120 }, config: upload },
        { id: 'r', type: 'respond', name: 'answer', position: { x: 640, y: 120 }, config: answer },
      ],
      edges: [
        { id: 'e1', source: 't', target: 'b' },
        { id: 'e2', source: 'b', sourceHandle: 'each', target: 'u' },
        { id: 'e3', source: 'b', sourceHandle: 'done', target: 'r' },
      ],
    };
    const flow = { name: 'Call history', key: 'call-history', definition };
    const created = await t.as('post', '/api/v1/flows').send(flow).expect(201);
    const flowId = created.body.id as string;
    // The test run's input, as the drawer keeps it: a PBX pushing 260 calls.
    const input = JSON.stringify({ request: { method: 'POST', body: { calls: CALLS } } });
    await page.evaluate(([k, v]) => localStorage.setItem(k!, v!), [`callflow.testinput.${flowId}`, input]);
    await page.goto(`/flows/${flowId}`);
    await node('upload').waitFor();
    await page.click('[data-testid=test-button]');
    await page.click('[data-testid=run-test]');
    await page.locator('[data-testid=run-status]', { hasText: 'succeeded' }).waitFor({ timeout: 20_000 });
    expect(uploads.map((u) => u[0]).sort()).toEqual(['c001', 'c051', 'c101', 'c151', 'c201', 'c251']);

    const steps = page.locator('[data-testid=run-steps]');
    const labels = ['chunk 1 of 6', 'chunk 2 of 6', 'chunk 3 of 6'];
    expect(await steps.locator('[data-testid=step-row-chunk]').allTextContents()).toEqual(labels);
    const unrecorded = 'Chunks 4–6 of 6 ran but their steps were not recorded (3 steps)';
    expect(await steps.locator('[data-testid=step-unrecorded]').textContent()).toContain(unrecorded);
    const rowOf = (list: Locator, label: string) =>
      list.locator('li', { has: page.locator('[data-testid=step-row-chunk]', { hasText: label }) }).locator('button');
    const row = (label: string) => rowOf(steps, label);
    const shows = async (label: string, first: string, scope = '[data-testid=node-panel]') => {
      await page.locator(`${scope} [data-testid=step-chunk]`, { hasText: label }).waitFor();
      const body = (await page.locator(`${scope} [data-testid=step-request-body]`).textContent())!;
      expect(body).toContain(first);
      expect(body.match(/c\d{3}/g)).toHaveLength(50);
    };
    await row('chunk 1 of 6').click();
    await shows('chunk 1 of 6', 'c001');
    await row('chunk 3 of 6').click();
    await shows('chunk 3 of 6', 'c101');
    await shot('review-batch-steps');
    // In the panel, the node's other runs are a choice away.
    await page.selectOption('[data-testid=step-run-pick]', { label: 'chunk 2 of 6' });
    await shows('chunk 2 of 6', 'c051');

    // The Runs page (a past execution) the same way.
    const runs: { id: string }[] = (await t.as('get', `/api/v1/executions?flowId=${flowId}`).expect(200)).body.items;
    expect(runs).toHaveLength(1);
    await page.goto(`/executions/${runs[0]!.id}`);
    const past = page.locator('[data-testid=execution-steps]');
    await past.waitFor();
    expect(await past.locator('[data-testid=step-row-chunk]').allTextContents()).toEqual(labels);
    await past.locator('[data-testid=step-unrecorded]', { hasText: unrecorded }).waitFor();
    const pastRow = (label: string) => rowOf(past, label);
    await pastRow('chunk 1 of 6').click();
    await shows('chunk 1 of 6', 'c001', '[data-testid=execution-panel]');
    await page.click('[aria-label="Back to the run"]');
    await pastRow('chunk 3 of 6').click();
    await shows('chunk 3 of 6', 'c101', '[data-testid=execution-panel]');
  });

  it('2. a URL outside its connection’s origins: an error at the field, by connection name; no Publish', async () => {
    const body = { name: 'crm-bearer', type: 'bearer', token: 'tok-4471', allowedOrigins: ['https://crm.example.com'] };
    const conn = (await t.as('post', '/api/v1/connections').send(body).expect(201)).body as { id: string };
    const push = { method: 'GET', url: 'https://elsewhere.example.net/calls', connectionId: conn.id };
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.webhook', name: 'hook', position: { x: 0, y: 0 }, config: { methods: ['POST'] } },
        { id: 'h', type: 'http', name: 'push', position: { x: 320, y: 0 }, config: push },
        { id: 'r', type: 'respond', name: 'answer', position: { x: 640, y: 0 }, config: EMPTY_ANSWER },
      ],
      edges: [
        { id: 'e1', source: 't', target: 'h' },
        { id: 'e2', source: 'h', sourceHandle: 'success', target: 'r' },
        { id: 'e3', source: 'h', sourceHandle: 'error', target: 'r' },
      ],
    };
    const flowId = (await t.as('post', '/api/v1/flows').send({ name: 'Push to CRM', definition }).expect(201)).body.id;
    await page.goto(`/flows/${flowId}`);
    await page.locator('[data-testid=problems-button]', { hasText: '1 error' }).waitFor();
    await node('push').click();
    const said = 'connection "crm-bearer" may send its credentials only to https://crm.example.com';
    const message = page.locator('[data-testid=node-panel] .field-issues', { hasText: said });
    await message.waitFor();
    expect(await page.locator('[data-testid=node-panel]').textContent()).not.toContain(conn.id);
    await page.click('[data-testid=publish-button]');
    await page.locator('[data-testid=publish-blocked]').waitFor();
    expect(await page.locator('[data-testid=publish-confirm]').isDisabled()).toBe(true);
    await shot('review-connection-origin');
    await page.keyboard.press('Escape');

    const url = page.locator('[data-testid=http-url]');
    await url.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('https://crm.example.com/calls');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=problems-button]:not(.has-errors)').waitFor();
    await message.waitFor({ state: 'detached' });
  });

  it('3. webhook secret: "publish to apply", confirmed rotation, Copy for the URL and secret, removal', async () => {
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.webhook', name: 'hook', position: { x: 0, y: 0 }, config: { methods: ['POST'] } },
        { id: 'r', type: 'respond', name: 'answer', position: { x: 320, y: 0 }, config: EMPTY_ANSWER },
      ],
      edges: [{ id: 'e1', source: 't', target: 'r' }],
    };
    const flow = { name: 'Make call', key: 'make-call', definition };
    const created = await t.as('post', '/api/v1/flows').send(flow).expect(201);
    const flowId = created.body.id;
    await t.as('post', `/api/v1/flows/${flowId}/publish`).send({}).expect(200);
    const call = (secret: string) => t.http().post(`/api/v1/hooks/make-call?clientId=${encodeURIComponent(secret)}`);

    await page.goto(`/flows/${flowId}`);
    await node('hook').click();
    await page.click('[data-testid=webhook-auth]');
    const pending = page.locator('[data-testid=webhook-auth-pending]');
    await pending.getByText('Publish to apply.').waitFor();
    expect(await pending.textContent()).toContain('v1');
    await shot('review-webhook-pending');
    await page.keyboard.press('Control+s');
    await page.locator('[data-testid=save-status][data-state=saved]').waitFor();
    await page.click('[data-testid=webhook-secret-rotate]');
    const first = (await page.locator('[data-testid=webhook-secret-value]').textContent())!.trim();
    await page.click('[data-testid=webhook-secret-copy]');
    await page.locator('[data-testid=webhook-secret-copy]', { hasText: 'Copied' }).waitFor();
    expect(await clipboard()).toBe(first);
    await page.click('[data-testid=webhook-secret-done]');
    // What the admin met: the secret is refused until the version that checks it is published (the panel says so).
    await call(first).expect(401);
    await page.click('[data-testid=publish-button]');
    await page.click('[data-testid=publish-confirm]');
    await page.locator('[data-testid=published-badge]', { hasText: 'v2 live' }).waitFor();
    await page.click('[data-testid=published-done]');
    await pending.waitFor({ state: 'detached' });
    await call(first).expect(200);

    await page.click('[data-testid=webhook-url-copy]');
    await page.locator('[data-testid=webhook-url-copy]', { hasText: 'Copied' }).waitFor();
    expect(await clipboard()).toBe(`${t.baseUrl}/api/v1/hooks/make-call?clientId=<secret>`);

    // Rotating asks first, and says the old secret stops working now; Cancel changes nothing.
    await page.click('[data-testid=webhook-secret-rotate]');
    const confirm = page.locator('[data-testid=webhook-secret-rotate-dialog]');
    await confirm.getByText('The current secret stops working now').waitFor();
    await shot('review-webhook-rotate');
    await confirm.getByText('Cancel').click();
    await confirm.waitFor({ state: 'detached' });
    await call(first).expect(200);
    await page.click('[data-testid=webhook-secret-rotate]');
    await page.click('[data-testid=webhook-secret-rotate-dialog-confirm]');
    const second = (await page.locator('[data-testid=webhook-secret-value]').textContent())!.trim();
    expect(second).not.toBe(first);
    await page.click('[data-testid=webhook-secret-done]');
    await call(first).expect(401);
    await call(second).expect(200);

    await page.click('[data-testid=webhook-secret-remove]');
    await page.click('[data-testid=webhook-secret-remove-dialog-confirm]');
    await page.locator('[data-testid=webhook-secret-status]', { hasText: 'No secret yet' }).waitFor();
    await call(second).expect(401);
    expect((await t.as('get', `/api/v1/flows/${flowId}/webhook-secret`).expect(200)).body).toEqual({ set: false });
  });

  it('4. Add user states the password rule and shows the server’s refusal under the password field', async () => {
    await page.goto('/settings/users');
    await page.click('[data-testid=new-user]');
    await page.fill('[data-testid=user-email]', 'harbour.clerk@test.local');
    await page.fill('[data-testid=user-password]', 'password123');
    expect(await page.locator('[data-testid=user-password-rule]').textContent()).toContain('At least 12 characters');
    await page.locator('[data-testid=user-password-problem]', { hasText: '11 characters: 1 more needed' }).waitFor();
    expect(await page.locator('[data-testid=save-user]').isDisabled()).toBe(true);
    await page.fill('[data-testid=user-password]', 'abcdefghijklmnop');
    await page.click('[data-testid=save-user]');
    await page.locator('[data-testid=user-password-problem]', { hasText: 'a run of the alphabet' }).waitFor();
    expect(await page.locator('[data-testid=user-error]').count()).toBe(0);
    await shot('review-user-password');
    await page.fill('[data-testid=user-password]', 'harbourclerk 2024 winter');
    await page.click('[data-testid=save-user]');
    await page.locator('[data-testid=user-password-problem]', { hasText: 'Contains the email address' }).waitFor();
    await page.fill('[data-testid=user-password]', 'quiet lantern river 4');
    await page.click('[data-testid=save-user]');
    await page.locator('[data-testid="user-harbour.clerk@test.local"]').waitFor();

    // Changing the password (Edit) works the same way.
    await page.click('[data-testid="edit-user-harbour.clerk@test.local"]');
    await page.fill('[data-testid=user-password]', 'qwertyuiopasdf');
    await page.click('[data-testid=save-user]');
    await page.locator('[data-testid=user-password-problem]', { hasText: 'a keyboard run' }).waitFor();
    expect(await page.locator('[data-testid=user-error]').count()).toBe(0);
    await page.keyboard.press('Escape');
  });

  it('5. allowed origins: commas or new lines; with none to take, the refusal at the field, in words', async () => {
    await page.goto('/connections');
    await page.click('[data-testid=new-connection]');
    await page.fill('[data-testid=connection-name]', 'two-origins');
    await page.selectOption('[data-testid=connection-type]', 'bearer');
    await page.fill('[data-testid=connection-secret]', 'tok-8812');
    await page.fill('[data-testid=connection-allowed-origins]', 'http://a.example.com, http://b.example.com');
    await page.click('[data-testid=save-connection]');
    await page.locator('[data-testid=connection-dialog]').waitFor({ state: 'detached' });
    type Row = { name: string; allowedOrigins: string[] };
    const list: Row[] = (await t.as('get', '/api/v1/connections').expect(200)).body.items;
    const origins = list.find((c) => c.name === 'two-origins')!.allowedOrigins;
    expect(origins).toEqual(['http://a.example.com', 'http://b.example.com']);

    await page.click('[data-testid=new-connection]');
    await page.fill('[data-testid=connection-name]', 'no-origins');
    await page.selectOption('[data-testid=connection-type]', 'bearer');
    await page.fill('[data-testid=connection-secret]', 'tok-8813');
    await page.click('[data-testid=save-connection]');
    const error = page.locator('[data-testid=connection-origins-error]');
    await error.getByText('List at least one origin these credentials may be sent to').waitFor();
    expect(await error.textContent()).not.toMatch(/allowedOrigins|\[|"/);
    expect(await page.locator('[data-testid=connection-error]').count()).toBe(0);
    await shot('review-connection-origins');
    await page.keyboard.press('Escape');
  });

  it('6. the audit page: sign-ins (a failed one too), connection changes, targets by name, in words', async () => {
    await t.http().post('/api/v1/auth/login').send({ email: ADMIN.email, password: 'not my password 9' }).expect(401);
    await page.goto('/settings/audit');
    await page.locator('[data-testid=audit-row]').first().waitFor();
    const row = (action: string) => page.locator('[data-testid=audit-row]', { hasText: action }).first();
    const failed = row('auth.sign_in_failed');
    expect(await failed.locator('[data-testid=audit-target]').textContent()).toBe(`user ${ADMIN.email}`);
    expect(await failed.textContent()).toContain('not signed in');
    const address = /^address \S*127\.0\.0\.1 · via the API$/;
    expect(await failed.locator('[data-testid=audit-details]').textContent()).toMatch(address);
    // The browser's own sign-in (beforeAll) came through the editor.
    expect(await row('auth.signed_in').locator('[data-testid=audit-details]').textContent()).toContain('via editor');
    const created = row('connection.created');
    expect(await created.locator('[data-testid=audit-target]').textContent()).toBe('connection two-origins');
    const details = (await created.locator('[data-testid=audit-details]').textContent())!;
    expect(details).toContain('allowed origins http://a.example.com, http://b.example.com');
    expect(details).toContain('secrets set token');
    expect(details).not.toContain('tok-8812');
    const all = await page.locator('[data-testid=audit-details]').allTextContents();
    for (const text of all) expect(text).not.toMatch(/^[[{]/);
    expect(await page.locator('[data-testid=audit-page] .page-head').textContent()).toContain('Sign-ins');
    await shot('review-audit');
  });
});
