/**
 * A webhook answer loaded as a script of the editor's origin, in a real browser (Debian's
 * Chromium). The editor allows `script-src 'self'`, and every webhook is on that origin, so a
 * `<script src="/api/v1/hooks/…">` injected into an editor page runs whatever the webhook answers
 * unless the answer's MIME type is not JavaScript (nosniff then blocks it). A hostile tenant's
 * flow relayed an upstream's `Content-Type: text/plain, application/javascript`: Chromium takes the
 * last type of a comma list, and ran it. The control below replays that exact answer (playwright
 * fulfils it on the same origin) to show the browser would run it; the real server's answers, for
 * the relayed type and for a templated Content-Type given caller input, must not run.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { chainFlow, publishFlow } from '../../api/test/support/triggers';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, newPage } from './browser';

const suite = hasChromium() ? describe : describe.skip;
const SCRIPT = 'window.__ran = (window.__ran || []).concat(document.currentScript.dataset.name);';
const COMMA_TYPE = 'text/plain, application/javascript';
const LIST = 'text/plain, text/html';

suite('security in the browser: a webhook answer never runs as a script of the editor’s origin', () => {
  let t: TestApp;
  let browser: Browser;
  let upstream: http.Server;
  let page: Page;

  beforeAll(async () => {
    buildEditor();
    [t, browser] = await Promise.all([TestApp.start({ EDITOR_DIR: EDITOR_DIST }), launch()]);
    // The other side: GET /asset.js only, answered with the comma list a hostile upstream sends.
    upstream = http.createServer((req, res) => {
      if (req.method !== 'GET' || req.url !== '/asset.js') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': COMMA_TYPE }).end(SCRIPT);
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const webhook = { id: 't', type: 'trigger.webhook', name: 'hook', config: { methods: ['GET'] } };
    const get = { id: 'h', type: 'http', name: 'asset', config: { url: `${base}/asset.js`, responseType: 'binary' } };
    const relayBody = { type: 'passthrough', node: 'asset' };
    const passthrough = { id: 'r', type: 'respond', name: 'answer', config: { body: relayBody } };
    await publishFlow(t, 'relay', chainFlow(webhook, get, passthrough));
    const typed = {
      id: 'r',
      type: 'respond',
      name: 'answer',
      config: {
        headers: [{ name: 'Content-Type', value: '{{request.query.ct}}' }],
        body: { type: 'text', template: SCRIPT },
      },
    };
    await publishFlow(t, 'typed', chainFlow(webhook, typed));
    ({ page } = await newPage(browser, t.baseUrl));
    // An editor page: its CSP allows scripts from the origin, the webhooks included.
    await page.goto('/login');
    await page.locator('[data-testid=login-form]').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => upstream?.close(r));
    await t?.close();
  });

  /** Adds `<script src>` to the editor page; resolves with how it ended and whether its code ran. */
  const load = (src: string, name: string) =>
    page.evaluate(
      ([s, n]) =>
        new Promise<{ event: string; ran: boolean }>((resolve) => {
          const el = document.createElement('script');
          el.src = s;
          el.dataset.name = n;
          const ran = () => ((window as { __ran?: string[] }).__ran ?? []).includes(n);
          const done = (event: string) => () => resolve({ event, ran: ran() });
          el.onload = done('load');
          el.onerror = done('error');
          document.head.append(el);
        }),
      [src, name] as const,
    );

  it('control: the answer the server used to give (a comma list, nosniff, sandbox) runs as a script', async () => {
    await page.route('**/api/v1/hooks/control', (route) =>
      route.fulfill({
        status: 200,
        headers: {
          'content-type': COMMA_TYPE,
          'x-content-type-options': 'nosniff',
          'content-security-policy': 'sandbox',
        },
        body: SCRIPT,
      }),
    );
    expect(await load('/api/v1/hooks/control', 'control')).toEqual({ event: 'load', ran: true });
  });

  it('the relayed upstream answer and a templated Content-Type do not run', async () => {
    expect(await load(`/api/v1/hooks/relay?token=${t.apiKey}`, 'relay')).toEqual({ event: 'error', ran: false });
    const relayed = await t.http().get(`/api/v1/hooks/relay?token=${t.apiKey}`).expect(200);
    expect(relayed.headers['content-type']).toBe('text/plain; charset=utf-8');
    const types = ['text/plain, text/javascript', 'text/html, application/x-javascript', 'text/javascript1.5'];
    for (const [i, ct] of types.entries()) {
      const src = `/api/v1/hooks/typed?token=${t.apiKey}&ct=${encodeURIComponent(ct)}`;
      expect(await load(src, `typed-${i}`)).toEqual({ event: 'error', ran: false });
    }
    expect(await page.evaluate(() => (window as { __ran?: string[] }).__ran)).toEqual(['control']);
  });

  it('the respond panel says why a content type is refused (not one media type)', async () => {
    const definition = chainFlow(
      { id: 't', type: 'trigger.webhook', name: 'hook', config: { methods: ['GET'] } },
      { id: 'r', type: 'respond', name: 'answer', config: { body: { type: 'text', template: '', contentType: LIST } } },
    );
    const created = await t.as('post', '/api/v1/flows').send({ name: 'Typed', key: 'typed-panel', definition });
    expect(created.status).toBe(201);
    await login(page, ADMIN.email, ADMIN.password);
    await page.goto(`/flows/${created.body.id}`);
    await page.locator('[data-testid="node-answer"]').click();
    await page.locator('.field-issues li.err', { hasText: 'not a media type' }).waitFor();
  });
});
