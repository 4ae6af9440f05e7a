import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Connections list the origins their credentials may go to (issue 16 §5). Existing rows get the
 * origins of their own URLs: every field that is an absolute http(s) URL (baseUrl, wsdlUrl…),
 * an oauth2 `tokenUrl`, and a token_endpoint's request URL with its `{{connection.x}}` tokens
 * filled from the fields. A row with none of those gets `[]`: its credentials are refused
 * (CONNECTION_ORIGIN_NOT_ALLOWED, naming the origin to add) until an admin lists its origins.
 * Self-contained on purpose: the derivation is frozen as it was when this ran.
 */
export class ConnectionAllowedOrigins1763785000000 implements MigrationInterface {
  name = 'ConnectionAllowedOrigins1763785000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections ADD COLUMN allowed_origins jsonb NOT NULL DEFAULT '[]'`);
    type Row = { id: string; config: Record<string, unknown>; fields: Record<string, unknown> };
    const rows: Row[] = await q.query(`SELECT id, config, fields FROM connections`);
    for (const row of rows) {
      const origins = derive(row.config ?? {}, row.fields ?? {});
      if (origins.length === 0) continue;
      await q.query(`UPDATE connections SET allowed_origins = $2 WHERE id = $1`, [row.id, JSON.stringify(origins)]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections DROP COLUMN IF EXISTS allowed_origins`);
  }
}

function originOf(text: unknown): string | undefined {
  if (typeof text !== 'string' || !/^https?:\/\//i.test(text.trim())) return undefined;
  try {
    const url = new URL(text.trim());
    return url.hostname ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

function derive(config: Record<string, unknown>, fields: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const add = (v: unknown) => {
    const o = originOf(v);
    if (o) found.add(o);
  };
  for (const v of Object.values(fields)) add(v);
  add(config.tokenUrl);
  const request = config.request as { url?: unknown } | undefined;
  if (typeof request?.url === 'string') {
    const token = /\{\{\{?\s*connection\.([A-Za-z_][A-Za-z0-9_]*)\s*\}?\}\}/g;
    const filled = request.url.replace(token, (_m, name: string) => {
      const v = fields[name];
      return typeof v === 'string' || typeof v === 'number' ? String(v) : '{{';
    });
    if (!filled.includes('{{')) add(filled);
  }
  return [...found].sort();
}
