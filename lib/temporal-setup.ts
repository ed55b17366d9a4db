/**
 * Connecting to Temporal at start, for the API, the worker and the scripts: a misconfigured
 * connection (TLS, client certificate, API key, namespace, search attributes) stops the process
 * with a sentence naming the setting at fault; a server that is merely not reachable yet is
 * left to the caller (the API then connects lazily, the worker exits for its supervisor).
 */
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/search-attributes';
import {
  readPemSetting,
  temporalAddress,
  temporalConnectionOptions,
  temporalTlsEnabled,
  type TemporalSettings,
} from './temporal-connection';

/** A connection that cannot work until a setting changes: starting anyway would only hide it. */
export class TemporalSetupError extends Error {}

const GRPC = {
  PERMISSION_DENIED: 7,
  UNIMPLEMENTED: 12,
  UNAUTHENTICATED: 16,
  NOT_FOUND: 5,
  INVALID_ARGUMENT: 3,
} as const;

function grpcCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof e?.code === 'number' ? e.code : typeof e?.cause?.code === 'number' ? e.cause.code : undefined;
  if (code !== undefined) return code;
  const text = messageOf(err);
  // Core (worker) errors carry the status as text only.
  if (/UNAUTHENTICATED|valid authentication credentials/i.test(text)) return GRPC.UNAUTHENTICATED;
  if (/PERMISSION_DENIED|permission to perform this operation/i.test(text)) return GRPC.PERMISSION_DENIED;
  return undefined;
}

function messageOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message !== err.message ? `${err.message}: ${cause.message}` : err.message;
}

function splitAddress(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(address.trim());
  return { host: match?.[1] || '127.0.0.1', port: Number(match?.[2] ?? 7233) };
}

function certificateNames(pem: string | undefined): string {
  if (!pem) return '';
  try {
    const cert = new X509Certificate(pem);
    return ` (${cert.subject.replace(/\n/g, ', ')}, issued by ${cert.issuer.replace(/\n/g, ', ')})`;
  } catch {
    return '';
  }
}

type Probe =
  | { kind: 'error'; code: string; message: string; altnames?: string }
  | { kind: 'open'; alpn: string | false }
  | { kind: 'closed' };

/** One TLS handshake with the same settings as the SDK, to learn what gRPC reports only as "failed to connect". */
function probeTls(cfg: TemporalSettings, verify: boolean): Promise<Probe> {
  const { host, port } = splitAddress(temporalAddress(cfg));
  const pem = (v?: string) => (v ? readPemSetting(v) : undefined);
  const servername = cfg.TEMPORAL_TLS_SERVER_NAME ?? (net.isIP(host) ? undefined : host);
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port,
      servername,
      ALPNProtocols: ['h2'],
      rejectUnauthorized: verify,
      ca: pem(cfg.TEMPORAL_TLS_CA),
      cert: pem(cfg.TEMPORAL_TLS_CERT),
      key: pem(cfg.TEMPORAL_TLS_KEY),
      // Checked against the override the way the SDK does (Node checks `servername` only when it is a host name).
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(servername ?? host, cert),
    });
    let settled = false;
    const done = (p: Probe) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(p);
    };
    const timer = setTimeout(
      () => done({ kind: 'error', code: 'ETIMEDOUT', message: 'no TLS answer within 5 s' }),
      5_000,
    );
    socket.once('error', (err: NodeJS.ErrnoException & { cert?: { subjectaltname?: string } }) =>
      done({ kind: 'error', code: err.code ?? 'UNKNOWN', message: err.message, altnames: err.cert?.subjectaltname }),
    );
    socket.once('secureConnect', () => {
      // A server that refuses the client certificate says so right after the handshake (TLS 1.3).
      setTimeout(() => done({ kind: 'open', alpn: socket.alpnProtocol ?? false }), 500);
      socket.once('close', () => done({ kind: 'closed' }));
    });
  });
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
]);
const UNTRUSTED_SERVER = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);
const CLIENT_CERT_REFUSED = new Set([
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED',
]);
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST']);

async function explainTls(cfg: TemporalSettings, at: string): Promise<string | undefined> {
  const probe = await probeTls(cfg, true);
  const hasCert = Boolean(cfg.TEMPORAL_TLS_CERT);
  const clientCert = certificateNames(cfg.TEMPORAL_TLS_CERT && readPemSetting(cfg.TEMPORAL_TLS_CERT));
  if (probe.kind === 'open') {
    return probe.alpn === 'h2'
      ? undefined
      : `Temporal at ${at} does not offer HTTP/2 over TLS (ALPN h2), which gRPC needs: check the proxy or load balancer in front of it`;
  }
  if (probe.kind === 'closed') {
    return hasCert
      ? `Temporal at ${at} closed the connection right after the TLS handshake: it does not accept the client certificate TEMPORAL_TLS_CERT${clientCert}`
      : `Temporal at ${at} closed the connection right after the TLS handshake: it probably requires a client certificate (set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY)`;
  }
  const { code } = probe;
  if (UNREACHABLE.has(code)) return undefined;
  if (
    code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' ||
    (code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' && !hasCert)
  ) {
    return `Temporal at ${at} requires a client certificate (mTLS): set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY`;
  }
  if (CLIENT_CERT_REFUSED.has(code))
    return `Temporal at ${at} refused the client certificate TEMPORAL_TLS_CERT${clientCert}: its issuer is not one the server trusts (${probe.message.split('\n')[0]})`;
  if (UNTRUSTED_SERVER.has(code)) {
    return cfg.TEMPORAL_TLS_CA
      ? `the certificate of Temporal at ${at} is not signed by TEMPORAL_TLS_CA${certificateNames(readPemSetting(cfg.TEMPORAL_TLS_CA))} (${code})`
      : `the certificate of Temporal at ${at} is not signed by a CA this machine trusts (${code}): set TEMPORAL_TLS_CA to the CA that issued it`;
  }
  if (code === 'CERT_HAS_EXPIRED') return `the certificate of Temporal at ${at} has expired`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = probe.altnames ? ` (it names ${probe.altnames})` : '';
    return `the certificate of Temporal at ${at} is not valid for ${cfg.TEMPORAL_TLS_SERVER_NAME ?? splitAddress(at).host}${names}: set TEMPORAL_TLS_SERVER_NAME to a name it is issued for`;
  }
  if (NOT_TLS.has(code))
    return `Temporal at ${at} does not answer TLS (${code}): TLS is on because a TEMPORAL_TLS_* setting or TEMPORAL_API_KEY is set; set TEMPORAL_TLS=false if that port is plaintext`;
  return `TLS with Temporal at ${at} failed: ${probe.message.split('\n')[0]} (${code})`;
}

/** Whether something at the address speaks TLS (while our settings say plaintext). */
async function explainPlaintext(cfg: TemporalSettings, at: string): Promise<string | undefined> {
  const probe = await probeTls(cfg, false);
  if (probe.kind === 'open' || probe.kind === 'closed' || (probe.kind === 'error' && /ALERT/.test(probe.code))) {
    return `Temporal at ${at} expects TLS: set TEMPORAL_TLS_CA (and TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY for mTLS), or TEMPORAL_TLS=true for a server with a publicly trusted certificate`;
  }
  return undefined;
}

/**
 * The cause of a failed connection, as a TemporalSetupError naming the setting to change, or
 * undefined when the server is simply not reachable (down, still starting, network).
 */
export async function explainTemporalFailure(
  cfg: TemporalSettings,
  err: unknown,
): Promise<TemporalSetupError | undefined> {
  if (err instanceof TemporalSetupError) return err;
  const at = temporalAddress(cfg);
  const code = grpcCode(err);
  if (code === GRPC.UNAUTHENTICATED) {
    return new TemporalSetupError(
      cfg.TEMPORAL_API_KEY
        ? `Temporal at ${at} refused the API key TEMPORAL_API_KEY: ${messageOf(err)}`
        : `Temporal at ${at} requires authentication: set TEMPORAL_API_KEY (or a client certificate) (${messageOf(err)})`,
    );
  }
  if (code === GRPC.PERMISSION_DENIED) {
    return new TemporalSetupError(
      `Temporal at ${at} does not allow this ${cfg.TEMPORAL_API_KEY ? 'API key' : 'client'} to use namespace "${cfg.TEMPORAL_NAMESPACE}" (TEMPORAL_NAMESPACE): ${messageOf(err)}`,
    );
  }
  let reason: string | undefined;
  try {
    reason = temporalTlsEnabled(cfg) ? await explainTls(cfg, at) : await explainPlaintext(cfg, at);
  } catch {
    reason = undefined;
  }
  return reason ? new TemporalSetupError(reason) : undefined;
}

/** What the check needs of a client Connection or a worker NativeConnection. */
export interface TemporalServices {
  workflowService: {
    describeNamespace(request: { namespace: string }): Promise<unknown>;
    countWorkflowExecutions(request: { namespace: string; query: string }): Promise<unknown>;
  };
  operatorService: {
    listSearchAttributes(request: { namespace: string }): Promise<{ customAttributes?: Record<string, number> | null }>;
  };
}

const typeName = (t: string) => t.charAt(0) + t.slice(1).toLowerCase();

/**
 * The namespace exists and has our search attributes with the right types. The dev server that
 * `npm start` and the tests run creates them; a cluster or Temporal Cloud must have them already.
 */
export async function verifyTemporalNamespace(services: TemporalServices, cfg: TemporalSettings): Promise<void> {
  const namespace = cfg.TEMPORAL_NAMESPACE;
  const at = temporalAddress(cfg);
  try {
    await services.workflowService.describeNamespace({ namespace });
  } catch (err) {
    if (grpcCode(err) === GRPC.NOT_FOUND)
      throw new TemporalSetupError(
        `namespace "${namespace}" does not exist on Temporal at ${at}: create it or correct TEMPORAL_NAMESPACE`,
      );
    throw (await explainTemporalFailure(cfg, err)) ?? err;
  }
  const missing: string[] = [];
  const wrongType: string[] = [];
  let listed: Record<string, number> | undefined;
  try {
    listed = (await services.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  } catch (err) {
    // Some hosted services do not offer the operator API to applications: ask visibility instead.
    const code = grpcCode(err);
    if (code !== GRPC.UNIMPLEMENTED && code !== GRPC.PERMISSION_DENIED)
      throw (await explainTemporalFailure(cfg, err)) ?? err;
  }
  for (const key of SEARCH_ATTRIBUTE_KEYS) {
    if (listed) {
      const actual = listed[key.name];
      if (actual === undefined) missing.push(key.name);
      else if (actual !== encodeSearchAttributeIndexedValueType(key.type))
        wrongType.push(`${key.name} (must be ${typeName(key.type)})`);
      continue;
    }
    try {
      await services.workflowService.countWorkflowExecutions({ namespace, query: `${key.name} = "probe"` });
    } catch (err) {
      if (grpcCode(err) === GRPC.INVALID_ARGUMENT && /search attribute/i.test(messageOf(err))) missing.push(key.name);
      else throw err;
    }
  }
  if (missing.length || wrongType.length) {
    const wanted = SEARCH_ATTRIBUTE_KEYS.filter((k) => missing.includes(k.name));
    const create = wanted
      .map(
        (k) =>
          `temporal operator search-attribute create --namespace ${namespace} --name ${k.name} --type ${typeName(k.type)}`,
      )
      .join('; ');
    throw new TemporalSetupError(
      [
        `namespace "${namespace}" on Temporal at ${at}`,
        missing.length ? ` lacks the search attribute${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` : '',
        wrongType.length ? `${missing.length ? ' and' : ''} has the wrong type for ${wrongType.join(', ')}` : '',
        missing.length ? `; create with: ${create} (Temporal Cloud: tcld namespace search-attributes add)` : '',
      ].join(''),
    );
  }
}

/**
 * A client Connection for the API and the scripts, namespace verified. When the server is not
 * reachable: a lazy connection if `lazyWhenUnreachable` (the API serves reads meanwhile), else
 * the error. A misconfiguration throws TemporalSetupError either way.
 */
export async function connectTemporalClient(
  cfg: TemporalSettings,
  opts: { lazyWhenUnreachable?: boolean; onUnreachable?: (err: unknown) => void } = {},
): Promise<Connection> {
  const options = temporalConnectionOptions(cfg);
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...options, connectTimeout: '10 seconds' });
  } catch (err) {
    const cause = await explainTemporalFailure(cfg, err);
    if (cause) throw cause;
    if (!opts.lazyWhenUnreachable)
      throw new Error(`Temporal at ${options.address} is not reachable: ${messageOf(err)}`);
    opts.onUnreachable?.(err);
    return Connection.lazy(options);
  }
  try {
    await verifyTemporalNamespace(connection, cfg);
  } catch (err) {
    // Connected, but the check itself did not get through (the server went away meanwhile): like unreachable.
    if (opts.lazyWhenUnreachable && !(err instanceof TemporalSetupError)) {
      opts.onUnreachable?.(err);
      return connection;
    }
    await connection.close().catch(() => undefined);
    throw err;
  }
  return connection;
}

/** The error to stop with when a connection (e.g. the worker's) failed: the cause when known. */
export async function temporalStartError(cfg: TemporalSettings, err: unknown): Promise<Error> {
  return (
    (await explainTemporalFailure(cfg, err)) ??
    new Error(`Temporal at ${temporalAddress(cfg)} is not reachable: ${messageOf(err)}`)
  );
}
