// ESLint (flat config) with typescript-eslint's type-aware rules, as the Temporal samples use.
const tseslint = require('typescript-eslint');

/**
 * Workflow code is deterministic: at run time it imports only these (anything as a type):
 * @temporalio/workflow, @temporalio/common, zod, pure domain/ code and other workflows/ files.
 */
const WORKFLOW_IMPORTS_ALLOWED = /^(?!(@temporalio\/workflow|@temporalio\/common|zod)$|\.\/|\.\.\/domain\/)/;

module.exports = tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'generated/**',
      '.tools/**',
      'data/**',
      'dist/**',
      'bench/results/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    // Directives for rules this config does not enable (no-console, no-var…) document intent; not reported.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Node built-ins, Prisma, nodemailer, Express, pg and any other package; the activities'
              // implementations, lib/, api/, web/ and worker/: all I/O.
              regex: WORKFLOW_IMPORTS_ALLOWED.source,
              allowTypeImports: true,
              message:
                'Workflow code may import only @temporalio/workflow, @temporalio/common, zod, pure domain/ code and other workflows/ files at run time (use `import type` for anything else).',
            },
          ],
        },
      ],
    },
  },
);
