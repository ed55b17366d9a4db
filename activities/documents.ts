import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Prisma } from '../generated/prisma/client';
import type { SubjectType } from '../domain/documents';
import type { NotificationRequest } from '../domain/notifications';
import { scanStream, ScannerUnavailableError } from '../lib/clamd';
import { inTransaction } from '../lib/db';
import type { DocumentServices } from '../lib/documents';
import type { ActivityDeps } from './deps';
import { deliverOutbox, enqueueNotifications } from './notifications/outbox';

export function requireDocuments(deps: ActivityDeps): DocumentServices {
  if (!deps.documents) throw ApplicationFailure.nonRetryable('the worker has no document storage configured', 'ConfigurationError');
  return deps.documents;
}

/** Title and country of the proposal or request a document belongs to (mails, agreements). */
export async function subjectSummary(prisma: Prisma.TransactionClient | ActivityDeps['prisma'], subjectType: SubjectType, subjectId: string) {
  if (subjectType === 'proposal') {
    const p = await prisma.proposal.findUnique({ where: { id: subjectId }, select: { title: true, countryCode: true, workflowId: true } });
    return p ?? undefined;
  }
  const r = await prisma.expertRequest.findUnique({ where: { id: subjectId }, select: { title: true, countryCode: true, workflowId: true } });
  return r ?? undefined;
}

export function createDocumentActivities(deps: ActivityDeps) {
  const { prisma } = deps;

  return {
    /**
     * Scans one document with clamd and records the outcome (pending → clean | infected |
     * scan_failed) with its audit event, and for malware the mails to the uploader and the fund
     * managers, in one transaction. clamd unreachable or failing: throws, Temporal retries, the
     * document stays pending. Idempotent: a document no longer pending is not scanned again.
     */
    async scanDocument(input: { documentId: string }): Promise<{ state: string; outboxKeys: string[] }> {
      const documents = requireDocuments(deps);
      const doc = await prisma.document.findUnique({ where: { id: input.documentId } });
      if (!doc) throw ApplicationFailure.nonRetryable(`no document ${input.documentId}`, 'NotFound');
      if (doc.scanState !== 'pending') return { state: doc.scanState, outboxKeys: [] };
      if (documents.scanner.mode === 'off') throw ApplicationFailure.nonRetryable('the scanner is off; the document stays pending', 'ScannerOff');
      let outcome;
      try {
        outcome = await scanStream({ address: documents.scanner.address, timeoutMs: documents.scanner.timeoutMs }, await documents.storage.read(doc.storageKey));
      } catch (err) {
        if (err instanceof ScannerUnavailableError) {
          deps.logger.warn({ event: 'scan_retry', documentId: doc.id, attempt: Context.current().info.attempt, err: err.message }, 'malware scan not possible now; will retry');
        }
        throw err;
      }
      const detail = outcome.state === 'infected' ? outcome.signature : outcome.state === 'scan_failed' ? outcome.reason : null;
      const subject = await subjectSummary(prisma, doc.subjectType as SubjectType, doc.subjectId);
      const step = `scan:${doc.id}`;
      const outboxKeys = await inTransaction(prisma, async (tx) => {
        const changed = await tx.document.updateMany({ where: { id: doc.id, scanState: 'pending' }, data: { scanState: outcome.state, scanDetail: detail, scannedAt: new Date() } });
        if (changed.count === 0) return [];
        await tx.auditEvent.create({
          data: {
            key: `document:${doc.id}:scanned`, workflowId: subject?.workflowId ?? null, subjectType: doc.subjectType, subjectId: doc.subjectId,
            actorRole: 'system', action: `document_${outcome.state === 'clean' ? 'scanned_clean' : outcome.state}`,
            data: { documentId: doc.id, name: doc.name, sha256: doc.sha256, ...(detail ? { finding: detail } : {}) },
          },
        });
        if (outcome.state !== 'infected' || !subject) return [];
        const data = {
          subjectType: doc.subjectType as SubjectType, subjectId: doc.subjectId, subjectTitle: subject.title, countryCode: subject.countryCode,
          documentName: doc.name, finding: detail ?? undefined,
        };
        const notifications: NotificationRequest[] = [
          ...(doc.uploaderId ? [{ template: 'document_quarantined' as const, to: { userId: doc.uploaderId }, data }] : []),
          { template: 'document_quarantined', to: { role: 'fund_manager' }, data },
        ];
        return enqueueNotifications(tx, { workflowId: `document-${doc.id}`, step, notifications, baseUrl: deps.baseUrl });
      });
      return { state: outcome.state, outboxKeys };
    },

    /** Sends the mails a scan enqueued (the outbox's delivery, as for workflow steps). */
    async deliverDocumentMails(input: { keys: string[] }): Promise<{ sent: number; failed: number; skipped: number }> {
      return deliverOutbox(prisma, deps.mailer, { keys: input.keys }, deps.logger.child({ activity: 'deliverDocumentMails' }));
    },
  };
}
