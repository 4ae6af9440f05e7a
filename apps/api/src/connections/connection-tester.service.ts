import { Inject, Injectable } from '@nestjs/common';
import { FlowEngine, toEngineError } from '@callflow/engine';
import { ConnectionsResolverFactory } from './connections-resolver.factory';
import { ConnectionsService } from './connections.service';

import type { ConnectionTestResult } from '@callflow/flow';

const TEST_TIMEOUT_MS = 15_000;

/**
 * POST /connections/:id/test: token connections fetch a fresh token (answering when it expires,
 * never the token); a connection with a `wsdlUrl` field loads that WSDL. Failures are 200s with
 * `{ok: false, error}` whose message has the connection's secrets scrubbed.
 */
@Injectable()
export class ConnectionTesterService {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly resolvers: ConnectionsResolverFactory,
    @Inject(FlowEngine) private readonly engine: FlowEngine,
  ) {}

  async test(tenantId: string, id: string): Promise<ConnectionTestResult> {
    const row = await this.connections.row(tenantId, id);
    let secrets: string[] = [];
    try {
      const hit = await this.resolvers.load(tenantId, row.id);
      if (!hit) return { ok: false, error: { code: 'CONNECTION_NOT_FOUND', message: 'connection not found' } };
      secrets = Object.values(hit.spec.secrets);
      const tokens = this.resolvers.tokensOf(hit);
      if (tokens) {
        const t = await tokens.refresh(AbortSignal.timeout(TEST_TIMEOUT_MS));
        return { ok: true, expiresAt: t.expiresAt ? new Date(t.expiresAt).toISOString() : null };
      }
      const wsdlUrl = hit.spec.fields.wsdlUrl;
      if (typeof wsdlUrl === 'string' && wsdlUrl) {
        // As a SOAP node would load it: with the connection's credentials, on an allowed origin only.
        const connection = await this.resolvers.resolve(tenantId, row.id);
        const authorize = connection?.authorize?.bind(connection);
        const d = await this.engine.services.soap.describe(wsdlUrl, { timeoutMs: TEST_TIMEOUT_MS, authorize });
        const operations = d.services.reduce((n, s) => n + s.ports.reduce((m, p) => m + p.operations.length, 0), 0);
        return { ok: true, operations };
      }
      const message =
        'Saved. This connection type has nothing to call, so there is nothing to test: ' +
        'its credentials are first used when a node calls a service with them.';
      return { ok: true, checked: false, message };
    } catch (err) {
      const e = toEngineError(err);
      let message = e.code === 'INTERNAL' ? 'the test failed unexpectedly' : e.message;
      for (const s of secrets) if (s && s.length >= 3) message = message.split(s).join('[redacted]');
      return { ok: false, error: { code: e.code, message } };
    }
  }
}
