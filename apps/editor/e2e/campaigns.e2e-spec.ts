/**
 * Live campaign progress (issue 19 §1) in the browser against the real API: a campaign's counts and
 * bar move while the dialer's events are delivered, with no list polled (the server pushes them);
 * its failures are grouped by error code with an example run; pause holds the new runs, retry-all
 * queues the failed ones again, resume delivers everything.
 */
import type { Browser, Page, Request } from 'playwright-core';
import { ADMIN, TestApp } from '../../api/test/harness';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { CampaignCrm, contactEvents, postEvents, publishCampaignFlow } from '../../api/test/support/campaigns';
import { buildEditor, EDITOR_DIST, hasChromium, launch, login, newPage, screenshot, waitInPage } from './browser';

const suite = hasChromium() ? describe : describe.skip;

suite('campaign progress, live', () => {
  let t: TestApp;
  let mock: LoopbackServer;
  let crm: CampaignCrm;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let flowId: string;
  /** Every API request the page makes. */
  const requests: string[] = [];

  beforeAll(async () => {
    buildEditor();
    [t, mock, browser] = await Promise.all([
      TestApp.start({ EDITOR_DIR: EDITOR_DIST }),
      LoopbackServer.start(),
      launch(),
    ]);
    crm = new CampaignCrm(mock);
    // 5 at a time, 60 ms each: about 80 deliveries a second, so the delivery lasts a few seconds.
    crm.delayMs = 60;
    flowId = (await publishCampaignFlow(t, 'dialer', crm, { maxConcurrentRuns: 5 })).id;
    ({ page, problems } = await newPage(browser, t.baseUrl));
    page.on('request', (r: Request) => void (r.url().includes('/api/v1/') && requests.push(r.url())));
    await page.goto('/flows');
    await login(page, ADMIN.email, ADMIN.password);
    await page.locator('[data-testid=flows-page]').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await mock?.close();
    await t?.close();
  });

  afterEach(() => {
    const unexpected = problems.filter((p) => !/status of (401|404|409|422)/.test(p));
    problems.length = 0;
    expect(unexpected).toEqual([]);
  });

  const count = async (key: string) =>
    Number((await page.locator(`[data-testid=campaign-${key}]`).innerText()).replace(/\D/g, ''));
  const waitCount = (key: string, want: number) =>
    waitInPage(
      page,
      ([k, n]) => Number(document.querySelector(`[data-testid=campaign-${k}]`)?.textContent?.replace(/\D/g, '')) === n,
      [key, want] as const,
      30_000,
    );
  // Every fifth contact fails at the CRM (HTTP 500).
  const events = (n: number, from: number) => contactEvents('spring', n, (i) => (i % 5 === 0 ? '500' : ''), from);

  it('shows a campaign from the rail and its counts moving live as its events are delivered', async () => {
    await postEvents(t, t.apiKey, events(10, 0));
    await page.click('[data-testid=nav-campaigns]');
    await page.locator('[data-testid=campaign-row-spring]').waitFor();
    await page.click('[data-testid=campaign-row-spring]');
    await page.locator('[data-testid=campaign-title]', { hasText: 'spring' }).waitFor();
    await page.locator('[data-testid=campaigns-live][data-live=true]').waitFor();

    const before = requests.length;
    const posting = postEvents(t, t.apiKey, events(490, 10), 70, 1);
    // Numbers move while the page just sits there: no list is read again, the server pushes them.
    await waitInPage(page, () => {
      const s = Number(document.querySelector('[data-testid=campaign-succeeded]')?.textContent?.replace(/\D/g, ''));
      return s > 20 && s < 300;
    });
    const first = await count('succeeded');
    await page.locator('[data-testid=campaign-pace-rate]').waitFor();
    expect(await page.locator('[data-testid=campaign-pace]').innerText()).toMatch(/\/s\s+(ends ~|end not known)/);
    await screenshot(page, 'campaign-progress');
    await waitInPage(
      page,
      (n) => {
        const s = Number(document.querySelector('[data-testid=campaign-succeeded]')?.textContent?.replace(/\D/g, ''));
        return s > n + 50;
      },
      first,
    );
    await posting;
    await waitCount('succeeded', 400);
    await waitCount('failed', 100);
    expect(await count('queued')).toBe(0);
    expect(requests.slice(before).filter((u) => u.includes('/campaigns'))).toEqual([]);
    // The bar says how much is done.
    expect(await page.locator('[data-testid=campaign-progress]').getAttribute('aria-valuenow')).toBe('500');
  }, 90_000);

  it('groups failures by error code with an example run', async () => {
    const group = page.locator('[data-testid=failure-HTTP_STATUS]');
    await group.waitFor();
    expect(await page.locator('[data-testid=failure-HTTP_STATUS-count]').innerText()).toBe('100');
    const example = page.locator('[data-testid=failure-HTTP_STATUS-example]');
    expect(await example.innerText()).toContain('HTTP 500');
    const href = (await example.getAttribute('href'))!;
    const run = await t.as('get', `/api/v1${href}`).expect(200);
    expect(run.body).toMatchObject({ status: 'failed', error: { code: 'HTTP_STATUS' } });
  });

  it('pauses deliveries, retries every failed run while paused, and delivers all on resume', async () => {
    crm.failing = false;
    await page.click('[data-testid=campaign-pause]');
    await page.locator('[data-testid=paused-badge]').waitFor();
    await postEvents(t, t.apiKey, events(100, 500));
    await waitCount('queued', 100);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await count('queued')).toBe(100);
    expect(await count('running')).toBe(0);
    expect(await count('succeeded')).toBe(400);

    await page.click('[data-testid=campaign-retry-all]');
    await page.locator('[data-testid=retry-dialog]').waitFor();
    await page.click('[data-testid=retry-confirm]');
    // The failed runs are queued again, behind the pause.
    await waitCount('queued', 200);
    await waitCount('failed', 0);
    await page.locator('[data-testid=no-failures]').waitFor();
    await screenshot(page, 'campaign-paused-retried');

    await page.click('[data-testid=campaign-resume]');
    await page.locator('[data-testid=paused-badge]').waitFor({ state: 'detached' });
    await waitCount('succeeded', 600);
    expect(await count('queued')).toBe(0);
    expect(await page.locator('[data-testid=campaign-retried]').innerText()).toBe('100');
  }, 90_000);

  it("is reachable from a campaign flow's editor, whose bar still fits a laptop", async () => {
    const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;
    for (const [width, height] of [
      [1024, 768],
      [800, 600],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.goto(`/flows/${flowId}`);
      await page.locator('[data-testid=flow-campaigns]').waitFor();
      for (const control of ['flow-campaigns', 'test-button', 'publish-button', 'problems-button']) {
        const inView = await page.locator(`[data-testid=${control}]`).evaluate((el) => {
          const r = el.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return r.right <= window.innerWidth && r.left >= 0 && !!hit && el.contains(hit);
        });
        expect([width, control, inView]).toEqual([width, control, true]);
      }
      const [title, undo] = [await box('[data-testid=flow-name]'), await box('button[aria-label=Undo]')];
      expect(title.x + title.width <= undo.x).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.click('[data-testid=flow-campaigns]');
    await page.waitForURL(/\/campaigns\?flowId=/);
    await page.locator('[data-testid=campaign-row-spring]').waitFor();
    expect(await page.locator('[data-testid=campaign-spring-succeeded]').innerText()).toBe('600');
  });
});
