import type http from 'node:http';
import { LoopbackServer, type SeenRequest } from '../../../../libs/engine/test/loopback';

export { LoopbackServer, type SeenRequest };

/** A request a fake accepted, as it understood it. */
export interface Accepted<T = Record<string, unknown>> {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: T;
}

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
    return this.that(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
  get ok(): boolean {
    return this.problems.length === 0;
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
  protected route(route: string, handle: (req: SeenRequest, check: Check) => { body: unknown; status?: number; answer: unknown }): void {
    this.server.on(route, (req, res) => {
      const check = new Check();
      const out = handle(req, check);
      if (!check.ok) {
        this.violations.push(...check.problems.map((p) => `${route}: ${p}`));
        return send(res, 400, { success: false, errors: check.problems });
      }
      this.accepted.push({ method: req.method, path: pathOf(req), query: queryOf(req), headers: req.headers, body: out.body });
      send(res, out.status ?? 200, out.answer);
    });
  }

  acceptedAt(path: string): Accepted<any>[] {
    return this.accepted.filter((a) => a.path === path);
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
