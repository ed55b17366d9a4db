/**
 * The suites that kill and restart processes of the real stack (worker, API, Temporal, the mail
 * path, `npm start` itself, several instances): about eight minutes together, so `npm test`
 * (jest.config.js) leaves them to `npm run test:resilience` (jest.resilience.config.js); CI runs both.
 */
module.exports = ['api-crash', 'instances', 'mail-crash', 'start-stop', 'temporal-restart', 'worker-crash'];
