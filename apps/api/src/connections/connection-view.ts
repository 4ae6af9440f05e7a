import type { ConnectionDetail } from '@callflow/flow';
import type { ConnectionSpec, ConnectionType } from '@callflow/engine';
import type { ConnectionEntity } from './connection.entity';
import { secretAad, type SecretBox } from '../platform/secrets/secret-box';

/** A connection as the API shows it: settings and fields, and only the names of the secrets set. */
export type ConnectionView = ConnectionDetail<Date>;

export function toView(row: ConnectionEntity): ConnectionView {
  return {
    ...row.config,
    id: row.id,
    name: row.name,
    type: row.type as ConnectionView['type'],
    description: row.description,
    fields: row.fields,
    allowedOrigins: row.allowedOrigins ?? [],
    secretsSet: Object.keys(row.secrets).sort(),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The engine's view of a row: secrets opened, api_key's `paramName` as the engine's `name`. */
export function toSpec(row: ConnectionEntity, box: SecretBox): ConnectionSpec {
  const secrets: Record<string, string> = {};
  for (const [name, sealed] of Object.entries(row.secrets)) secrets[name] = box.open(sealed, secretAad(row.id, name));
  let config: Record<string, unknown> = row.config;
  if (row.type === 'api_key') {
    const { paramName, ...rest } = config;
    config = { ...rest, name: paramName };
  }
  return {
    id: row.id,
    type: row.type as ConnectionType,
    config,
    fields: row.fields,
    secrets,
    allowedOrigins: row.allowedOrigins ?? [],
  } as unknown as ConnectionSpec;
}
