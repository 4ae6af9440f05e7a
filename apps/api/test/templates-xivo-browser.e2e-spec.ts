import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { CrmFake } from './fakes/crm.fake';
import { createConnection, flowFromTemplate } from './fakes/template-flows';
import { TestApp } from './harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RINGING = {
  user: { userId: 54, agentId: 29, fullName: 'James Bond' },
  callee: '1023',
  caller: '1013',
  userData: {},
  callDataCallId: '1724763376.29',
  queue: { id: 2, name: 'edition', displayName: 'Edition' },
};

/**
 * XiVO (seed 004): "The call wil be made from his browser" — so the real check is a browser's. A
 * page on another origin (the XucMgt application) fetches THIRD_PARTY_URL the way XucMgt may:
 * JSON with X-Requested-With and Accept, which makes Chromium send a CORS preflight first. The
 * answer must reach the page; a page from an origin the trigger does not allow must be refused.
 */
(fs.existsSync(CHROMIUM) ? describe : describe.skip)('templates: XiVO from a real browser (CORS)', () => {
  let t: TestApp;
  let crm: CrmFake;
  let pages: LoopbackServer;
  let browser: Browser;
  let secret: string;
  beforeAll(async () => {
    [t, crm, pages] = await Promise.all([TestApp.start(), CrmFake.start('crm-token'), LoopbackServer.start()]);
    crm.contacts.set('1013', { id: 'c-1013', name: 'M. Moneypenny', url: 'https://crm.example.com/contacts/c-1013' });
    pages.on('GET /agent', (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>XucMgt</title>'),
    );
    const conn = await createConnection(t, {
      name: 'crm',
      type: 'bearer',
      token: 'crm-token',
      fields: { baseUrl: crm.base },
    });
    const flow = await flowFromTemplate(t, 'xivo-agent-third-party', 'xivo-browser', { crm: conn });
    // Only the XucMgt origin (the page server, by host name: another origin than the API's 127.0.0.1).
    const current = await t.as('get', `/api/v1/flows/${flow.id}`).expect(200);
    const definition = current.body.definition;
    definition.nodes.find((n: { id: string }) => n.id === 'trigger').config.allowedOrigins = [
      `http://localhost:${pages.port}`,
    ];
    await t.as('put', `/api/v1/flows/${flow.id}`).send({ definition, revision: current.body.revision }).expect(200);
    await t.as('post', `/api/v1/flows/${flow.id}/publish`).send({}).expect(200);
    secret = (await t.as('post', `/api/v1/flows/${flow.id}/webhook-secret`).send({}).expect(201)).body.secret;
    browser = await chromium.launch({
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
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([t?.close(), crm?.close(), pages?.close()]);
  });

  /** What a page at `origin` gets from POSTing the ringing call: the parsed answer, or the fetch error. */
  async function fromPage(origin: string): Promise<unknown> {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/agent`);
      return await page.evaluate(
        async ({ url, body }) => {
          try {
            const r = await fetch(url, {
              method: 'POST',
              headers: {
                'Content-Type': 'application/json',
                'X-Requested-With': 'XMLHttpRequest',
                Accept: 'application/json',
              },
              body,
            });
            return { status: r.status, body: await r.json() };
          } catch (err) {
            return { error: String(err) };
          }
        },
        { url: `${t.baseUrl}/api/v1/hooks/xivo-browser?secret=${secret}`, body: JSON.stringify(RINGING) },
      );
    } finally {
      await page.close();
    }
  }

  it('the XucMgt page gets the answer through the preflight', async () => {
    expect(await fromPage(`http://localhost:${pages.port}`)).toEqual({
      status: 200,
      body: {
        action: 'open',
        event: 'EventEstablished',
        url: 'https://crm.example.com/contacts/c-1013',
        autopause: true,
        autopauseReason: 'crm',
        title: 'M. Moneypenny (Edition)',
      },
    });
    expect(crm.violations).toEqual([]);
  });

  it('a page from another origin is refused by the browser (the flow does not run)', async () => {
    const lookups = crm.accepted.length;
    expect(await fromPage(`http://127.0.0.1:${pages.port}`)).toEqual({
      error: expect.stringMatching(/Failed to fetch/),
    });
    expect(crm.accepted.length).toBe(lookups);
  });
});
