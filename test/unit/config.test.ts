import { mapClaims } from '../../api/auth';
import { authModes, ConfigError, loadConfig } from '../../lib/config';
import { findTemporalCli, requireTemporalCli, TEMPORAL_CLI_MISSING } from '../../lib/temporal-cli';

describe('configuration', () => {
  test('defaults need no variable at all', () => {
    const cfg = loadConfig({});
    expect(cfg).toMatchObject({
      PORT: 3000,
      DATA_DIR: './data',
      EMBEDDED_PG_PORT: 5433,
      AUTH_MODE: 'dev',
      TEMPORAL_NAMESPACE: 'default',
      WORKER_MAX_CACHED_WORKFLOWS: 100,
      // Evicted workflows are collected before the worker's heaps grow far past their live size (bench:worker-memory).
      WORKER_HEAP_GROWING_PERCENT: 50,
    });
    expect(loadConfig({ WORKER_HEAP_GROWING_PERCENT: '0' }).WORKER_HEAP_GROWING_PERCENT).toBe(0);
    // No DATABASE_URL: the embedded PostgreSQL server under DATA_DIR.
    expect(cfg.DATABASE_URL).toBeUndefined();
    expect(
      loadConfig({ DATABASE_URL: 'postgresql://app:secret@db.example.org:5432/rus_undp?sslmode=verify-full' })
        .DATABASE_URL,
    ).toMatch(/^postgresql:/);
  });

  test('a bad value stops start-up naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'file:./data/app.db' })).toThrow(/DATABASE_URL: must be a PostgreSQL URL/);
    expect(() => loadConfig({ EMBEDDED_PG_PORT: '70000' })).toThrow(/EMBEDDED_PG_PORT/);
    expect(() => loadConfig({ WORKER_HEAP_GROWING_PERCENT: '-5' })).toThrow(/WORKER_HEAP_GROWING_PERCENT/);
    expect(() => loadConfig({ AUTH_MODE: 'oidc' })).toThrow(/OIDC_ISSUER/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_MODE/);
  });
});

describe('AUTH_MODE', () => {
  const OIDC = {
    OIDC_ISSUER: 'https://login.example.org/realms/undp',
    OIDC_AUDIENCE: 'rus-undp',
    OIDC_JWKS_URL: 'https://login.example.org/jwks',
  };
  test('is a comma-separated list, normalised; dev is the default', () => {
    expect(authModes(loadConfig({}))).toEqual(['dev']);
    expect(authModes(loadConfig({ AUTH_MODE: ' email , OIDC,email', ...OIDC }))).toEqual(['oidc', 'email']);
    expect(loadConfig({ AUTH_MODE: 'email,oidc', ...OIDC }).AUTH_MODE).toBe('oidc,email');
    expect(() => loadConfig({ AUTH_MODE: 'oidc,saml', ...OIDC })).toThrow(/AUTH_MODE: .*unknown: saml/);
    expect(() => loadConfig({ AUTH_MODE: ',' })).toThrow(/AUTH_MODE/);
    expect(() => loadConfig({ AUTH_MODE: 'email,oidc' })).toThrow(/OIDC_ISSUER/);
  });

  test('dev is refused with any other mode, and alone, in production-like settings; allowed locally', () => {
    expect(authModes(loadConfig({ AUTH_MODE: 'dev,email' }))).toEqual(['dev', 'email']);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'dev,oidc', ...OIDC })).toThrow(
      /AUTH_MODE: dev sign-in cannot be combined with oidc when NODE_ENV=production/,
    );
    expect(() => loadConfig({ AUTH_MODE: 'dev,email', PUBLIC_BASE_URL: 'https://rus-undp.example.org' })).toThrow(
      /cannot be combined with email when PUBLIC_BASE_URL is https/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'dev' })).toThrow(/dev tokens are not allowed/);
    expect(authModes(loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'oidc,email', ...OIDC }))).toEqual([
      'oidc',
      'email',
    ]);
  });
});

describe('OIDC_ROLE_MAPPING', () => {
  test('only staff roles, a country for co_approvers, valid JSON', () => {
    const ok = loadConfig({
      OIDC_ROLE_MAPPING: '[{"match":"group","value":"RCF-CO-KG","role":"co_approver","countryCode":"KG"}]',
    });
    expect(ok.OIDC_ROLE_MAPPING).toEqual([
      { match: 'group', value: 'rcf-co-kg', role: 'co_approver', countryCode: 'KG' },
    ]);
    expect(() =>
      loadConfig({ OIDC_ROLE_MAPPING: '[{"match":"email_domain","value":"x.org","role":"applicant"}]' }),
    ).toThrow(/OIDC_ROLE_MAPPING: 0.role: is not a role a first sign-in may create/);
    expect(() => loadConfig({ OIDC_ROLE_MAPPING: '[{"match":"group","value":"g","role":"co_approver"}]' })).toThrow(
      /names its countryCode/,
    );
    expect(() => loadConfig({ OIDC_ROLE_MAPPING: '{not json' })).toThrow(/OIDC_ROLE_MAPPING: must be a JSON list/);
  });

  test('the first rule the claims meet wins', () => {
    const rules = loadConfig({
      OIDC_ROLE_MAPPING: JSON.stringify([
        { match: 'email', value: 'Boss@UNDP.org', role: 'admin' },
        { match: 'email_domain', value: 'undp.org', role: 'reviewer' },
        { match: 'group', value: 'fm', role: 'fund_manager' },
      ]),
    }).OIDC_ROLE_MAPPING;
    expect(mapClaims(rules, {}, 'boss@undp.org', 'groups')?.role).toBe('admin');
    expect(mapClaims(rules, { groups: ['FM'] }, 'someone@undp.org', 'groups')?.role).toBe('reviewer');
    expect(mapClaims(rules, { roles: 'staff fm' }, 'someone@other.org', 'roles')?.role).toBe('fund_manager');
    expect(mapClaims(rules, { groups: ['staff'] }, 'someone@undp.org.evil.example', 'groups')).toBeUndefined();
  });
});

describe('Temporal CLI resolution', () => {
  test('TEMPORAL_CLI_PATH first; a missing binary is an error with one clear sentence', () => {
    expect(findTemporalCli({ TEMPORAL_CLI_PATH: '/nonexistent/temporal', PATH: '' })).toBeUndefined();
    expect(() => requireTemporalCli({ TEMPORAL_CLI_PATH: '/nonexistent/temporal', PATH: '' })).toThrow(
      TEMPORAL_CLI_MISSING,
    );
    expect(TEMPORAL_CLI_MISSING).toMatch(/npm install/);
  });

  test('the project-local install is found without any variable', () => {
    expect(findTemporalCli({ PATH: '' })).toMatch(/\.tools\/temporal\/bin\/temporal$/);
  });
});
