/**
 * The editor on laptop screens (issue 18 §2), in the browser against the real API.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import {
  buildEditor,
  dragFromPalette,
  EDITOR_DIST,
  hasChromium,
  launch,
  login,
  newPage,
  screenshot,
  waitInPage,
} from './browser';

const suite = hasChromium() ? describe : describe.skip;

suite('the editor on laptop screens', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let flowId = '';

  beforeAll(async () => {
    buildEditor();
    [t, browser] = await Promise.all([TestApp.start({ EDITOR_DIR: EDITOR_DIST }), launch()]);
    ({ page, problems } = await newPage(browser, t.baseUrl));
    await page.goto('/flows');
    await login(page, ADMIN.email, ADMIN.password);
    await page.locator('[data-testid=flows-page]').waitFor();
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.ivr', name: 'ivr', position: { x: 0, y: 0 }, config: {} },
        {
          id: 'h',
          type: 'http',
          name: 'crm',
          position: { x: 300, y: 0 },
          config: { method: 'GET', url: 'http://127.0.0.1:9/x' },
        },
      ],
      edges: [{ id: 'e1', source: 't', target: 'h' }],
    };
    const created = await t.as('post', '/api/v1/flows').send({ name: 'Laptop', key: 'laptop', definition }).expect(201);
    flowId = created.body.id;
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

  /** Whether the element's centre is really it (not under a panel, off screen, or clipped). */
  async function reachable(selector: string): Promise<boolean> {
    return page.locator(selector).evaluate((el) => {
      const r = el.getBoundingClientRect();
      const inView = r.right <= window.innerWidth && r.bottom <= window.innerHeight && r.left >= 0 && r.top >= 0;
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return inView && !!hit && el.contains(hit);
    });
  }

  const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;
  const apart = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
    a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;

  it.each([
    [1024, 768, 480],
    [960, 700, 420],
    [800, 600, 300],
  ])('at %ix%i: panel and test drawer open, Run reachable, canvas ≥ %i px, header unbroken', async (w, h, min) => {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(`/flows/${flowId}`);
    await page.locator('[data-testid="node-crm"]').click();
    await page.locator('[data-testid=node-panel]').waitFor();
    await page.click('[data-testid=test-button]');
    await page.locator('[data-testid=run-test]').waitFor();
    await screenshot(page, `layout-${w}`);
    // A laptop gets the palette as icons (the admin can widen it), so the canvas keeps its room.
    expect(await page.locator('[data-testid=palette]').getAttribute('data-collapsed')).toBe('true');
    expect((await box('[data-testid=canvas]')).width).toBeGreaterThanOrEqual(min);
    for (const control of ['run-test', 'publish-button', 'test-button', 'versions-button', 'problems-button'])
      expect([control, await reachable(`[data-testid=${control}]`)]).toEqual([control, true]);
    // The title block (name, key, save status) clips what does not fit: it never runs under the buttons.
    expect(apart(await box('.editor-bar .flow-title'), await box('button[aria-label=Undo]'))).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });

  it('widens the palette on demand and remembers it', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.click('[data-testid=palette-toggle]');
    await page.locator('[data-testid=palette][data-collapsed=false]').waitFor();
    await page.reload();
    await page.locator('[data-testid=palette][data-collapsed=false]').waitFor();
    await page.click('[data-testid=palette-toggle]');
    await page.locator('[data-testid=palette][data-collapsed=true]').waitFor();
  });

  it('keeps a node dropped near the right edge in view when its panel opens', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(`/flows/${flowId}`);
    await page.locator('[data-testid="node-crm"]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=node-panel]').waitFor({ state: 'detached' });
    const canvas = await box('[data-testid=canvas]');
    await dragFromPalette(page, 'set', canvas.x + canvas.width - 60, canvas.y + 120);
    await page.locator('[data-testid=node-panel]').waitFor();
    const added = page.locator('.react-flow__node.selected');
    await page.waitForTimeout(500); // the pan animates for 200 ms
    const node = (await added.boundingBox())!;
    const visible = await box('[data-testid=canvas]');
    expect(node.x + node.width).toBeLessThanOrEqual(visible.x + visible.width);
    expect(node.x).toBeGreaterThanOrEqual(visible.x);
  });

  it('a click on the palette with nothing selected continues the flow, in view beside the panel', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    const definition = {
      schemaVersion: 1,
      nodes: [{ id: 't', type: 'trigger.ivr', name: 'ivr', position: { x: 0, y: 0 }, config: {} }],
      edges: [],
    };
    const created = await t.as('post', '/api/v1/flows').send({ name: 'Fresh', key: 'fresh', definition }).expect(201);
    await page.goto(`/flows/${created.body.id}`);
    await page.locator('[data-testid="node-ivr"]').waitFor();
    await page.click('[data-testid="palette-http"]');
    await page.locator('[data-testid=node-panel]').waitFor();
    await waitInPage(page, () => document.querySelectorAll('.react-flow__edge').length === 1);
    await page.waitForTimeout(500); // the view animates
    const node = (await page.locator('.react-flow__node.selected').boundingBox())!;
    const canvas = await box('[data-testid=canvas]');
    expect(node.x + node.width).toBeLessThanOrEqual(canvas.x + canvas.width);
    expect(node.x).toBeGreaterThanOrEqual(canvas.x);
  });

  it('adds two answers to one condition by clicking, side by side without overlapping', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.ivr', name: 'ivr', position: { x: 0, y: 0 }, config: {} },
        {
          id: 'c',
          type: 'condition',
          name: 'vip',
          position: { x: 320, y: 0 },
          config: { rules: [{ handle: 'vip', left: '{{call.callerId}}', op: 'exists' }] },
        },
      ],
      edges: [{ id: 'e1', source: 't', target: 'c' }],
    };
    const created = await t.as('post', '/api/v1/flows').send({ name: 'Two', key: 'two', definition }).expect(201);
    await page.goto(`/flows/${created.body.id}`);
    for (let i = 0; i < 2; i++) {
      await page.locator('[data-testid="node-vip"]').click();
      await page.click('[data-testid="palette-respond"]');
    }
    await page.locator('.react-flow__node', { hasText: 'Respond' }).nth(1).waitFor();
    const [a, b] = await page
      .locator('.react-flow__node', { hasText: 'Respond' })
      .evaluateAll((els) =>
        els.map((el) => el.getBoundingClientRect().toJSON() as { x: number; y: number; width: number; height: number }),
      );
    expect(apart(a!, b!)).toBe(true);
  });
});
