/**
 * Languages in the browser (issue 19 §4) against the real API (TestApp with its own PostgreSQL,
 * serving the built editor): a browser set to Italian opens the editor in Italian; the rail's switch
 * turns it Russian in place (numbers, dates and plurals the Russian way); a reload keeps it; the
 * choice is the user's, kept on the server, so another device signing in as them gets Russian and
 * another user does not. On the flows list, the runs list and the settings pages, no visible text is
 * an English message left untranslated. Screenshot: docs/screenshots/i18n-flows-ru.png.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { readCatalog } from '../i18n-catalogs';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, screenshot } from './browser';
import { bigFlow } from './fixtures';

const suite = hasChromium() ? describe : describe.skip;

const AGENT = { email: 'agent@test.local', password: 'amber kettle mosaic 4' };
const LOCALES = path.resolve(__dirname, '../src/i18n/locales');
const en = readCatalog(LOCALES, 'en');
const ru = readCatalog(LOCALES, 'ru');
/** English messages shown as they are (no placeholder, no markup) whose Russian differs: none may show in Russian. */
const ENGLISH = new Set(
  Object.entries(en)
    .filter(([id, m]) => !/[{<]/.test(m) && ru[id] !== m)
    .map(([, m]) => m),
);

/** Every text people see: visible text nodes, and titles, labels and placeholders. */
function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      if (text && n.parentElement?.checkVisibility()) out.push(text);
    }
    for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]'))
      for (const a of ['title', 'aria-label', 'placeholder']) {
        const v = el.getAttribute(a)?.trim();
        if (v) out.push(v);
      }
    return out;
  });
}

async function englishLeft(page: Page): Promise<string[]> {
  return [...new Set((await visibleTexts(page)).filter((s) => ENGLISH.has(s)))];
}

suite('languages: chosen from the browser, switched in place, kept per user', () => {
  let t: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let page: Page;
  const problems: string[] = [];

  async function open(locale: string): Promise<Page> {
    const context = await browser.newContext({
      baseURL: t.baseUrl,
      locale,
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
      colorScheme: 'light',
    });
    contexts.push(context);
    const p = await context.newPage();
    p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    p.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    p.setDefaultTimeout(10_000);
    return p;
  }

  beforeAll(async () => {
    buildEditor();
    [t, browser] = await Promise.all([TestApp.start({ EDITOR_DIR: EDITOR_DIST }), launch()]);
    const roles = (await t.as('get', '/api/v1/roles').expect(200)).body.items as { id: string; builtIn: string }[];
    await t
      .as('post', '/api/v1/users')
      .send({ ...AGENT, roleIds: [roles.find((r) => r.builtIn === 'viewer')!.id] })
      .expect(201);
    const flow = await t
      .as('post', '/api/v1/flows')
      .send({ name: 'Lookup', definition: bigFlow(3) })
      .expect(201);
    // A run that took 1234 ms: its duration shows as a decimal number.
    const [{ tenant_id }] = await t.db.query(`SELECT tenant_id FROM users WHERE is_bootstrap`);
    await t.db.query(
      `INSERT INTO executions (id, tenant_id, flow_id, flow_version, trigger_type, status, input, started_at,
         finished_at, duration_ms)
       VALUES ('00000000-0000-7000-8000-000000000001', $1, $2, NULL, 'test', 'succeeded', '{}', now(), now(), 1234)`,
      [tenant_id, flow.body.id],
    );
    page = await open('it-IT');
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.close();
  });

  afterEach(() => {
    // The sign-in page's session probe (401) is logged by Chromium; anything else is a bug.
    const unexpected = problems.filter((p) => !/status of 401/.test(p));
    problems.length = 0;
    expect(unexpected).toEqual([]);
  });

  it('a browser set to Italian gets the editor in Italian, from the sign-in page on', async () => {
    await page.goto('/login');
    await page.locator('.login-card h1', { hasText: 'Accedi' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('it');
    await login(page, ADMIN.email, ADMIN.password);
    await page.locator('[data-testid=nav-flows]', { hasText: 'Flussi' }).waitFor();
    expect(await page.locator('[data-testid=sign-out]').textContent()).toBe('Esci');
  });

  it('the rail switches to Russian in place: words, numbers, dates and plurals; kept on the server', async () => {
    await page.goto('/executions');
    const row = page.locator('[data-testid=execution-row-00000000-0000-7000-8000-000000000001]');
    await row.waitFor();
    expect(await row.locator('td.num').textContent()).toBe('1,23 s');
    await page.evaluate(() => ((window as { sameDocument?: boolean }).sameDocument = true));
    await page.click('[data-testid=language-button]');
    await page.click('[data-testid=language-ru]');
    await page.locator('[data-testid=executions-page] h1', { hasText: 'Запуски' }).waitFor();
    expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await page.locator('html').getAttribute('lang')).toBe('ru');
    expect(await page.locator('[data-testid=nav-flows]').textContent()).toBe('Потоки');
    // A decimal comma and the Russian unit; the start date written the Russian way.
    expect(await row.locator('td.num').textContent()).toBe('1,23 с');
    expect(await row.locator('td').first().getAttribute('title')).toMatch(/\d{4} г\., \d{2}:\d{2}:\d{2}$/);
    await row.getByText('успешно').waitFor();
    // A Russian plural ("few"): three characters typed of the twelve needed.
    await page.goto('/settings/users');
    await page.click('[data-testid=new-user]');
    await page.fill('[data-testid=user-password]', 'abc');
    const short = page.locator('[data-testid=user-password-problem]');
    await short.waitFor();
    expect(await short.textContent()).toBe('3 символа: нужно ещё 9 (не менее 12).');
    await page.keyboard.press('Escape');
    // Kept for the user on the server.
    for (let i = 0; i < 50; i++) {
      if ((await t.as('get', '/api/v1/me').expect(200)).body.locale === 'ru') break;
      await page.waitForTimeout(100);
    }
    expect((await t.as('get', '/api/v1/me').expect(200)).body.locale).toBe('ru');
  });

  it('a reload keeps Russian', async () => {
    await page.reload();
    await page.locator('[data-testid=users-page] h1', { hasText: 'Пользователи' }).waitFor();
    expect(await page.locator('[data-testid=nav-executions]').textContent()).toBe('Запуски');
  });

  /** Opens each page and lists the English messages it shows, by page. */
  async function scan(pages: readonly (readonly [string, string])[]): Promise<Record<string, string[]>> {
    const left: Record<string, string[]> = {};
    for (const [path, ready] of pages) {
      await page.goto(path);
      await page.locator(ready).first().waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      const found = await englishLeft(page);
      if (found.length) left[path] = found;
    }
    return left;
  }

  it('no English message is left on the runs list and the settings pages', async () => {
    const left = await scan([
      ['/executions', '[data-testid=executions-table]'],
      ['/settings/users', '[data-testid=users-table]'],
      ['/settings/roles', '[data-testid=role-matrix]'],
      ['/settings/api-keys', '[data-testid=api-keys-page] .page-head'],
      ['/settings/audit', '[data-testid=audit-table]'],
      ['/connections', '[data-testid=connections-page] .page-head'],
    ]);
    expect(left).toEqual({});
  });

  it('no English message is left on the flows list', async () => {
    const left = await scan([['/flows', '[data-testid=flows-table]']]);
    await screenshot(page, 'i18n-flows-ru');
    expect(left).toEqual({});
  });

  it('another device signing in as the same user gets Russian from the server', async () => {
    const other = await open('en-US');
    await other.goto('/login');
    await other.locator('.login-card h1', { hasText: 'Sign in' }).waitFor();
    await login(other, ADMIN.email, ADMIN.password);
    await other.locator('[data-testid=nav-flows]', { hasText: 'Потоки' }).waitFor();
    expect(await other.locator('html').getAttribute('lang')).toBe('ru');
  });

  it('another user is unaffected: their browser language, or what they pick before signing in', async () => {
    const agent = await open('en-US');
    await agent.goto('/login');
    await agent.locator('.login-card h1', { hasText: 'Sign in' }).waitFor();
    await agent.click('[data-testid=login-language-it]');
    await agent.locator('.login-card h1', { hasText: 'Accedi' }).waitFor();
    await login(agent, AGENT.email, AGENT.password);
    await agent.locator('[data-testid=nav-flows]', { hasText: 'Flussi' }).waitFor();
    expect((await t.db.query(`SELECT locale FROM users WHERE email = $1`, [AGENT.email]))[0].locale).toBeNull();
    const fresh = await open('en-US');
    await login(fresh, AGENT.email, AGENT.password);
    await fresh.locator('[data-testid=nav-flows]', { hasText: 'Flows' }).waitFor();
  });
});
