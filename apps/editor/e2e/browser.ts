/**
 * Browser helpers for the editor tests: Debian's Chromium through playwright-core, and the
 * editor build the API serves.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const EDITOR_DIST = path.resolve(__dirname, '../dist');
/** docs/screenshots (shown in the README); under CI (.ci/run) .ci/out/screenshots, so runs leave the tree clean. */
export const SCREENSHOTS =
  process.env.SCREENSHOTS_DIR ??
  path.resolve(__dirname, process.env.CI ? '../../../.ci/out/screenshots' : '../../../docs/screenshots');
const ROOT = path.resolve(__dirname, '../../..');

export function hasChromium(): boolean {
  return fs.existsSync(CHROMIUM);
}

/** Builds the editor (vite) unless a build newer than every source file exists. */
export function buildEditor(): void {
  const index = path.join(EDITOR_DIST, 'index.html');
  if (fs.existsSync(index) && !process.env.EDITOR_REBUILD) {
    const built = fs.statSync(index).mtimeMs;
    const newest = Math.max(
      ...[path.resolve(__dirname, '../src'), path.resolve(ROOT, 'libs/flow/src')]
        .flatMap(walk)
        .map((f) => fs.statSync(f).mtimeMs),
    );
    if (built > newest) return;
  }
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '-c',
      path.resolve(__dirname, '../vite.config.ts'),
      '--logLevel',
      'warn',
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
      // Jest sets NODE_ENV=test, which would give React's development build.
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A page whose console errors and failed requests are collected (and printed when a test fails); the
 * system's colour scheme is light unless `colorScheme` says otherwise.
 */
export async function newPage(
  browser: Browser,
  baseURL: string,
  opts: { colorScheme?: 'light' | 'dark' } = {},
): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    colorScheme: opts.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.setDefaultTimeout(10_000);
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled', style: '.toaster { display: none !important; }' });
  return file;
}

/**
 * `page.waitForFunction` polled every 100 ms, 20 s by default. Playwright polls on animation frames by
 * default, and a CPU-starved host may withhold frames for seconds (our reading of a CI timeout).
 */
export function waitInPage<A>(page: Page, fn: (arg: A) => unknown, arg?: A, timeout = 20_000): Promise<unknown> {
  // `never`: Playwright types the argument as it arrives in the page (Unboxed<A>), the same for plain values.
  return page.waitForFunction(fn as never, arg, { polling: 100, timeout });
}

/**
 * Emulates the system's colour scheme and waits until the page's own media query reports it. The
 * emulation is sent again if the page still reads the old scheme after 2 s: on the 2-core CI host,
 * twice in four runs, a page kept the old scheme for 20 s after the one `emulateMedia` (never here).
 */
export async function emulateScheme(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    // Again: by way of the other scheme, in case the browser skips a setting it believes it has.
    if (attempt > 1) await page.emulateMedia({ colorScheme: scheme === 'dark' ? 'light' : 'dark' });
    await page.emulateMedia({ colorScheme: scheme });
    try {
      await waitInPage(page, (s) => matchMedia(`(prefers-color-scheme: ${s})`).matches, scheme, 2_000);
      return;
    } catch (err) {
      if (attempt === 10) throw err;
    }
  }
}

export async function login(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('[data-testid=login-submit]');
  await page.waitForURL(/\/flows$/);
}

/** Drags a palette item onto the canvas at (x, y) in page pixels (HTML5 drag and drop). */
export async function dragFromPalette(page: Page, type: string, x: number, y: number): Promise<void> {
  const dataTransfer = await page.evaluateHandle(() => new DataTransfer());
  const source = page.locator(`[data-testid="palette-${type}"]`);
  await source.dispatchEvent('dragstart', { dataTransfer });
  await page.locator('.react-flow__pane').dispatchEvent('dragover', { dataTransfer, clientX: x, clientY: y });
  await page.locator('.react-flow__pane').dispatchEvent('drop', { dataTransfer, clientX: x, clientY: y });
}

/** Draws an edge from a node's output handle to another node's input, with the mouse. */
export async function connect(page: Page, fromNode: string, handle: string | null, toNode: string): Promise<void> {
  const from = handle
    ? page.locator(`[data-testid="node-${fromNode}"] .react-flow__handle.source[data-handleid="${handle}"]`)
    : page.locator(`[data-testid="node-${fromNode}"] .react-flow__handle.source`).first();
  const to = page.locator(`[data-testid="node-${toNode}"] .react-flow__handle.target`);
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}
