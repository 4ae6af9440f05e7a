/** The outbound guard and client: every outbound request of the engine goes through these. */
export { OutboundGuard, blockedError } from './outbound-guard';
export type { Refusal, ResolvedAddress, Resolver } from './outbound-guard';
export { OutboundClient } from './outbound-client';
export type { OutboundClientOptions } from './outbound-client';
export type { OutboundPolicy, OutboundRequest, OutboundResponse } from './outbound.types';
