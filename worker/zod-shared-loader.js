/**
 * Webpack loader for zod's core, applied only to the workflow bundle. The worker shares zod between
 * the workflows of its V8 context (workflows/preload.ts), and the SDK deep-freezes what it shares,
 * among it zod's built-in format patterns (email, date, …). zod resets `pattern.lastIndex = 0` before
 * each test, which a frozen RegExp refuses. Resetting only when it is not 0 already is the same
 * behaviour (a frozen pattern's lastIndex is always 0; the others are reset as before) without the write.
 * Fails the bundle when a zod file named here no longer holds such a reset, so an upgrade that moves
 * the code is noticed at bundling, not in a running workflow.
 */
const RESET = /([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\.lastIndex = 0;/g;

module.exports = function zodSharedLoader(source) {
  const out = source.replace(RESET, (_, target) => `${target}.lastIndex !== 0 && (${target}.lastIndex = 0);`);
  if (out === source)
    throw new Error(`zod-shared-loader: no pattern reset found in ${this.resourcePath} (zod changed)`);
  return out;
};
