import { DEMO_USERS } from '../../domain/demo';
import { loadConfig } from '../../lib/config';
import { startBanner } from '../../lib/start-banner';

/** The banner of `npm start` describes the auth mode that runs (npm start itself: test/resilience/start-stop). */
test('dev mode lists the demo accounts and the dev sign-in; OIDC mode names the provider and no dev sign-in', () => {
  const dev = startBanner(loadConfig({ AUTH_MODE: 'dev' }), { ownTemporal: true }).join('\n');
  expect(dev).toContain('/auth/dev-token');
  for (const u of Object.values(DEMO_USERS)) expect(dev).toContain(u.email);
  const oidc = startBanner(
    loadConfig({
      AUTH_MODE: 'oidc',
      OIDC_ISSUER: 'https://login.example.org/realms/undp',
      OIDC_AUDIENCE: 'rus-undp',
      OIDC_JWKS_URL: 'https://login.example.org/jwks',
    }),
    { ownTemporal: false, temporalAddress: 'temporal:7233' },
  ).join('\n');
  expect(oidc).toContain('https://login.example.org/realms/undp');
  expect(oidc).toContain('temporal:7233 (existing server)');
  expect(oidc).not.toMatch(/dev-token|demo/i);
  for (const u of Object.values(DEMO_USERS)) expect(oidc).not.toContain(u.email);
});

test('the banner says whether uploads are scanned, and how to install the scanner when it is missing', () => {
  const cfg = loadConfig({ AUTH_MODE: 'dev' });
  const missing = startBanner(cfg, { ownTemporal: true, scanner: { state: 'missing' } }).join('\n');
  expect(missing).toMatch(/NOT INSTALLED/);
  expect(missing).toContain('apt-get install clamav-daemon');
  expect(missing).toContain('awaiting malware scan');
  const testOnly = startBanner(cfg, {
    ownTemporal: true,
    scanner: { state: 'running', address: '127.0.0.1:3310', testSignatureOnly: true },
  }).join('\n');
  expect(testOnly).toMatch(/test signature only: it detects nothing real/);
  expect(startBanner(cfg, { ownTemporal: true, scanner: { state: 'off' } }).join('\n')).toMatch(/not scanned/);
});

test('SCANNER=off is refused in production settings', () => {
  expect(() =>
    loadConfig({
      NODE_ENV: 'production',
      AUTH_MODE: 'oidc',
      OIDC_ISSUER: 'https://i.example.org',
      OIDC_AUDIENCE: 'a',
      OIDC_JWKS_URL: 'https://i.example.org/jwks',
      SCANNER: 'off',
    }),
  ).toThrow(/SCANNER/);
  expect(loadConfig({ SCANNER: 'off' }).SCANNER).toBe('off');
});
