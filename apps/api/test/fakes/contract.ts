import type http from 'node:http';
import { LoopbackServer, type SeenRequest } from '../../../../libs/engine/test/loopback';

export { LoopbackServer, type SeenRequest };

/**
 * A query string as a client writes it from name/value pairs (RFC 3986 percent-encoding: a space
 * is %20, never '+'; the http node's query table writes it so).
 */
export function queryString(pairs: [string, string][]): string {
  return pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');
}

/** A request a fake accepted, as it understood it, and as it arrived (`raw`, byte for byte). */
export interface Accepted<T = Record<string, unknown>> {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: T;
  raw: RawRequest;
}

/** A request as it came over the wire: the request target, header names and values as sent, the body text. */
export interface RawRequest {
  method: string;
  /** Path and query exactly as sent (percent-encoding included). */
  target: string;
  /** [name, value] pairs in the order and spelling they were sent. */
  headers: [string, string][];
  body: string;
}

export function rawOf(req: SeenRequest): RawRequest {
  const headers: [string, string][] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  return { method: req.method, target: req.url, headers, body: req.body };
}

/** Headers every HTTP/1.1 client sends that say nothing about the contract. */
const TRANSPORT_HEADERS = new Set(['host', 'connection', 'content-length']);

/**
 * A contract check inside a fake: collects what is wrong with a request; a fake answers 400 with
 * the list (so a flow that breaks the contract fails its node) and keeps them in `violations`.
 */
export class Check {
  readonly problems: string[] = [];
  that(ok: boolean, problem: string): this {
    if (!ok) this.problems.push(problem);
    return this;
  }
  equal(actual: unknown, expected: unknown, what: string): this {
    return this.that(
      actual === expected,
      `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
    );
  }
  get ok(): boolean {
    return this.problems.length === 0;
  }

  /**
   * The headers, as sent: exactly `expected` (names compared case-insensitively, values exactly or
   * by pattern) plus transport headers (host, connection, a content-length equal to the body's
   * UTF-8 bytes); any other header (a credential the request should not carry, say) is refused.
   */
  headers(req: SeenRequest, expected: Record<string, string | RegExp>): this {
    const want = new Map(Object.entries(expected).map(([k, v]) => [k.toLowerCase(), v]));
    const seen = new Set<string>();
    for (const [name, value] of rawOf(req).headers) {
      const key = name.toLowerCase();
      if (seen.has(key)) this.that(false, `header ${name} sent twice`);
      seen.add(key);
      if (key === 'content-length') this.equal(value, String(Buffer.byteLength(req.body, 'utf8')), 'content-length');
      if (TRANSPORT_HEADERS.has(key)) continue;
      const w = want.get(key);
      if (w === undefined) this.that(false, `unexpected header ${name}: ${value.slice(0, 80)}`);
      else if (typeof w === 'string') this.equal(value, w, `header ${name}`);
      else this.that(w.test(value), `header ${name}: ${JSON.stringify(value)} does not match ${w}`);
    }
    for (const key of want.keys()) this.that(seen.has(key), `header ${key} missing`);
    return this;
  }

  /** The raw query string is exactly `expected` (after the `?`; '' = none). */
  rawQuery(req: SeenRequest, expected: string): this {
    const i = req.url.indexOf('?');
    return this.equal(i < 0 ? '' : req.url.slice(i + 1), expected, 'query string');
  }

  /**
   * A form body (application/x-www-form-urlencoded): these fields in this order, and encoded the
   * way a form encoder writes them (re-encoding the parsed body gives the same bytes).
   */
  formFields(body: string, names: string[]): URLSearchParams {
    const form = new URLSearchParams(body);
    this.equal([...form.keys()].join(','), names.join(','), 'form fields (in order)');
    this.equal(form.toString(), body, 'form encoding');
    return form;
  }

  /** A JSON object body whose top-level members are `keys`, in this order. */
  jsonMembers(body: string, keys: string[], what = 'JSON body'): any {
    const parsed = parseJson(body, this, what);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      this.that(parsed === undefined, `${what} must be a JSON object`);
      return undefined;
    }
    this.equal(Object.keys(parsed).join(','), keys.join(','), `${what} members (in order)`);
    return parsed;
  }
}

export function queryOf(req: SeenRequest): Record<string, string> {
  return Object.fromEntries(new URL(req.url, 'http://x').searchParams);
}

export function pathOf(req: SeenRequest): string {
  return new URL(req.url, 'http://x').pathname;
}

export function parseJson(text: string, check: Check, what: string): any {
  try {
    return JSON.parse(text);
  } catch {
    check.that(false, `${what} is not JSON: ${text.slice(0, 200)}`);
    return undefined;
  }
}

export function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** What a fake's route handler returns: the body as it understood it, and its answer (a string is sent as is). */
export type Handle = (req: SeenRequest, check: Check) => HandleResult;
export interface HandleResult {
  body: unknown;
  status?: number;
  answer: unknown;
  headers?: Record<string, string>;
}

/** A loopback server whose handlers check requests; records what was accepted and what was wrong. */
export class ContractFake {
  readonly accepted: Accepted<any>[] = [];
  readonly violations: string[] = [];
  protected constructor(readonly server: LoopbackServer) {}

  get base(): string {
    return this.server.base;
  }

  get hostPort(): string {
    return `127.0.0.1:${this.server.port}`;
  }

  /** Registers `route`; `handle` checks the request, returning the parsed body and the answer. */
  protected route(route: string, handle: Handle): void {
    this.server.on(route, (req, res) => this.serve(route, req, res, handle));
  }

  /**
   * Runs `handle` on `req`: a request breaking the contract gets 400 {errors} and its problems go
   * to `violations`; an accepted one is recorded under `path` (default: the request's path) with
   * its raw form. For fakes that route by hand (a token in the path, say).
   */
  protected serve(route: string, req: SeenRequest, res: http.ServerResponse, handle: Handle, path = pathOf(req)): void {
    const check = new Check();
    const out = handle(req, check);
    if (!check.ok) {
      this.violations.push(...check.problems.map((p) => `${route}: ${p}`));
      return send(res, 400, { success: false, errors: check.problems });
    }
    const { method, headers } = req;
    this.accepted.push({ method, path, query: queryOf(req), headers, body: out.body, raw: rawOf(req) });
    if (out.headers || typeof out.answer === 'string') {
      res.writeHead(out.status ?? 200, { 'content-type': 'application/json', ...out.headers });
      return void res.end(typeof out.answer === 'string' ? out.answer : JSON.stringify(out.answer));
    }
    send(res, out.status ?? 200, out.answer);
  }

  acceptedAt(path: string): Accepted<any>[] {
    return this.accepted.filter((a) => a.path === path);
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
