/**
 * Root Jest config. Unit tests (*.spec.ts) sit beside the code; API tests (apps/api/test/*.e2e-spec.ts)
 * share one embedded PostgreSQL started by the global setup, one database per test file.
 * SWC compiles (type checking is `npm run typecheck`).
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
      target: 'es2022',
    },
  },
];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': swc },
  moduleNameMapper: {
    '^@callflow/flow$': '<rootDir>/libs/flow/src/index.ts',
    '^@callflow/engine$': '<rootDir>/libs/engine/src/index.ts',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  rootDir: __dirname,
};
module.exports = {
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/apps/api/src/**/*.spec.ts',
        '<rootDir>/apps/editor/test/**/*.spec.ts',
      ],
    },
    {
      ...common,
      displayName: 'api',
      // The editor's browser tests run here: they need the API and this project's database.
      testMatch: ['<rootDir>/apps/api/test/**/*.e2e-spec.ts', '<rootDir>/apps/editor/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/apps/api/test/global-setup.ts',
      globalTeardown: '<rootDir>/apps/api/test/global-teardown.ts',
    },
  ],
};
