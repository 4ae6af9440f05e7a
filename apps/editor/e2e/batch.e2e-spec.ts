/**
 * The batch node, the respond node's redirect and the webhook's own secret in a real browser
 * (Debian's Chromium via playwright-core) against the real API (TestApp, its own PostgreSQL,
 * serving the built editor): added from the palette, wired by its each / done outputs, saved,
 * published and called.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { buildEditor, connect, EDITOR_DIST, hasChromium, launch, login, newPage } from './browser';

const suite = hasChromium() ? describe : describe.skip;

suite('batch node, redirect answer and webhook secret in the browser', () => {
  let t: TestApp;
  let crm: LoopbackServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let flowId = '';
  const received: unknown[][] = [];
  const node = (name: string) => page.locator(`[data-testid="node-${name}"]`);

  beforeAll(async () => {
    buildEditor();
    [t, crm, browser] = await Promise.all([
      TestApp.start({ EDITOR_DIR: EDITOR_DIST }),
      LoopbackServer.start(),
      launch(),
    ]);
    crm.on('POST /upload', (req, res) => {
      received.push(JSON.parse(req.body));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    ({ page, problems } = await newPage(browser, t.baseUrl));
    await page.goto('/flows');
    await login(page, ADMIN.email, ADMIN.password);
    await page.locator('[data-testid=flows-page]').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([t?.close(), crm?.close()]);
  });

  afterEach(() => {
    const unexpected = problems.filter((p) => !/status of (401|404|409|422)/.test(p));
    problems.length = 0;
    expect(unexpected).toEqual([]);
  });

  it('adds a batch node from the palette: each / done outputs, its form, saved with the flow', async () => {
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.webhook', name: 'hook', position: { x: 0, y: 0 }, config: { methods: ['POST'] } },
        {
          id: 'r',
          type: 'respond',
          name: 'answer',
          position: { x: 640, y: 200 },
          config: { body: { type: 'json', template: '{"chunks": {{nodes.batch.chunks}}}' } },
        },
      ],
      edges: [],
    };
    const created = await t
      .as('post', '/api/v1/flows')
      .send({ name: 'Bulk upload', key: 'bulk-upload', definition })
      .expect(201);
    flowId = created.body.id;
    await page.goto(`/flows/${flowId}`);
    await node('hook').click();
    await page.click('[data-testid="palette-batch"]');
    await node('batch').waitFor();
    for (const h of ['each', 'done', 'error'])
      await node('batch').locator(`.react-flow__handle.source[data-handleid="${h}"]`).waitFor();
    await page.locator('[data-testid=batch-items]').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('{{request.body.calls}}');
    await page.keyboard.press('Escape');
    await page.fill('[data-testid=batch-size]', '2');
    // Click-to-add after the batch connects its first free output: each.
    await node('batch').click();
    await page.click('[data-testid="palette-http"]');
    await node('request').waitFor();
    await page.fill('[data-testid=node-name]', 'upload');
    const url = page.locator('[data-testid=http-url]');
    await url.click();
    await url.pressSequentially(`${crm.base}/upload`);
    await page.click('[data-testid=http-method]');
    await page.selectOption('[data-testid=http-method]', 'POST');
    await page.click('[data-testid=tab-body]');
    await page.click('[data-testid=http-body-type] >> text=JSON');
    const body = page.locator('[data-testid=http-body]');
    await body.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('{{json batch.items}}');
    await page.locator('.react-flow__controls-fitview').click();
    await connect(page, 'batch', 'done', 'answer');
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('Control+s');
    await page.locator('[data-testid=save-status][data-state=saved]').waitFor();

    const saved = await t.as('get', `/api/v1/flows/${flowId}`).expect(200);
    expect(saved.body.validation).toMatchObject({ valid: true, errors: [] });
    const nodes = saved.body.definition.nodes as {
      id: string;
      type: string;
      name: string;
      config: Record<string, unknown>;
    }[];
    const batch = nodes.find((n) => n.type === 'batch')!;
    expect(batch.config).toEqual({ items: '{{request.body.calls}}', size: 2 });
    const upload = nodes.find((n) => n.name === 'upload')!;
    const edges = saved.body.definition.edges as { source: string; sourceHandle?: string; target: string }[];
    expect(edges).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: batch.id, sourceHandle: 'each', target: upload.id }),
        expect.objectContaining({ source: batch.id, sourceHandle: 'done', target: 'r' }),
      ]),
    );

    await t.as('post', `/api/v1/flows/${flowId}/publish`).send({}).expect(200);
    const r = await t
      .http()
      .post('/api/v1/hooks/bulk-upload')
      .set('x-api-key', t.apiKey)
      .send({ calls: [1, 2, 3, 4, 5] })
      .expect(200);
    expect(r.body).toEqual({ chunks: 3 });
    expect(received).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("the webhook panel sets the flow's own secret (shown once) and shows where it goes", async () => {
    await page.goto(`/flows/${flowId}`);
    await node('hook').click();
    await page.click('[data-testid=webhook-auth]');
    await page
      .locator('[data-testid=webhook-url]', { hasText: '/api/v1/hooks/bulk-upload?clientId=<secret>' })
      .waitFor();
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('Control+s');
    await page.locator('[data-testid=save-status][data-state=saved]').waitFor();
    await node('hook').click();
    await page.locator('[data-testid=webhook-secret-status]', { hasText: 'No secret yet' }).waitFor();
    await page.click('[data-testid=webhook-secret-rotate]');
    const secret = (await page.locator('[data-testid=webhook-secret-value]').textContent())!.trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.click('[data-testid=webhook-secret-done]');
    await page.locator('[data-testid=webhook-secret-status]', { hasText: 'A secret is set' }).waitFor();

    await t.as('post', `/api/v1/flows/${flowId}/publish`).send({}).expect(200);
    await t
      .http()
      .post(`/api/v1/hooks/bulk-upload?clientId=${secret}`)
      .send({ calls: [9] })
      .expect(200);
    await t
      .http()
      .post(`/api/v1/hooks/bulk-upload?clientId=wrong`)
      .send({ calls: [9] })
      .expect(401);
  });

  it('a respond node answers with a redirect: choosing it sets 302 and asks for a location', async () => {
    await page.goto(`/flows/${flowId}`);
    await node('answer').click();
    await page.click('[data-testid=respond-body-type] >> text=Redirect');
    expect(await page.inputValue('[data-testid=respond-status]')).toBe('302');
    const location = page.locator('[data-testid=respond-location]');
    await location.click();
    await page.keyboard.type('https://pbx.example.com/rec/{{request.query.call}}');
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('Control+s');
    await page.locator('[data-testid=save-status][data-state=saved]').waitFor();
    const saved = await t.as('get', `/api/v1/flows/${flowId}`).expect(200);
    expect(saved.body.definition.nodes.find((n: { id: string }) => n.id === 'r').config).toEqual({
      status: 302,
      body: { type: 'redirect', location: 'https://pbx.example.com/rec/{{request.query.call}}' },
    });
    expect(saved.body.validation.valid).toBe(true);
  });
});
