/**
 * Issue 16: the editor and the API send security headers (a CSP with script-src 'self' and
 * frame-ancestors, nosniff, Referrer-Policy) and never serve source maps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Response } from 'supertest';
import { TestApp } from '../harness';

function csp(r: Response): Map<string, string> {
  const header = r.headers['content-security-policy'] as string | undefined;
  expect(header).toEqual(expect.any(String));
  const directives = header!
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean);
  return new Map(directives.map((d) => [d.split(/\s+/)[0]!, d.slice(d.split(/\s+/)[0]!.length).trim()]));
}

function expectCommon(r: Response): void {
  expect(r.headers['x-content-type-options']).toBe('nosniff');
  expect(r.headers['referrer-policy']).toBe('no-referrer');
}

describe('security: headers of the editor and the API; no source maps', () => {
  let t: TestApp;
  let editorDir: string;

  beforeAll(async () => {
    // A built editor as vite leaves it, with a source map a stale build might still hold.
    editorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-editor-'));
    fs.mkdirSync(path.join(editorDir, 'assets'));
    const shell = '<!doctype html><div id="root"></div><script type="module" src="/assets/index.js"></script>';
    fs.writeFileSync(path.join(editorDir, 'index.html'), shell);
    fs.writeFileSync(path.join(editorDir, 'assets/index.js'), 'console.log(1);\n//# sourceMappingURL=index.js.map');
    fs.writeFileSync(path.join(editorDir, 'assets/index.js.map'), '{"version":3,"sources":["../src/secret.ts"]}');
    t = await TestApp.start({ EDITOR_DIR: editorDir });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(editorDir, { recursive: true, force: true });
  });

  it('the editor (shell, client routes, assets): scripts from itself only, never framed', async () => {
    for (const url of ['/', '/flows', '/flows/123?x=1', '/assets/index.js']) {
      const r = await t.http().get(url).expect(200);
      const p = csp(r);
      expect(p.get('script-src')).toBe("'self'");
      expect(p.get('default-src')).toBe("'self'");
      expect(p.get('frame-ancestors')).toBe("'none'");
      expect(p.get('object-src')).toBe("'none'");
      expect(p.get('base-uri')).toBe("'none'");
      expect(p.has('sandbox')).toBe(false);
      expect(r.headers['x-frame-options']).toBe('DENY');
      expectCommon(r);
    }
  });

  it('never serves source maps', async () => {
    const r = await t.http().get('/assets/index.js.map').expect(404);
    expect(r.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'not found' });
    expect(r.text).not.toContain('secret.ts');
    await t.http().get('/assets/INDEX.JS.MAP').expect(404);
  });

  it('API answers (JSON, errors, metrics): nothing loads, nothing frames them, sandboxed', async () => {
    // /metrics: whatever its access rule answers, the headers are the API's.
    const answers = [
      ['/api/v1/health', 200],
      ['/api/v1/flows', 401],
      ['/api/v1/nothing', 404],
      ['/metrics', undefined],
    ] as const;
    for (const [url, status] of answers) {
      const r = await t.http().get(url);
      if (status !== undefined) expect(r.status).toBe(status);
      const p = csp(r);
      expect(p.get('default-src')).toBe("'none'");
      expect(p.get('frame-ancestors')).toBe("'none'");
      expect(p.has('sandbox')).toBe(true);
      expectCommon(r);
    }
    const me = await t.as('get', '/api/v1/me').expect(200);
    expect(csp(me).get('default-src')).toBe("'none'");
  });

  it('Swagger UI keeps working under its own policy: its scripts are files of the origin', async () => {
    const page = await t.http().get('/api/docs').redirects(1).expect(200);
    const p = csp(page);
    expect(p.get('script-src')).toBe("'self'");
    expect(p.get('frame-ancestors')).toBe("'none'");
    expectCommon(page);
    // No inline script the policy would block: every <script> has a src.
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src=/);
      expect(body!.trim()).toBe('');
    }
    await t.http().get('/api/docs/openapi.json').expect(200);
  });
});
