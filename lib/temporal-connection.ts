/**
 * The one place the Temporal connection settings become connection options: the worker's
 * NativeConnection, the API's and the scripts' client Connection and the schedules all use
 * `temporalConnectionOptions`. No SDK runtime import here: lib/config.ts validates with it.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import type { TLSConfig } from '@temporalio/client';

export interface TemporalSettings {
  TEMPORAL_ADDRESS?: string;
  TEMPORAL_PORT: number;
  TEMPORAL_NAMESPACE: string;
  TEMPORAL_TLS?: boolean;
  TEMPORAL_TLS_CA?: string;
  TEMPORAL_TLS_CERT?: string;
  TEMPORAL_TLS_KEY?: string;
  TEMPORAL_TLS_SERVER_NAME?: string;
  TEMPORAL_API_KEY?: string;
}

/** Accepted by both `Connection.connect` (client) and `NativeConnection.connect` (worker). */
export interface TemporalConnectionOptions {
  address: string;
  /** `false` is explicit: the SDK would otherwise turn TLS on by itself when an API key is set. */
  tls: TLSConfig | false;
  apiKey?: string;
}

const TLS_FILE_SETTINGS = ['TEMPORAL_TLS_CA', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY'] as const;
type TlsFileSetting = (typeof TLS_FILE_SETTINGS)[number];

export function temporalAddress(cfg: TemporalSettings): string {
  return cfg.TEMPORAL_ADDRESS ?? `127.0.0.1:${cfg.TEMPORAL_PORT}`;
}

/** TEMPORAL_TLS when set; otherwise on as soon as a certificate, a server name or an API key is configured. */
export function temporalTlsEnabled(cfg: TemporalSettings): boolean {
  if (cfg.TEMPORAL_TLS !== undefined) return cfg.TEMPORAL_TLS;
  return Boolean(
    cfg.TEMPORAL_TLS_CA ||
    cfg.TEMPORAL_TLS_CERT ||
    cfg.TEMPORAL_TLS_KEY ||
    cfg.TEMPORAL_TLS_SERVER_NAME ||
    cfg.TEMPORAL_API_KEY,
  );
}

/** Whether any setting asks for more than the plain local dev server. */
export function temporalSecured(cfg: TemporalSettings): boolean {
  return temporalTlsEnabled(cfg) || Boolean(cfg.TEMPORAL_API_KEY);
}

/**
 * A PEM setting's text: the value itself when it holds PEM (newlines may be written as `\n`,
 * as secret stores often do), else the file it names.
 */
export function readPemSetting(value: string): string {
  if (value.includes('-----BEGIN')) return value.replace(/\\n/g, '\n');
  return fs.readFileSync(value, 'utf8');
}

function readPem(cfg: TemporalSettings, name: TlsFileSetting): Buffer | undefined {
  const value = cfg[name];
  return value === undefined ? undefined : Buffer.from(readPemSetting(value));
}

export function temporalConnectionOptions(cfg: TemporalSettings): TemporalConnectionOptions {
  const address = temporalAddress(cfg);
  const apiKey = cfg.TEMPORAL_API_KEY;
  if (!temporalTlsEnabled(cfg)) return { address, tls: false, ...(apiKey ? { apiKey } : {}) };
  const ca = readPem(cfg, 'TEMPORAL_TLS_CA');
  const crt = readPem(cfg, 'TEMPORAL_TLS_CERT');
  const key = readPem(cfg, 'TEMPORAL_TLS_KEY');
  const tls: TLSConfig = {
    ...(cfg.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: cfg.TEMPORAL_TLS_SERVER_NAME } : {}),
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
  };
  return { address, tls, ...(apiKey ? { apiKey } : {}) };
}

/** What a log line may say about the connection (never the key or certificates themselves). */
export function describeTemporalConnection(cfg: TemporalSettings): Record<string, unknown> {
  const tls = temporalTlsEnabled(cfg);
  return {
    address: temporalAddress(cfg),
    namespace: cfg.TEMPORAL_NAMESPACE,
    tls: tls ? (cfg.TEMPORAL_TLS_CERT ? 'mtls' : 'tls') : 'off',
    ...(cfg.TEMPORAL_TLS_SERVER_NAME ? { serverName: cfg.TEMPORAL_TLS_SERVER_NAME } : {}),
    apiKey: Boolean(cfg.TEMPORAL_API_KEY),
  };
}

function subjectOf(cert: X509Certificate): string {
  return cert.subject.replace(/\n/g, ', ');
}

/**
 * Problems with the TLS settings, each starting with the variable's name: unreadable or
 * malformed PEM, a certificate without its key (or the wrong key), an expired certificate.
 * Checked at start so a bad file stops the process with its name, not a handshake error later.
 */
export function checkTemporalTlsFiles(cfg: TemporalSettings, now = new Date()): string[] {
  const problems: string[] = [];
  if (cfg.TEMPORAL_TLS === false) {
    for (const name of [...TLS_FILE_SETTINGS, 'TEMPORAL_TLS_SERVER_NAME'] as const) {
      if (cfg[name]) problems.push(`${name}: set while TEMPORAL_TLS=false; remove it or turn TLS on`);
    }
    return problems;
  }
  if (Boolean(cfg.TEMPORAL_TLS_CERT) !== Boolean(cfg.TEMPORAL_TLS_KEY)) {
    problems.push('TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY: a client certificate needs both (set both or neither)');
  }
  const pem: Partial<Record<TlsFileSetting, string>> = {};
  for (const name of TLS_FILE_SETTINGS) {
    const value = cfg[name];
    if (value === undefined) continue;
    try {
      pem[name] = readPemSetting(value);
    } catch (err) {
      problems.push(
        `${name}: cannot read ${value} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); give a PEM file path or the PEM text`,
      );
    }
  }
  const certificate = (name: 'TEMPORAL_TLS_CA' | 'TEMPORAL_TLS_CERT'): X509Certificate | undefined => {
    if (pem[name] === undefined) return undefined;
    try {
      return new X509Certificate(pem[name]!);
    } catch {
      problems.push(`${name}: not a PEM certificate`);
      return undefined;
    }
  };
  certificate('TEMPORAL_TLS_CA');
  const cert = certificate('TEMPORAL_TLS_CERT');
  if (cert) {
    if (new Date(cert.validTo) < now)
      problems.push(
        `TEMPORAL_TLS_CERT: the certificate (${subjectOf(cert)}) expired on ${new Date(cert.validTo).toISOString()}`,
      );
    else if (new Date(cert.validFrom) > now)
      problems.push(
        `TEMPORAL_TLS_CERT: the certificate (${subjectOf(cert)}) is valid only from ${new Date(cert.validFrom).toISOString()}`,
      );
  }
  if (pem.TEMPORAL_TLS_KEY !== undefined) {
    try {
      const key = createPrivateKey(pem.TEMPORAL_TLS_KEY);
      if (cert && !cert.checkPrivateKey(key))
        problems.push(`TEMPORAL_TLS_KEY: is not the private key of TEMPORAL_TLS_CERT (${subjectOf(cert)})`);
    } catch {
      problems.push('TEMPORAL_TLS_KEY: not a PEM private key (an unencrypted PKCS#8, PKCS#1 or SEC1 key)');
    }
  }
  return problems;
}
