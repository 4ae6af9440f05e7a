/** Shapes of the access-control and connection endpoints: one definition, in libs/flow/src/api/access.ts. */
export type {
  ApiKey,
  AuditEntry,
  ConnectionDetail,
  ConnectionTestResult,
  ConnectionType,
  ManagedUser,
  Me,
  PermissionInfo,
  Role,
} from '@callflow/flow';
