import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { createPool } from './lib/pg';

// Offline-safe: the JS engine + driver adapter means the CLI never downloads a schema engine.
// Run the CLI through `npm run db:deploy` / scripts/prisma.ts, which sets DATABASE_URL (the
// embedded server's when unset). The pool reports the catalog type `name` as text (lib/pg.ts),
// without which `migrate deploy` fails (prisma/prisma#27403).
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  // A folder: every .prisma file in it (multi-file schema).
  schema: path.join('prisma', 'schema'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url)
      throw new Error(
        'DATABASE_URL is not set: run the Prisma CLI through `node --import tsx scripts/prisma.ts` (npm run db:deploy)',
      );
    return new PrismaPg(createPool(url, { max: 2, applicationName: 'prisma-cli' }));
  },
});
