import { Check, ContractFake, LoopbackServer, pathOf, queryOf, rawOf, send, type SeenRequest } from './contract';

/**
 * A PBX's own HTTP API as the RetailCRM callback templates use it (the seed leaves it to the
 * integrator; these are the templates' placeholder paths): Bearer auth, exact JSON bodies.
 * - `POST /calls/originate` {extension, number[, userId][, externalPhone]} → 200 {id}; an
 *   extension in `busy` → 409;
 * - `POST /agents/status` {extension, status, paused[, userId]} → 200;
 * - `GET /recordings?call=<id>` → the recording's bytes with its content type, 404 when unknown
 *   (503 while `recordingsDown`).
 */
export class PbxApiFake extends ContractFake {
  readonly busy = new Set<string>();
  readonly recordings = new Map<string, { contentType: string; bytes: Buffer }>();
  /** Recordings answer 503 while set (the PBX's storage down). */
  recordingsDown = false;

  static async start(token: string): Promise<PbxApiFake> {
    const f = new PbxApiFake(await LoopbackServer.start());
    const json = (req: SeenRequest, c: Check, keys: string[], optional: string[]): any => {
      c.equal(req.headers.authorization, `Bearer ${token}`, 'authorization');
      c.equal(req.headers['content-type'], 'application/json', 'content-type');
      c.equal(Object.keys(queryOf(req)).join(','), '', 'query');
      let body: any;
      try {
        body = JSON.parse(req.body);
      } catch {
        c.that(false, `body is not JSON: ${req.body.slice(0, 200)}`);
        return undefined;
      }
      const got = Object.keys(body);
      c.equal(got.filter((k) => keys.includes(k)).join(','), keys.join(','), 'required members, in order');
      c.that(
        got.every((k) => keys.includes(k) || optional.includes(k)),
        `unexpected members: ${got.join(', ')}`,
      );
      for (const k of got) c.that(body[k] !== '' && body[k] !== null, `${k} is empty`);
      return body;
    };
    f.server.on('POST /calls/originate', (req, res) => {
      const c = new Check();
      const body = json(req, c, ['extension', 'number'], ['userId', 'externalPhone']);
      if (body)
        c.that(
          /^\+?\d{5,15}$/.test(body.number),
          `number must be a phone number with its +, got ${JSON.stringify(body.number)}`,
        );
      if (!f.check('POST /calls/originate', req, c, res, body)) return;
      if (f.busy.has(body.extension)) return send(res, 409, { error: 'extension busy' });
      send(res, 200, { id: `pbx-call-${f.accepted.length}` });
    });
    f.server.on('POST /agents/status', (req, res) => {
      const c = new Check();
      const body = json(req, c, ['extension', 'status', 'paused'], ['userId']);
      if (body)
        c.that(
          typeof body.paused === 'boolean' && body.paused === (body.status !== 'free'),
          'paused must be true unless the status is free',
        );
      if (f.check('POST /agents/status', req, c, res, body)) send(res, 200, { ok: true });
    });
    f.server.on('GET /recordings', (req, res) => {
      const c = new Check();
      c.equal(req.headers.authorization, `Bearer ${token}`, 'authorization');
      const q = queryOf(req);
      c.equal(Object.keys(q).join(','), 'call', 'query');
      if (!f.check('GET /recordings', req, c, res, q)) return;
      if (f.recordingsDown) return send(res, 503, { error: 'storage unavailable' });
      const rec = f.recordings.get(q.call!);
      if (!rec) return send(res, 404, { error: 'no such recording' });
      res.writeHead(200, { 'content-type': rec.contentType, 'content-length': rec.bytes.length });
      res.end(rec.bytes);
    });
    return f;
  }

  private check(route: string, req: SeenRequest, c: Check, res: Parameters<typeof send>[0], body: unknown): boolean {
    if (!c.ok) {
      this.violations.push(...c.problems.map((p) => `${route}: ${p}`));
      send(res, 400, { errors: c.problems });
      return false;
    }
    this.accepted.push({
      method: req.method,
      path: pathOf(req),
      query: queryOf(req),
      headers: req.headers,
      body,
      raw: rawOf(req),
    });
    return true;
  }
}
