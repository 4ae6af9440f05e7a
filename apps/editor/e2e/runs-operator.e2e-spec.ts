/**
 * Runs an operator can act on (issue 18 §4), in the browser against the real API: a long test run
 * shows which node runs now and can be stopped (the server cancels it); a node clicked after a run
 * opens on what it sent and got; the runs list shows new runs as they happen; a failed run has Retry.
 */
import type { ServerResponse } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, newPage, screenshot } from './browser';

const suite = hasChromium() ? describe : describe.skip;

suite('runs an operator can act on', () => {
  let t: TestApp;
  let crm: LoopbackServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    buildEditor();
    [t, crm, browser] = await Promise.all([
      TestApp.start({ EDITOR_DIR: EDITOR_DIST }),
      LoopbackServer.start(),
      launch(),
    ]);
    crm.on('/slow', (_req, res) => void held.push(res));
    crm.json('/broken', { error: 'down' }, 500);
    ({ page, problems } = await newPage(browser, t.baseUrl));
    await page.goto('/flows');
    await login(page, ADMIN.email, ADMIN.password);
    await page.locator('[data-testid=flows-page]').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await crm?.close();
    await t?.close();
  });

  afterEach(() => {
    const unexpected = problems.filter((p) => !/status of (401|404|409|422)/.test(p));
    problems.length = 0;
    expect(unexpected).toEqual([]);
  });

  const node = (name: string) => page.locator(`[data-testid="node-${name}"]`);

  /** IVR → GET `path` on the CRM (no error path) → respond; created (and published when asked). */
  async function createFlow(key: string, path: string, publish = false): Promise<string> {
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.ivr', name: 'ivr', position: { x: 0, y: 0 }, config: { deadlineMs: 20000 } },
        {
          id: 'h',
          type: 'http',
          name: 'crm',
          position: { x: 300, y: 0 },
          config: { method: 'GET', url: `${crm.base}${path}`, timeoutMs: 15000 },
        },
        {
          id: 'r',
          type: 'respond',
          name: 'answer',
          position: { x: 600, y: 0 },
          config: { body: { type: 'json', template: '{"status":{{nodes.crm.status}}}' } },
        },
      ],
      edges: [
        { id: 'e1', source: 't', target: 'h' },
        { id: 'e2', source: 'h', target: 'r', sourceHandle: 'success' },
      ],
    };
    const created = await t.as('post', '/api/v1/flows').send({ name: key, key, definition }).expect(201);
    if (publish) await t.as('post', `/api/v1/flows/${created.body.id}/publish`).send({}).expect(200);
    return created.body.id;
  }

  it('shows the node running now, lists steps as they come, and stops the run on the server', async () => {
    const id = await createFlow('slow-crm', '/slow');
    await page.goto(`/flows/${id}`);
    await node('crm').waitFor();
    await page.click('[data-testid=test-button]');
    const closedBefore = crm.closedSockets;
    await page.click('[data-testid=run-test]');
    // The CRM holds its answer: the crm node is the one running, the trigger's step is already listed.
    await page.locator('[data-testid=run-current]', { hasText: 'crm' }).waitFor();
    await page.locator('[data-testid="node-crm"].run-now').waitFor();
    await page.locator('[data-testid=run-progress] [data-testid=run-steps]', { hasText: 'ivr' }).waitFor();
    // (The node is announced just before its request leaves: wait for the CRM to hold it.)
    for (let i = 0; i < 100 && held.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(held.length).toBe(1);
    await screenshot(page, 'test-run-progress');
    await page.click('[data-testid=run-stop]');
    await page.locator('[data-testid=run-status]', { hasText: 'failed' }).waitFor();
    await page.locator('[data-testid=run-result]', { hasText: 'RUN_ABORTED' }).waitFor();
    // The server cancelled the run: its request to the CRM was aborted, the run recorded as stopped.
    const deadline = Date.now() + 5000;
    while (crm.closedSockets === closedBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(crm.closedSockets).toBeGreaterThan(closedBefore);
    held.length = 0;
    // The editor shows the stop at once; the server records the run once its engine has unwound.
    let runs: { status: string }[] = [];
    for (const until = Date.now() + 5000; runs.length === 0 && Date.now() < until;) {
      runs = (await t.as('get', `/api/v1/executions?flowId=${id}`).expect(200)).body.items;
      if (runs.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(runs[0]).toMatchObject({ status: 'failed', error: { code: 'RUN_ABORTED' } });
  });

  it('opens a node clicked after a run on what it sent and got', async () => {
    crm.json('/slow', { ok: true });
    await page.click('[data-testid=run-test]');
    await page.locator('[data-testid=run-status]', { hasText: 'succeeded' }).waitFor();
    await node('crm').click();
    await page.locator('[data-testid=panel-tab-run][aria-selected=true]').waitFor();
    await page.locator('[data-testid=step-response-status]', { hasText: '200' }).waitFor();
    crm.on('/slow', (_req, res) => void held.push(res));
  });

  it('shows new runs in the runs list as they happen, and retries a failed one', async () => {
    const id = await createFlow('broken-crm', '/broken', true);
    await page.goto(`/executions?flowId=${id}`);
    await page.locator('[data-testid=executions-page]').waitFor();
    expect(await page.locator('[data-testid=runs-live]').isChecked()).toBe(true);
    await page.getByText('No run matches these filters').waitFor();
    // A call the PBX makes now shows up without pressing Refresh.
    const call = await t.http().post('/api/v1/ivr/broken-crm').set('x-api-key', t.apiKey).send({}).expect(200);
    expect(call.body.status).toBe('failed');
    const row = page.locator(`[data-testid=execution-row-${call.body.executionId}]`);
    await row.waitFor({ timeout: 10_000 });
    await screenshot(page, 'runs-live-retry');
    crm.json('/broken', { ok: true });
    await row.locator(`[data-testid=retry-${call.body.executionId}]`).click();
    // The retry is queued, then runs on the published version; it appears as a Retry run and succeeds.
    const retried = page.locator('tr', { hasText: 'Retry' });
    await retried.locator('.badge', { hasText: 'succeeded' }).waitFor({ timeout: 10_000 });
  });

  it("retries from a failed run's own page and opens the new run, which shows its outcome when done", async () => {
    crm.json('/broken', { error: 'down' }, 500);
    const failed = await t.http().post('/api/v1/ivr/broken-crm').set('x-api-key', t.apiKey).send({}).expect(200);
    expect(failed.body.status).toBe('failed');
    await page.goto(`/executions/${failed.body.executionId}`);
    await page.locator('[data-testid=execution-view]').waitFor();
    crm.json('/broken', { ok: true });
    await page.click(`[data-testid=retry-${failed.body.executionId}]`);
    await page.waitForURL(
      (url) => url.pathname.startsWith('/executions/') && !url.pathname.endsWith(failed.body.executionId),
    );
    await page
      .locator('[data-testid=execution-view] .exec-title', { hasText: 'succeeded' })
      .waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=execution-view] .exec-title', { hasText: 'v1' }).waitFor();
  });
});
