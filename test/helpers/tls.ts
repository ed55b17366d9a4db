/**
 * Real TLS in front of the Temporal dev server (which has no TLS flags of its own): certificates
 * made with the `openssl` CLI, a TLS terminator (ALPN h2, optionally demanding a client
 * certificate) that pipes to a plaintext gRPC port, and an HTTP/2 proxy that lets through only
 * calls carrying the right `authorization` metadata, as Temporal Cloud does with API keys.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export interface CertPair {
  cert: string;
  key: string;
}

export interface TestPki {
  dir: string;
  /** Files (paths) of the CA that signs the server and the trusted client. */
  caCert: string;
  server: CertPair;
  client: CertPair;
  /** Another CA, and a client certificate it signed: well-formed, but not trusted by the server. */
  otherCaCert: string;
  strangerClient: CertPair;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** `openssl req` arguments for a new P-256 key `name`.key, unencrypted, and a request or certificate `out` for CN=name. */
const newKeyRequest = (name: string, out: string) => [
  '-newkey',
  'ec',
  '-pkeyopt',
  'ec_paramgen_curve:P-256',
  '-nodes',
  '-keyout',
  `${name}.key`,
  '-out',
  out,
  '-subj',
  `/CN=${name}`,
];

function makeCa(dir: string, name: string): { cert: string; key: string } {
  openssl(dir, [
    'req',
    '-x509',
    '-days',
    '2',
    ...newKeyRequest(name, `${name}.crt`),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
}

function makeLeaf(dir: string, ca: { cert: string; key: string }, name: string, extensions: string[]): CertPair {
  openssl(dir, ['req', ...newKeyRequest(name, `${name}.csr`)]);
  fs.writeFileSync(
    path.join(dir, `${name}.ext`),
    ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', ...extensions].join('\n'),
  );
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    `${name}.crt`,
    '-extfile',
    `${name}.ext`,
  ]);
  return { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
}

/**
 * A CA, a server certificate valid only for `serverName` (so connecting by IP address needs the
 * server name override), a client certificate of the same CA, and a stranger client of another CA.
 */
export function makeTestPki(serverName: string): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rus-undp-pki-'));
  const ca = makeCa(dir, 'test-ca');
  const other = makeCa(dir, 'other-ca');
  return {
    dir,
    caCert: ca.cert,
    server: makeLeaf(dir, ca, 'server', [`subjectAltName=DNS:${serverName}`, 'extendedKeyUsage=serverAuth']),
    client: makeLeaf(dir, ca, 'rus-undp-worker', ['extendedKeyUsage=clientAuth']),
    otherCaCert: other.cert,
    strangerClient: makeLeaf(dir, other, 'stranger', ['extendedKeyUsage=clientAuth']),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export interface Listening {
  port: number;
  close(): Promise<void>;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

export interface TlsTerminator extends Listening {
  /** Subject CNs of the client certificates of the connections it let through. */
  clients: string[];
}

/**
 * Terminates TLS (ALPN h2) and pipes each connection to `targetPort` on loopback. With
 * `clientCa`, only clients presenting a certificate signed by that CA get through.
 */
export async function startTlsTerminator(opts: {
  server: CertPair;
  clientCa?: string;
  targetPort: number;
}): Promise<TlsTerminator> {
  const sockets = new Set<net.Socket>();
  const clients: string[] = [];
  const server = tls.createServer(
    {
      cert: fs.readFileSync(opts.server.cert),
      key: fs.readFileSync(opts.server.key),
      ALPNProtocols: ['h2'],
      minVersion: 'TLSv1.2',
      ...(opts.clientCa ? { ca: fs.readFileSync(opts.clientCa), requestCert: true, rejectUnauthorized: true } : {}),
    },
    (socket) => {
      const peer = socket.getPeerCertificate();
      if (peer?.subject?.CN) clients.push(String(peer.subject.CN));
      const upstream = net.connect(opts.targetPort, '127.0.0.1');
      for (const s of [socket, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {
          socket.destroy();
          upstream.destroy();
        });
      }
      socket.pipe(upstream).pipe(socket);
    },
  );
  server.on('tlsClientError', () => undefined);
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server);
  return { port, clients, close: closer(server, sockets) };
}

export interface ApiKeyProxy extends Listening {
  /** user-agent of every call that carried the right key (grpc-js for the client, Core for the worker). */
  authorizedAgents: Set<string>;
  /** Calls turned away: no or a wrong authorization header. */
  refused: number;
}

const HOP_BY_HOP = new Set([
  ':authority',
  ':scheme',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/**
 * A plaintext HTTP/2 (h2c) proxy to a gRPC server that answers every call without
 * `authorization: Bearer <apiKey>` with UNAUTHENTICATED, and forwards the others, trailers included.
 */
export async function startApiKeyProxy(opts: { apiKey: string; targetPort: number }): Promise<ApiKeyProxy> {
  const upstream = http2.connect(`http://127.0.0.1:${opts.targetPort}`);
  upstream.on('error', () => undefined);
  const authorizedAgents = new Set<string>();
  const proxy: ApiKeyProxy = { port: 0, authorizedAgents, refused: 0, close: async () => undefined };
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    if (headers.authorization !== `Bearer ${opts.apiKey}`) {
      proxy.refused++;
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': '16',
          'grpc-message': 'Request unauthenticated: invalid API key',
        },
        { endStream: true },
      );
      return;
    }
    authorizedAgents.add(String(headers['user-agent'] ?? ''));
    const forwarded: http2.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) forwarded[name] = value;
    const call = upstream.request(forwarded);
    call.on('error', () => stream.destroy());
    stream.on('close', () => {
      if (!call.closed) call.close(http2.constants.NGHTTP2_CANCEL);
    });
    let trailers: http2.IncomingHttpHeaders = {};
    call.on('trailers', (t) => {
      trailers = t;
    });
    call.on('response', (response, flags) => {
      const out: http2.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(response))
        if (name === ':status' || !name.startsWith(':')) out[name] = value;
      // A trailers-only answer (an error status in the headers) must stay one HEADERS frame with END_STREAM.
      if (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) {
        stream.respond(out, { endStream: true });
        return;
      }
      stream.respond(out, { waitForTrailers: true });
      stream.on('wantTrailers', () => {
        const t: http2.OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(trailers)) if (!name.startsWith(':')) t[name] = value;
        stream.sendTrailers(t);
      });
      call.pipe(stream);
    });
    stream.pipe(call);
  });
  proxy.port = await listen(server as unknown as net.Server);
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sessions) s.destroy();
      upstream.destroy();
      server.close(() => resolve());
    });
  return proxy;
}
