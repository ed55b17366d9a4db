import fs from 'node:fs';
import { loadConfig } from '../../lib/config';
import {
  checkTemporalTlsFiles,
  describeTemporalConnection,
  temporalConnectionOptions,
} from '../../lib/temporal-connection';
import { makeTestPki, type TestPki } from '../helpers/tls';

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki('temporal.test');
});
afterAll(() => pki?.remove());

describe('Temporal connection settings (one builder for the worker, the API, the scripts)', () => {
  test('nothing set: plaintext to the local dev server', () => {
    expect(temporalConnectionOptions(loadConfig({}))).toEqual({ address: '127.0.0.1:7233', tls: false });
  });

  test('mTLS from files (or PEM text), with the server name override', () => {
    const cfg = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CA: pki.caCert,
      TEMPORAL_TLS_CERT: fs.readFileSync(pki.client.cert, 'utf8'),
      TEMPORAL_TLS_KEY: pki.client.key,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
    });
    const options = temporalConnectionOptions(cfg);
    expect(options.address).toBe('temporal.internal:7233');
    expect(options.tls).toMatchObject({ serverNameOverride: 'temporal.test' });
    const tls = options.tls as Exclude<typeof options.tls, false>;
    expect(Buffer.from(tls.serverRootCACertificate!).toString()).toBe(fs.readFileSync(pki.caCert, 'utf8'));
    expect(Buffer.from(tls.clientCertPair!.crt).toString()).toBe(fs.readFileSync(pki.client.cert, 'utf8'));
    expect(Buffer.from(tls.clientCertPair!.key).toString()).toBe(fs.readFileSync(pki.client.key, 'utf8'));
    expect(describeTemporalConnection(cfg)).toEqual({
      address: 'temporal.internal:7233',
      namespace: 'default',
      tls: 'mtls',
      serverName: 'temporal.test',
      apiKey: false,
    });
  });

  test('an API key turns TLS on (Temporal Cloud), unless TEMPORAL_TLS=false says the hop is plaintext', () => {
    const cloud = loadConfig({
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_API_KEY: 'key-123',
    });
    expect(temporalConnectionOptions(cloud)).toEqual({
      address: 'ns.acct.tmprl.cloud:7233',
      tls: {},
      apiKey: 'key-123',
    });
    const sidecar = loadConfig({
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_API_KEY: 'key-123',
      TEMPORAL_TLS: 'false',
    });
    expect(temporalConnectionOptions(sidecar)).toEqual({ address: '127.0.0.1:7233', tls: false, apiKey: 'key-123' });
    // The key never appears in what is logged.
    expect(JSON.stringify(describeTemporalConnection(cloud))).not.toContain('key-123');
  });

  test('bad TLS settings stop start-up naming the variable', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CA: '/nonexistent/ca.pem' })).toThrow(
      /TEMPORAL_TLS_CA: cannot read \/nonexistent\/ca.pem \(ENOENT\)/,
    );
    expect(() => loadConfig({ TEMPORAL_TLS_CA: pki.client.key })).toThrow(/TEMPORAL_TLS_CA: not a PEM certificate/);
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: pki.client.cert })).toThrow(
      /TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY: a client certificate needs both/,
    );
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: pki.client.cert, TEMPORAL_TLS_KEY: pki.caCert })).toThrow(
      /TEMPORAL_TLS_KEY: not a PEM private key/,
    );
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: pki.client.cert, TEMPORAL_TLS_KEY: pki.strangerClient.key })).toThrow(
      /TEMPORAL_TLS_KEY: is not the private key of TEMPORAL_TLS_CERT \(CN=rus-undp-worker\)/,
    );
    expect(() => loadConfig({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA: pki.caCert })).toThrow(
      /TEMPORAL_TLS_CA: set while TEMPORAL_TLS=false/,
    );
    expect(() => loadConfig({ TEMPORAL_TLS: 'maybe' })).toThrow(/TEMPORAL_TLS/);
  });

  test('an expired client certificate is named at start, not met as a handshake error later', () => {
    const cfg = {
      TEMPORAL_PORT: 7233,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TLS_CERT: pki.client.cert,
      TEMPORAL_TLS_KEY: pki.client.key,
    };
    expect(checkTemporalTlsFiles(cfg)).toEqual([]);
    const inAWeek = new Date(Date.now() + 7 * 86_400_000);
    expect(checkTemporalTlsFiles(cfg, inAWeek)).toEqual([
      expect.stringMatching(/^TEMPORAL_TLS_CERT: the certificate \(CN=rus-undp-worker\) expired on /),
    ]);
  });

  test('metrics settings: a token of at least 16 characters, an IP address to bind', () => {
    expect(
      loadConfig({ METRICS_PORT: '9464', WORKER_METRICS_PORT: '9465', METRICS_TOKEN: 'a'.repeat(16) }),
    ).toMatchObject({ METRICS_PORT: 9464, WORKER_METRICS_PORT: 9465, METRICS_HOST: '127.0.0.1' });
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
    expect(() => loadConfig({ METRICS_HOST: 'localhost' })).toThrow(/METRICS_HOST: must be an IP address/);
  });
});
