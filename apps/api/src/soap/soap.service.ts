import { Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { EngineError, FlowEngine } from '@callflow/engine';

/** Loads a WSDL through the engine (outbound guard, cache) and describes it for the editor's forms. */
@Injectable()
export class SoapDescribeService {
  constructor(@Inject(FlowEngine) private readonly engine: FlowEngine) {}

  async describe(wsdlUrl: string) {
    try {
      return await this.engine.services.soap.describe(wsdlUrl, { timeoutMs: 10_000 });
    } catch (err) {
      // A WSDL that cannot be loaded is the caller's input problem, not a server failure.
      if (err instanceof EngineError) throw new UnprocessableEntityException({ message: `the WSDL could not be loaded: ${err.message}`, details: { code: err.code } });
      throw err;
    }
  }
}
