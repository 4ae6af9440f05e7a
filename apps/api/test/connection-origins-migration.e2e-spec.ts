import * as migration from '../src/database/migrations/1763785000000-connection-allowed-origins';
import { scratchDatabase } from './db-url';

describe('connection allowed-origins migration (issue 16 §5: the upgrade path)', () => {
  const db = scratchDatabase();
  beforeAll(() => db.create());
  afterAll(() => db.drop());

  it('gives existing connections their URLs’ origins, [] (refused until set) if they have none; reverts', async () => {
    const before = await db.migrated(migration.ConnectionAllowedOrigins1763785000000, 'before');
    const [{ id: tenant }] = await before.query(`INSERT INTO tenants (name) VALUES ('old') RETURNING id`);
    const insert = (name: string, type: string, config: object, fields: object) =>
      before.query(
        `INSERT INTO connections (tenant_id, name, type, config, fields, secrets, key_id) ` +
          `VALUES ($1, $2, $3, $4, $5, '{}', 'k')`,
        [tenant, name, type, JSON.stringify(config), JSON.stringify(fields)],
      );
    await insert(
      'fields',
      'basic',
      { username: 'u' },
      {
        baseUrl: 'https://CRM.example.com/api/v1',
        wsdlUrl: 'http://soap.example.com:8080/x?wsdl',
        account: 'acme',
        n: 3,
      },
    );
    await insert(
      'oauth',
      'oauth2_client_credentials',
      { tokenUrl: 'https://auth.example.com/oauth/token', clientId: 'c' },
      {},
    );
    await insert(
      'gcalls',
      'token_endpoint',
      {
        request: { method: 'POST', url: 'https://{{{connection.host}}}/api/auth' },
        tokenPath: 'access_token',
        apply: { in: 'header', name: 'Authorization' },
      },
      { host: 'app.gcalls.co' },
    );
    await insert(
      'templated',
      'token_endpoint',
      {
        request: { method: 'POST', url: '{{{connection.scheme}}}://x/auth' },
        tokenPath: 't',
        apply: { in: 'header', name: 'X' },
      },
      {},
    );
    await insert('bare', 'bearer', {}, { host: 'crm.example.com' });
    await before.destroy();

    const ds = await db.migrated(migration.ConnectionAllowedOrigins1763785000000, 'through');
    const rows: { name: string; allowed_origins: string[] }[] = await ds.query(
      `SELECT name, allowed_origins FROM connections ORDER BY name`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.name, r.allowed_origins]))).toEqual({
      bare: [],
      fields: ['http://soap.example.com:8080', 'https://crm.example.com'],
      gcalls: ['https://app.gcalls.co'],
      oauth: ['https://auth.example.com'],
      templated: [],
    });
    await ds.undoLastMigration();
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM information_schema.columns ` +
        `WHERE table_name = 'connections' AND column_name = 'allowed_origins'`,
    );
    expect(n).toBe(0);
    await ds.destroy();
  });
});
