/**
 * The suites that kill and restart processes of the real stack (worker, API, Temporal, the mail
 * path, `npm start` itself, several instances): about eight minutes together, so they run as
 * `npm run test:resilience` (jest.resilience.config.js), beside `npm test` in CI (.ci/run).
 */
const RESILIENCE_SUITES = ['api-crash', 'instances', 'mail-crash', 'start-stop', 'temporal-restart', 'worker-crash'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', `/test/resilience/(${RESILIENCE_SUITES.join('|')})\\.test\\.ts$`],
  testTimeout: 120_000,
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
};
module.exports.RESILIENCE_SUITES = RESILIENCE_SUITES;
