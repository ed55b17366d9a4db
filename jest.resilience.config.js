/** `npm run test:resilience`: the suites `npm test` leaves out (jest.config.js), with the same setup. */
const { RESILIENCE_SUITES, ...base } = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: RESILIENCE_SUITES.map((name) => `<rootDir>/test/resilience/${name}.test.ts`),
  testPathIgnorePatterns: ['/node_modules/'],
};
