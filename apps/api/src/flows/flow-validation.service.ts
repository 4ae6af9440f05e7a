import { Injectable } from '@nestjs/common';
import type { Permission } from '../access/permissions';
import type { UserPrincipal } from '../access/principal';
import { ConnectionUseCheck } from '../connections/connection-use-check.service';
import type { FlowValidation } from '@callflow/flow';
import { validation } from './flow-view';

const CONNECTION_CHECK_READERS: readonly Permission[] = ['connections.read', 'flows.run', 'flows.publish'];

/** Validation of drafts (never cached: a draft changes between calls). */
@Injectable()
export class FlowValidationService {
  constructor(private readonly origins: ConnectionUseCheck) {}

  /**
   * The validator's verdict plus what the tenant's connections cannot serve (ConnectionUseCheck), as
   * errors. Those name a connection's origins and secrets, so only callers who could read them
   * anyway (connections.read, or a test run or publish, which answer the same) get them.
   */
  async validate(caller: UserPrincipal, definition: unknown): Promise<FlowValidation> {
    const v = validation(definition);
    if (!CONNECTION_CHECK_READERS.some((p) => caller.permissions.has(p))) return v;
    const misdirected = await this.origins.issues(caller.tenantId, definition);
    if (misdirected.length === 0) return v;
    return { valid: false, errors: [...v.errors, ...misdirected], warnings: v.warnings };
  }
}
