/**
 * Dark mode (issue 19 §5), in the browser against the real API: the theme follows the system's
 * setting, the rail's switch (System / Light / Dark) overrides it and is kept across reloads and per
 * user; in both themes the key text (body, muted, node card title, code block, badges, test drawer,
 * dialog, field diff) has WCAG AA contrast against what is really behind it, and the canvas is dark.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import {
  buildEditor,
  EDITOR_DIST,
  emulateScheme,
  hasChromium,
  launch,
  login,
  newPage,
  screenshot,
  waitInPage,
} from './browser';

const suite = hasChromium() ? describe : describe.skip;

const OTHER = { email: 'night@test.local', password: 'amber willow transit 4' };

/** ivr → remember (set) → answer (respond): a test run succeeds without any network. */
const DEFINITION = {
  schemaVersion: 1,
  nodes: [
    { id: 't', type: 'trigger.ivr', name: 'ivr', position: { x: 0, y: 0 }, config: { deadlineMs: 3000 } },
    {
      id: 's',
      type: 'set',
      name: 'remember',
      position: { x: 320, y: 0 },
      config: { values: [{ name: 'queue', value: 'vip' }] },
    },
    {
      id: 'r',
      type: 'respond',
      name: 'answer',
      position: { x: 640, y: 0 },
      config: { status: 200, body: { type: 'json', template: '{"queue": "{{vars.queue}}"}' } },
    },
  ],
  edges: [
    { id: 'e1', source: 't', target: 's' },
    { id: 'e2', source: 's', target: 'r' },
  ],
};

interface Measure {
  ratio: number;
  large: boolean;
  fg: number[];
  bg: number[];
  text: string;
}

/**
 * The contrast of an element's text against the colour really behind it: its own and its ancestors'
 * backgrounds composited from the first opaque one up (colours normalised through a canvas, so any
 * CSS colour syntax works).
 */
function measure(page: Page, selector: string): Promise<Measure> {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
      const rgba = (css: string) => {
        ctx.clearRect(0, 0, 1, 1);
        ctx.fillStyle = '#000';
        ctx.fillStyle = css;
        ctx.fillRect(0, 0, 1, 1);
        const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
        return [r!, g!, b!, a! / 255];
      };
      const over = (top: number[], under: number[]) =>
        [0, 1, 2].map((i) => top[i]! * top[3]! + under[i]! * (1 - top[3]!)).concat(1);
      const layers: number[][] = [];
      for (let n: Element | null = el; n; n = n.parentElement) {
        const c = rgba(getComputedStyle(n).backgroundColor);
        if (c[3]! > 0) layers.push(c);
        if (c[3] === 1) break;
      }
      let bg = [255, 255, 255, 1];
      for (const layer of layers.reverse()) bg = over(layer, bg);
      const style = getComputedStyle(el);
      const fg = over(rgba(style.color), bg);
      const lum = (c: number[]) => {
        const [r, g, b] = c.slice(0, 3).map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      const size = parseFloat(style.fontSize);
      const weight = parseInt(style.fontWeight, 10);
      return {
        ratio: (hi! + 0.05) / (lo! + 0.05),
        large: size >= 24 || (size >= 18.66 && weight >= 700),
        fg,
        bg,
        text: (el.textContent ?? '').trim().slice(0, 40),
      };
    });
}

/** Luminance of an element's own background (0 black … 1 white). */
function backgroundLuminance(page: Page, selector: string): Promise<number> {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const m = getComputedStyle(el)
        .backgroundColor.match(/\d+(\.\d+)?/g)!
        .map(Number);
      const [r, g, b] = m.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    });
}

suite('dark mode', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let flowId = '';

  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  // The system's scheme changes (the page's media query reports it first), then the page follows.
  const followsSystem = async (scheme: 'dark' | 'light') => {
    await emulateScheme(page, scheme);
    await waitInPage(page, (s) => document.documentElement.dataset.theme === s, scheme);
  };
  const choose = async (choice: 'system' | 'light' | 'dark') => {
    await page.click('[data-testid=theme-button]');
    await page.click(`[data-testid=theme-${choice}]`);
    await page.locator('[data-testid=theme-menu]').waitFor({ state: 'detached' });
  };

  beforeAll(async () => {
    buildEditor();
    [t, browser] = await Promise.all([TestApp.start({ EDITOR_DIR: EDITOR_DIST }), launch()]);
    ({ page, problems } = await newPage(browser, t.baseUrl, { colorScheme: 'light' }));
    const created = await t.as('post', '/api/v1/flows').send({ name: 'Queue router', definition: DEFINITION });
    flowId = created.body.id;
    await t.as('post', `/api/v1/flows/${flowId}/publish`).send({ note: 'first' }).expect(200);
    const roles = (await t.as('get', '/api/v1/roles').expect(200)).body.items as { id: string; builtIn: string }[];
    await t
      .as('post', '/api/v1/users')
      .send({ ...OTHER, roleIds: [roles.find((r) => r.builtIn === 'viewer')!.id] })
      .expect(201);
    await page.goto('/flows');
    await login(page, ADMIN.email, ADMIN.password);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  afterEach(() => {
    const unexpected = problems.filter((p) => !/status of (401|409)/.test(p));
    problems.length = 0;
    expect(unexpected).toEqual([]);
  });

  it('follows the system setting until the user picks one, and keeps the pick across reloads', async () => {
    await page.locator('[data-testid=flows-page]').waitFor(); // signed in and settled before the scheme changes
    expect(await theme()).toBe('light');
    await followsSystem('dark');

    await choose('light');
    expect(await theme()).toBe('light');
    await page.reload();
    await page.locator('[data-testid=flows-page]').waitFor();
    expect(await theme()).toBe('light');
    await page.click('[data-testid=theme-button]');
    expect(await page.locator('[data-testid=theme-light]').getAttribute('aria-checked')).toBe('true');
    await page.keyboard.press('Escape');

    await choose('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.reload();
    await page.locator('[data-testid=flows-page]').waitFor();
    expect(await theme()).toBe('dark');

    await choose('system');
    expect(await theme()).toBe('light');
    await page.reload();
    await page.locator('[data-testid=flows-page]').waitFor();
    expect(await theme()).toBe('light');
    await followsSystem('dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('fits the switch in the rail of an 800 x 600 screen, its menu in full view', async () => {
    await page.setViewportSize({ width: 800, height: 600 });
    const inView = (selector: string) =>
      page.locator(selector).evaluate((el) => {
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return r.bottom <= window.innerHeight && r.right <= window.innerWidth && !!hit && el.contains(hit);
      });
    expect(await inView('[data-testid=theme-button]')).toBe(true);
    expect(await inView('[data-testid=sign-out]')).toBe(true);
    await page.click('[data-testid=theme-button]');
    for (const choice of ['system', 'light', 'dark']) expect(await inView(`[data-testid=theme-${choice}]`)).toBe(true);
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=theme-menu]').waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('keeps each user their own choice in this browser', async () => {
    await choose('dark');
    await page.click('[data-testid=sign-out]');
    await page.waitForURL(/\/login/);
    await login(page, OTHER.email, OTHER.password);
    // Nothing chosen yet: this browser's last choice stays; then their own.
    expect(await theme()).toBe('dark');
    await choose('light');
    await page.click('[data-testid=sign-out]');
    await page.waitForURL(/\/login/);
    expect(await theme()).toBe('light');
    await login(page, ADMIN.email, ADMIN.password);
    await waitInPage(page, () => document.documentElement.dataset.theme === 'dark');
  });

  for (const mode of ['light', 'dark'] as const) {
    it(`reads well in the ${mode} theme: key text has AA contrast, the canvas follows`, async () => {
      await choose(mode);
      const checked: string[] = [];
      const expectReadable = async (what: string, selector: string) => {
        const m = await measure(page, selector);
        checked.push(`${what} ${m.ratio.toFixed(2)}`);
        const floor = m.large ? 3 : 4.5;
        if (m.ratio < floor)
          throw new Error(`${what} (“${m.text}”) has ${m.ratio.toFixed(2)}:1 < ${floor}:1 in ${mode}`);
      };

      await page.goto('/flows');
      await page.locator('[data-testid=flows-page]').waitFor();
      await expectReadable('page title', '.page-head h1');
      await expectReadable('body text', '[data-testid^=flow-row-] .row-title');
      await expectReadable('muted text', '.page-head p.muted');
      await expectReadable('muted text in a table', '[data-testid^=flow-row-] .muted');
      await expectReadable('success badge', '[data-testid^=flow-row-] .badge-success');
      await expectReadable('trigger chip', '[data-testid^=flow-row-] .trigger-chip');
      await expectReadable('rail link', '[data-testid=nav-executions]');

      await page.goto(`/flows/${flowId}`);
      await page.locator('[data-testid=node-answer]').waitFor();
      await expectReadable('node card title', '[data-testid=node-answer] .node-title');
      await expectReadable('node card type', '[data-testid=node-answer] .node-type');
      await expectReadable('node card summary', '[data-testid=node-answer] .node-summary');
      await expectReadable('live badge', '[data-testid=published-badge]');
      await page.click('[data-testid=test-button]');
      await expectReadable('test drawer hint', '[data-testid=run-result] .muted');
      await page.click('[data-testid=run-test]');
      await page.locator('[data-testid=run-status]', { hasText: 'succeeded' }).waitFor();
      await expectReadable('run status badge', '[data-testid=run-status]');
      await expectReadable('code block', '[data-testid=run-output]');
      await expectReadable('step row', '[data-testid=run-steps] button');
      await expectReadable('node run time', '[data-testid=node-run-answer]');
      const dark = mode === 'dark';
      // The canvas, its minimap and the node cards are dark in the dark theme, light in the light one.
      for (const part of ['.canvas .react-flow', '.react-flow__minimap', '[data-testid=node-answer]'])
        expect((await backgroundLuminance(page, part)) < 0.1).toBe(dark);
      if (dark) await screenshot(page, 'theme-dark-editor');

      await page.click('[data-testid=publish-button]');
      await expectReadable('dialog text', '[data-testid=publish-dialog] .dialog-body p');
      await page.keyboard.press('Escape');

      await page.locator('[data-testid=node-remember]').click();
      await page.click('[data-testid=panel-tab-settings]');
      await page.fill('[data-testid=node-name]', 'rememberQueue');
      await page.click('[data-testid=versions-button]');
      await page.click('[data-testid=compare-1]');
      await page.locator('[data-testid=diff-node-rememberQueue]').click();
      await expectReadable('removed text', '[data-testid=fd-name] .fd-old del');
      await expectReadable('added text', '[data-testid=fd-name] .fd-new ins');
      await expectReadable('changed badge', '[data-testid=diff-detail] .badge-warning');
      await expectReadable('diff flag', '[data-testid=diff-node-rememberQueue] .diff-flag');
      await page.click('[aria-label="Close comparison"]');
      await page.keyboard.press('Control+z');
      await page.locator('[data-testid=node-remember]').waitFor();
      await page.locator('[data-testid=save-status][data-state=saved]').waitFor();
      expect(checked.length).toBe(21);
    });
  }
});
