import { BadRequestException, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { EngineError, FlowEngine } from '@callflow/engine';
import { soapClientOptionsSchema, type SoapClientOptions } from '@callflow/flow';
import { ConnectionsResolverFactory } from '../connections/connections-resolver.factory';
import type { DescribeWsdlDto } from './dto/describe-wsdl.dto';

/** Loads a WSDL through the engine (outbound guard, cache) and describes it for the editor's forms. */
@Injectable()
export class WsdlDescribeService {
  constructor(
    @Inject(FlowEngine) private readonly engine: FlowEngine,
    private readonly connections: ConnectionsResolverFactory,
  ) {}

  async describe(tenantId: string, dto: DescribeWsdlDto) {
    const clientOptions = parseClientOptions(dto.clientOptions);
    try {
      // The tenant's own connection only, as a run of the node would use it.
      const connection = dto.connectionId ? await this.connections.resolve(tenantId, dto.connectionId) : undefined;
      if (dto.connectionId && !connection)
        throw new EngineError('CONNECTION_NOT_FOUND', `connection "${dto.connectionId}" does not exist`);
      const authorize = connection?.authorize?.bind(connection);
      return await this.engine.services.soap.describe(dto.wsdlUrl, { timeoutMs: 10_000, authorize, clientOptions });
    } catch (err) {
      // A WSDL that cannot be loaded is the caller's input problem, not a server failure.
      if (err instanceof EngineError)
        throw new UnprocessableEntityException({
          message: `the WSDL could not be loaded: ${err.message}`,
          details: { code: err.code },
        });
      throw err;
    }
  }
}

/** clientOptions through the soap node's own schema: a 400 with every problem (a flow with them would not validate). */
function parseClientOptions(raw: Record<string, unknown> | undefined): SoapClientOptions | undefined {
  if (raw === undefined) return undefined;
  const r = soapClientOptionsSchema.safeParse(raw);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => `${['clientOptions', ...i.path].join('.')}: ${i.message}`);
  throw new BadRequestException({ message: details[0] ?? 'invalid clientOptions', details });
}
