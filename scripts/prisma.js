#!/usr/bin/env node
// Runs the Prisma CLI with the project defaults: DATABASE_URL under ./data, data/ created
// (the better-sqlite3 adapter cannot create a missing folder), telemetry off (no network here).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const env = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
env.DATABASE_URL = env.DATABASE_URL || 'file:./data/app.db';
const file = env.DATABASE_URL.replace(/^file:/, '');
if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });

const cli = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
