/** The workflow bundle's entry. Its own module, so the bundling child process loads neither activities nor Prisma. */
export const WORKFLOWS_PATH = require.resolve('../workflows');
