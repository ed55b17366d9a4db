/** `npm run test:resilience`: the suites `npm test` leaves out (jest.config.js), with the same setup. */
const base = require('./jest.config');
const RESILIENCE_SUITES = require('./test/resilience-suites');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: RESILIENCE_SUITES.map((name) => `<rootDir>/test/resilience/${name}.test.ts`),
  testPathIgnorePatterns: ['/node_modules/'],
};
