import { ConfigError, loadConfig } from '../../lib/config';
import { findTemporalCli, requireTemporalCli, TEMPORAL_CLI_MISSING } from '../../lib/temporal-cli';

describe('configuration', () => {
  test('defaults need no variable at all', () => {
    const cfg = loadConfig({});
    expect(cfg).toMatchObject({ PORT: 3000, DATA_DIR: './data', EMBEDDED_PG_PORT: 5433, AUTH_MODE: 'dev', TEMPORAL_NAMESPACE: 'default' });
    // No DATABASE_URL: the embedded PostgreSQL server under DATA_DIR.
    expect(cfg.DATABASE_URL).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgresql://app:secret@db.example.org:5432/rus_undp?sslmode=verify-full' }).DATABASE_URL).toMatch(/^postgresql:/);
  });

  test('a bad value stops start-up naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'file:./data/app.db' })).toThrow(/DATABASE_URL: must be a PostgreSQL URL/);
    expect(() => loadConfig({ EMBEDDED_PG_PORT: '70000' })).toThrow(/EMBEDDED_PG_PORT/);
    expect(() => loadConfig({ AUTH_MODE: 'oidc' })).toThrow(/OIDC_ISSUER/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_MODE/);
  });
});

describe('Temporal CLI resolution', () => {
  test('TEMPORAL_CLI_PATH first; a missing binary is an error with one clear sentence', () => {
    expect(findTemporalCli({ TEMPORAL_CLI_PATH: '/nonexistent/temporal', PATH: '' })).toBeUndefined();
    expect(() => requireTemporalCli({ TEMPORAL_CLI_PATH: '/nonexistent/temporal', PATH: '' })).toThrow(TEMPORAL_CLI_MISSING);
    expect(TEMPORAL_CLI_MISSING).toMatch(/npm install/);
  });

  test('the project-local install is found without any variable', () => {
    expect(findTemporalCli({ PATH: '' })).toMatch(/\.tools\/temporal\/bin\/temporal$/);
  });
});
