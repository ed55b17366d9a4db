import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const temporal = globalThis.__testTemporal;
  globalThis.__testTemporal = undefined;
  await temporal?.stop();
  const pg = globalThis.__testPostgres;
  globalThis.__testPostgres = undefined;
  await pg?.remove();
  if (globalThis.__testRunDir) fs.rmSync(globalThis.__testRunDir, { recursive: true, force: true });
}
