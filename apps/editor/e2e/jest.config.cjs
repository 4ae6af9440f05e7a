/**
 * Runs the editor's browser tests alone: `npx jest -c apps/editor/e2e/jest.config.cjs`.
 * They use the API test harness (one embedded PostgreSQL from the api global setup), so in the
 * root config they belong to the `api` project: add '<rootDir>/apps/editor/e2e/**\/*.e2e-spec.ts'
 * to its testMatch rather than a second project (a second global setup would restart that
 * PostgreSQL under the first one).
 */
const path = require('node:path');
const root = require('../../../jest.config.js');
const api = root.projects.find((p) => p.displayName === 'api');

module.exports = {
  ...api,
  rootDir: path.resolve(__dirname, '../../..'),
  displayName: 'editor',
  testMatch: ['<rootDir>/apps/editor/e2e/**/*.e2e-spec.ts'],
  testTimeout: 60000,
};
