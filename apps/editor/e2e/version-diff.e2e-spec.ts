/**
 * Comparing versions (issue 19 §3), in the browser against the real API: v1 against the draft on the
 * canvas (added green, removed a red ghost at its old place, changed amber, edges added and removed),
 * a changed node's fields side by side and inline with templates diffed by line and URLs by word, a
 * draft whose keys PostgreSQL re-sorted showing no change, the view in its own lazy chunk; v1 restored
 * from the comparison as one undo step, autosaved; two published versions compared.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, newPage, screenshot } from './browser';

const suite = hasChromium() ? describe : describe.skip;

const TEMPLATE_V1 = '{\n  "caller": "{{call.callerId}}",\n  "source": "ivr"\n}';
const TEMPLATE_V2 = '{\n  "caller": "{{call.callerId}}",\n  "source": "ivr-v2",\n  "dialed": "{{call.dialed}}"\n}';

/** v1: ivr → lookup (http) → isVip (condition) —yes→ vipAnswer, —default→ defaultAnswer. */
function v1() {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 't', type: 'trigger.ivr', name: 'ivr', position: { x: 0, y: 0 }, config: { deadlineMs: 3000 } },
      {
        id: 'h',
        type: 'http',
        name: 'lookup',
        position: { x: 320, y: 0 },
        config: {
          method: 'POST',
          url: 'https://crm.example.com/api/customers?phone={{call.callerId}}',
          body: { type: 'json', template: TEMPLATE_V1 },
        },
      },
      {
        id: 'c',
        type: 'condition',
        name: 'isVip',
        position: { x: 640, y: 0 },
        config: { rules: [{ handle: 'yes', left: '{{call.callerId}}', op: 'eq', right: '+33600000000' }] },
      },
      { id: 'r1', type: 'respond', name: 'vipAnswer', position: { x: 960, y: -120 }, config: { status: 200 } },
      { id: 'r2', type: 'respond', name: 'defaultAnswer', position: { x: 960, y: 200 }, config: { status: 200 } },
    ],
    edges: [
      { id: 'e1', source: 't', target: 'h' },
      { id: 'e2', source: 'h', sourceHandle: 'success', target: 'c' },
      { id: 'e3', source: 'c', sourceHandle: 'yes', target: 'r1' },
      { id: 'e4', source: 'c', sourceHandle: 'default', target: 'r2' },
    ],
  };
}

/**
 * The draft: lookup renamed crmLookup with a new URL and body; defaultAnswer removed, remember (set)
 * added on the default output; vipAnswer moved; isVip's config with its keys in another order.
 */
function draft() {
  const d = v1();
  const [t, h, c, r1] = d.nodes as [any, any, any, any];
  const lookup = {
    ...h,
    name: 'crmLookup',
    config: {
      ...h.config,
      url: 'https://crm.example.com/api/v2/customers?phone={{call.callerId}}',
      body: { template: TEMPLATE_V2, type: 'json' },
    },
  };
  const rule = c.config.rules[0];
  const isVip = { ...c, config: { rules: [{ right: rule.right, op: rule.op, left: rule.left, handle: rule.handle }] } };
  const remember = {
    id: 's',
    type: 'set',
    name: 'remember',
    position: { x: 960, y: 400 },
    config: { values: [{ name: 'vip', value: 'no' }] },
  };
  return {
    schemaVersion: 1,
    nodes: [t, lookup, isVip, { ...r1, position: { x: 1000, y: -160 } }, remember],
    edges: [...d.edges.slice(0, 3), { id: 'e9', source: 'c', sourceHandle: 'default', target: 's' }],
  };
}

suite('comparing versions', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let flowId = '';
  const scripts: string[] = [];

  const diffNode = (name: string) => page.locator(`[data-testid="diff-node-${name}"]`);
  const canvasNode = (name: string) => page.locator(`[data-testid="node-${name}"]`);
  const saved = () => page.locator('[data-testid=save-status][data-state=saved]').waitFor();

  beforeAll(async () => {
    buildEditor();
    [t, browser] = await Promise.all([TestApp.start({ EDITOR_DIR: EDITOR_DIST }), launch()]);
    ({ page, problems } = await newPage(browser, t.baseUrl));
    page.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
    const created = await t.as('post', '/api/v1/flows').send({ name: 'VIP routing', definition: v1() }).expect(201);
    flowId = created.body.id;
    await t.as('post', `/api/v1/flows/${flowId}/publish`).send({ note: 'first version' }).expect(200);
    await t
      .as('put', `/api/v1/flows/${flowId}`)
      .send({ revision: created.body.revision, definition: draft() })
      .expect(200);
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

  it('loads the comparison on demand and colours nodes and edges on the canvas', async () => {
    await page.goto(`/flows/${flowId}`);
    await canvasNode('crmLookup').waitFor();
    expect(scripts.filter((s) => /DiffView/.test(s))).toEqual([]);
    await page.click('[data-testid=versions-button]');
    await page.click('[data-testid=compare-1]');
    await page.locator('[data-testid=diff-view]').waitFor();
    expect(scripts.filter((s) => /DiffView-[\w-]+\.js$/.test(s))).toHaveLength(1);

    await diffNode('crmLookup').waitFor();
    const status = async (name: string) => diffNode(name).getAttribute('data-diff');
    expect(await status('crmLookup')).toBe('changed');
    expect(await status('remember')).toBe('added');
    expect(await status('defaultAnswer')).toBe('removed');
    expect(await status('ivr')).toBe('unchanged');
    // jsonb-style re-sorted keys are no change; a move is only a move.
    expect(await status('isVip')).toBe('unchanged');
    expect(await status('vipAnswer')).toBe('unchanged');
    expect(await diffNode('vipAnswer').getAttribute('data-moved')).toBe('true');
    expect(await page.locator('[data-testid=diff-counts]').textContent()).toContain('1 added1 removed1 changed');

    // Green, red, amber: the palette's colours, as the browser computed them.
    const colours = await page.evaluate(() => {
      const probe = document.createElement('span');
      document.body.append(probe);
      const of = (v: string) => ((probe.style.color = `var(${v})`), getComputedStyle(probe).color);
      const out = { success: of('--success'), danger: of('--danger'), warning: of('--warning') };
      probe.remove();
      return out;
    });
    const border = (name: string) => diffNode(name).evaluate((el) => getComputedStyle(el).borderTopColor);
    expect(await border('remember')).toBe(colours.success);
    expect(await border('defaultAnswer')).toBe(colours.danger);
    expect(await border('crmLookup')).toBe(colours.warning);
    expect(await diffNode('defaultAnswer').evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('dashed');

    // The removed node is a ghost where it stood in v1.
    const place = await page
      .locator('.react-flow__node[data-id=r2]')
      .evaluate((el) => (el as HTMLElement).style.transform);
    expect(place).toBe('translate(960px, 200px)');

    // isVip's default output went from defaultAnswer to remember.
    await page.locator('.react-flow__edge.diff-edge-added').waitFor();
    expect(await page.locator('.react-flow__edge.diff-edge-added').count()).toBe(1);
    expect(await page.locator('.react-flow__edge.diff-edge-removed').count()).toBe(1);
    expect(await page.locator('.react-flow__edge.diff-edge-unchanged').count()).toBe(3);
    const list = page.locator('[data-testid=diff-list]');
    expect(await list.textContent()).toContain('isVip (default) → remember');
    expect(await list.textContent()).toContain('isVip (default) → defaultAnswer');
  });

  it('shows a changed node field by field: side by side, then inline; templates by line, URLs by word', async () => {
    await diffNode('crmLookup').click();
    const detail = page.locator('[data-testid=diff-detail]');
    await detail.waitFor();
    const field = (path: string) => detail.locator(`[data-testid="fd-${path}"]`);
    expect(await detail.locator('.fd').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).toEqual([
      'fd-name',
      'fd-config.body.template',
      'fd-config.url',
    ]);
    expect(await field('name').locator('.fd-old').textContent()).toBe('lookup');
    expect(await field('name').locator('.fd-new').textContent()).toBe('crmLookup');
    // The URL by word: only "v2/" is new.
    expect(await field('config.url').locator('.fd-split').getAttribute('data-mode')).toBe('word');
    expect(await field('config.url').locator('ins').allTextContents()).toEqual(['v2/']);
    expect(await field('config.url').locator('del').count()).toBe(0);
    // The template by line: one line changed, one added; the others as they were.
    const template = field('config.body.template');
    expect(await template.locator('.fd-split').getAttribute('data-mode')).toBe('line');
    expect(await template.locator('.fd-old del').allTextContents()).toEqual(['  "source": "ivr"\n']);
    expect(await template.locator('.fd-new ins').allTextContents()).toEqual([
      '  "source": "ivr-v2",\n  "dialed": "{{call.dialed}}"\n',
    ]);
    expect(await template.locator('.fd-new').textContent()).toBe(TEMPLATE_V2);
    expect(await template.locator('.fd-old').textContent()).toBe(TEMPLATE_V1);
    await screenshot(page, 'version-diff');

    await page.locator('[data-testid=diff-layout] button', { hasText: 'Inline' }).click();
    await detail.locator('.fd-inline').first().waitFor();
    expect(await detail.locator('.fd-split').count()).toBe(0);
    expect(await field('config.url').locator('.fd-inline').textContent()).toBe(
      'https://crm.example.com/api/v2/customers?phone={{call.callerId}}',
    );
    expect(await field('name').locator('del').textContent()).toBe('lookup');
    expect(await field('name').locator('ins').textContent()).toBe('crmLookup');
    await screenshot(page, 'version-diff-inline');
    await page.locator('[data-testid=diff-layout] button', { hasText: 'Side by side' }).click();
    // The same in the dark theme (theme.e2e-spec.ts checks its contrast).
    await page.click('[data-testid=theme-button]');
    await page.click('[data-testid=theme-dark]');
    await page.locator('html[data-theme=dark]').waitFor({ state: 'attached' });
    await screenshot(page, 'version-diff-dark');
    await page.click('[data-testid=theme-button]');
    await page.click('[data-testid=theme-system]');
    await page.locator('html[data-theme=light]').waitFor({ state: 'attached' });

    await detail.getByText('← All changes').click();
    await page.locator('[data-testid=diff-list] button', { hasText: 'defaultAnswer' }).click();
    await detail.getByText(/Only in v1/).waitFor();
  });

  it('restores v1 from the comparison as one undo step, saved like any edit', async () => {
    await page.click('[data-testid=diff-restore-from]');
    await page.locator('[data-testid=diff-view]').waitFor({ state: 'detached' });
    await canvasNode('defaultAnswer').waitFor();
    await canvasNode('lookup').waitFor();
    expect(await canvasNode('remember').count()).toBe(0);
    await saved();
    const stored = await t.as('get', `/api/v1/flows/${flowId}`).expect(200);
    expect(stored.body.definition.nodes.map((n: { name: string }) => n.name)).toEqual(v1().nodes.map((n) => n.name));

    // One step back is the draft as it was before the restore (and that is saved too).
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await canvasNode('crmLookup').waitFor();
    await canvasNode('remember').waitFor();
    expect(await canvasNode('defaultAnswer').count()).toBe(0);
    await saved();
    const back = await t.as('get', `/api/v1/flows/${flowId}`).expect(200);
    expect(back.body.definition.nodes.map((n: { name: string }) => n.name)).toEqual(draft().nodes.map((n) => n.name));
    expect(await page.locator('[aria-label=Undo]').isDisabled()).toBe(true);
  });

  it('compares two published versions and restores the newer one', async () => {
    await t.as('post', `/api/v1/flows/${flowId}/publish`).send({ note: 'CRM v2' }).expect(200);
    // Another edit in the draft, so restoring v2 is a change.
    await page.reload();
    await canvasNode('crmLookup').waitFor();
    await canvasNode('remember').click();
    await page.keyboard.press('Delete');
    await canvasNode('remember').waitFor({ state: 'detached' });
    await saved();

    await page.click('[data-testid=versions-button]');
    await page.click('[data-testid=compare-1]');
    await page.locator('[data-testid=diff-from]').selectOption('1');
    await page.locator('[data-testid=diff-to]').selectOption('2');
    await diffNode('remember').waitFor();
    expect(await diffNode('remember').getAttribute('data-diff')).toBe('added');
    expect(await diffNode('crmLookup').getAttribute('data-diff')).toBe('changed');
    expect(await page.locator('[data-testid=diff-restore-from]').textContent()).toContain('Restore v1 as draft');
    await page.click('[data-testid=diff-restore-to]');
    await canvasNode('remember').waitFor();
    await saved();

    // Back from the comparison, the versions are still open: v2 against the draft (v2 again) differs in nothing.
    await page.click('[data-testid=versions-panel] [data-testid=compare-2]');
    await page.locator('[data-testid=diff-same]').waitFor();
    expect(await page.locator('[data-testid=diff-restore-to]').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=diff-view]').waitFor({ state: 'detached' });
    await canvasNode('remember').waitFor();
  });
});
