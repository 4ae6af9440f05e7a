/**
 * `npm run test:fuzz`: the long fuzz runs (apps/api/test/fuzz/*.fuzz-spec.ts) against the API
 * project's embedded PostgreSQL (same transform and global setup as the root config).
 */
const path = require('node:path');
const root = require('../../../../jest.config.js');
const api = root.projects.find((p) => p.displayName === 'api');
module.exports = {
  ...api,
  rootDir: path.resolve(__dirname, '../../../..'),
  displayName: 'fuzz',
  testMatch: ['<rootDir>/apps/api/test/fuzz/*.fuzz-spec.ts'],
  testTimeout: 15 * 60_000,
};
