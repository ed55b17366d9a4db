export default async function globalTeardown(): Promise<void> {
  const pg = globalThis.__testPostgres;
  globalThis.__testPostgres = undefined;
  await pg?.remove();
}
