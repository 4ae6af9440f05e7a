export * from './connection-spec';
export * from './token-source';
export { createTokenSource, resolveConnection, usesToken } from './resolve-connection';
export { scrubSecrets } from './scrub';
export { normalizeOrigin, originOfUrl, OriginGate, OriginSyntaxError } from './origin-policy';
