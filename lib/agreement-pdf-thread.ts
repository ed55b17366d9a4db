/**
 * Renders agreements on a small pool of worker threads. Rendering (font subsetting, layout) is
 * seconds of CPU under load; on the worker's main thread it held up polling and workflow tasks,
 * so workflow tasks timed out and Updates were refused while many agreements were drawn at once.
 * The pool is small and its threads stay while there is work (a warm render is a fraction of a
 * second), then end after a few idle seconds.
 */
import os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { renderAgreementPdf, type AgreementInput } from './agreement-pdf';
import { renderIndividualContractPdf, type IndividualContractInput } from './individual-contract-pdf';
import {
  renderInternshipAgreementPdf,
  renderInternshipCertificatePdf,
  type InternshipCertificateInput,
  type InternshipDocumentInput,
} from './internship-pdf';

/** What a thread renders: a grant agreement, an expert's individual contract, an internship's agreement or certificate. */
type PdfJob =
  | { kind: 'grant_agreement'; input: AgreementInput }
  | { kind: 'individual_contract'; input: IndividualContractInput }
  | { kind: 'internship_agreement'; input: InternshipDocumentInput }
  | { kind: 'internship_certificate'; input: InternshipCertificateInput };
function render(job: PdfJob): Promise<Uint8Array> {
  switch (job.kind) {
    case 'individual_contract':
      return renderIndividualContractPdf(job.input);
    case 'internship_agreement':
      return renderInternshipAgreementPdf(job.input);
    case 'internship_certificate':
      return renderInternshipCertificatePdf(job.input);
    default:
      return renderAgreementPdf(job.input);
  }
}

/** From TypeScript sources a thread registers tsx first (neither tsx's loader nor jest's transform reach threads). */
const THREAD_ENTRY = __filename.endsWith('.ts')
  ? { source: `require('tsx/cjs'); require(${JSON.stringify(__filename)});`, eval: true }
  : { source: __filename, eval: false };
const POOL_SIZE = Math.max(1, Math.min(2, os.availableParallelism() - 1));
const IDLE_MS = 5_000;

interface Job {
  id: number;
  input: PdfJob;
  resolve: (bytes: Uint8Array) => void;
  reject: (err: Error) => void;
}
type Reply = { id: number; bytes: Uint8Array } | { id: number; error: string };

const idle: Worker[] = [];
const queue: Job[] = [];
const running = new Map<Worker, Job>();
let threads = 0;
let nextId = 0;

function startThread(): Worker {
  const thread = new Worker(THREAD_ENTRY.source, { eval: THREAD_ENTRY.eval, workerData: { agreementPdfPool: true } });
  thread.unref();
  threads++;
  thread.on('message', (reply: Reply) => {
    const job = running.get(thread);
    running.delete(thread);
    if (job) {
      if ('error' in reply) job.reject(new Error(reply.error));
      else job.resolve(reply.bytes);
    }
    idle.push(thread);
    pump();
    retireWhenIdle(thread);
  });
  const lost = (err: Error) => {
    const job = running.get(thread);
    running.delete(thread);
    const at = idle.indexOf(thread);
    if (at >= 0) idle.splice(at, 1);
    threads--;
    job?.reject(err);
    pump();
  };
  thread.on('error', lost);
  thread.on('exit', (code) => lost(new Error(`the agreement renderer's thread exited with code ${code}`)));
  return thread;
}

/** A thread left idle for a few seconds ends, so a process that has finished its work can exit. */
function retireWhenIdle(thread: Worker): void {
  setTimeout(() => {
    const at = idle.indexOf(thread);
    if (at < 0) return;
    idle.splice(at, 1);
    void thread.terminate();
  }, IDLE_MS).unref();
}

function pump(): void {
  while (queue.length) {
    const thread = idle.pop() ?? (threads < POOL_SIZE ? startThread() : undefined);
    if (!thread) return;
    const job = queue.shift()!;
    running.set(thread, job);
    thread.postMessage({ id: job.id, input: job.input });
  }
}

/** Renders on the pool; a job still queued when `signal` aborts (its activity attempt given up) is dropped. */
export function renderAgreementPdfOffThread(input: AgreementInput, signal?: AbortSignal): Promise<Uint8Array> {
  return renderOffThread({ kind: 'grant_agreement', input }, signal);
}

export function renderIndividualContractPdfOffThread(
  input: IndividualContractInput,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  return renderOffThread({ kind: 'individual_contract', input }, signal);
}

/** An internship's agreement or certificate (lib/internship-pdf.ts), on the same pool. */
export function renderInternshipPdfOffThread(
  job: Extract<PdfJob, { kind: 'internship_agreement' | 'internship_certificate' }>,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  return renderOffThread(job, signal);
}

function renderOffThread(input: PdfJob, signal?: AbortSignal): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const job: Job = { id: nextId++, input, resolve, reject };
    const drop = () => {
      const at = queue.indexOf(job);
      if (at < 0) return; // already rendering: it finishes, its result unused
      queue.splice(at, 1);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', drop, { once: true });
    const settle = () => signal?.removeEventListener('abort', drop);
    job.resolve = (bytes) => {
      settle();
      resolve(bytes);
    };
    job.reject = (err) => {
      settle();
      reject(err);
    };
    queue.push(job);
    pump();
  });
}

if (!isMainThread && parentPort && (workerData as { agreementPdfPool?: boolean } | null)?.agreementPdfPool) {
  const port = parentPort;
  port.on('message', ({ id, input }: { id: number; input: PdfJob }) => {
    render(input).then(
      (bytes) => port.postMessage({ id, bytes }, [bytes.buffer as ArrayBuffer]),
      (err: unknown) => port.postMessage({ id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
}
