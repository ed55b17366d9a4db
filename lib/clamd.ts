/**
 * A clamd client: INSTREAM over TCP (host:port) or a unix socket, the file sent in chunks as it
 * is read (never held whole), every step under a timeout. Outcomes:
 *  - clean / infected (with the signature name);
 *  - scan_failed: clamd answered but could not judge the file — `Heuristics.Limits.Exceeded…
 *    FOUND` (AlertExceedsMax: the file is over MaxFileSize/MaxScanSize…) or `INSTREAM size limit
 *    exceeded. ERROR` (over StreamMaxLength). Neither infected nor clean: a person decides.
 * Anything else (clamd unreachable, a timeout, a cut connection) throws ScannerUnavailableError,
 * so the caller retries later; nothing is ever reported clean without clamd saying so.
 */
import net from 'node:net';
import type { Readable } from 'node:stream';

export type ScanOutcome =
  { state: 'clean' } | { state: 'infected'; signature: string } | { state: 'scan_failed'; reason: string };

export class ScannerUnavailableError extends Error {
  override name = 'ScannerUnavailableError';
}

/** clamd cut the connection while the file was still being sent (over its StreamMaxLength: its answer is lost to the reset). */
class StreamCutError extends ScannerUnavailableError {}

export interface ClamdOptions {
  /** host:port or a unix socket path. */
  address: string;
  timeoutMs: number;
  /** Bytes per INSTREAM chunk. */
  chunkSize?: number;
}

function connect(address: string): net.Socket {
  const m = /^(.+):(\d+)$/.exec(address);
  if (m && !address.startsWith('/')) return net.connect({ host: m[1], port: Number(m[2]) });
  return net.connect({ path: address });
}

/** Sends `command` (z-terminated) and, for INSTREAM, the stream's bytes; resolves with clamd's answer text. */
function exchange(opts: ClamdOptions, command: string, body?: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(opts.address);
    let answer = '';
    let settled = false;
    const finish = (err: Error | null, text?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      body?.destroy();
      if (err) reject(err);
      else resolve(text!);
    };
    const timer = setTimeout(
      () => finish(new ScannerUnavailableError(`clamd did not answer within ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
    socket.on('data', (d) => {
      answer += d.toString('utf8');
      // z-commands end their answer with NUL.
      if (answer.includes('\0')) finish(null, answer.slice(0, answer.indexOf('\0')).trim());
    });
    socket.on('end', () =>
      answer
        ? finish(null, answer.replace(/\0/g, '').trim())
        : finish(new ScannerUnavailableError('clamd closed the connection without an answer')),
    );
    socket.on('error', (err) => {
      // clamd closes its side when a stream exceeds StreamMaxLength: its answer may already be here.
      if (answer) finish(null, answer.replace(/\0/g, '').trim());
      else if (
        (err as NodeJS.ErrnoException).code === 'EPIPE' ||
        (err as NodeJS.ErrnoException).code === 'ECONNRESET'
      ) {
        setTimeout(() => finish(new StreamCutError(`clamd cut the connection: ${err.message}`)), 200);
      } else finish(new ScannerUnavailableError(`clamd unreachable at ${opts.address}: ${err.message}`));
    });
    socket.on('connect', () => {
      socket.write(`z${command}\0`);
      if (!body) return;
      void (async () => {
        const size = opts.chunkSize ?? 64 * 1024;
        try {
          for await (const chunk of body) {
            const buf = chunk as Buffer;
            for (let at = 0; at < buf.length; at += size) {
              const part = buf.subarray(at, at + size);
              const header = Buffer.alloc(4);
              header.writeUInt32BE(part.length);
              if (settled || socket.destroyed) return;
              const ok = socket.write(Buffer.concat([header, part]));
              if (!ok)
                await new Promise<void>((r) => {
                  socket.once('drain', r);
                  socket.once('close', r);
                });
            }
          }
          if (!settled && !socket.destroyed) socket.write(Buffer.alloc(4));
        } catch (err) {
          finish(new ScannerUnavailableError(`reading the file to scan failed: ${(err as Error).message}`));
        }
      })();
    });
  });
}

/** Interprets clamd's answer to INSTREAM. */
export function outcomeOf(answer: string): ScanOutcome {
  if (/INSTREAM size limit exceeded/i.test(answer)) return { state: 'scan_failed', reason: answer };
  const found = /^stream: (.+) FOUND$/.exec(answer);
  if (found) {
    const signature = found[1];
    if (/^Heuristics\.Limits\.Exceeded/.test(signature))
      return { state: 'scan_failed', reason: `${signature}: the file exceeds the scanner's limits` };
    return { state: 'infected', signature };
  }
  if (answer === 'stream: OK') return { state: 'clean' };
  // An ERROR answer (out of memory, a broken database reload...): clamd could not scan now.
  throw new ScannerUnavailableError(`clamd could not scan: ${answer}`);
}

export async function scanStream(opts: ClamdOptions, body: Readable): Promise<ScanOutcome> {
  try {
    return outcomeOf(await exchange(opts, 'INSTREAM', body));
  } catch (err) {
    // clamd answers "INSTREAM size limit exceeded. ERROR" and closes while the client still sends:
    // the TCP reset that follows often destroys that answer before it is read. A clamd that still
    // answers PING refused this stream; one that does not is down (retry later).
    if (err instanceof StreamCutError && (await pingClamd(opts))) {
      return {
        state: 'scan_failed',
        reason: 'INSTREAM size limit exceeded (clamd closed the stream before its end: over StreamMaxLength)',
      };
    }
    throw err;
  }
}

/** True when clamd answers PING. */
export async function pingClamd(opts: ClamdOptions): Promise<boolean> {
  try {
    return (await exchange({ ...opts, timeoutMs: Math.min(opts.timeoutMs, 2000) }, 'PING')) === 'PONG';
  } catch {
    return false;
  }
}

export async function clamdVersion(opts: ClamdOptions): Promise<string> {
  return exchange(opts, 'VERSION');
}
