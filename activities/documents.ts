import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { DOCUMENT_TYPE_LABELS, signatureStatement } from '../domain/documents';
import { ruleSetInForce } from '../domain/policy/rules';
import type { AgreementInput, AgreementSignature, SignedBlock } from '../lib/agreement-pdf';
import {
  renderAgreementPdfOffThread as renderAgreementPdf,
  renderIndividualContractPdfOffThread as renderIndividualContractPdf,
} from '../lib/agreement-pdf-thread';
import type { IndividualContractInput, Modality } from '../lib/individual-contract-pdf';
import { DSA_RATES, dsaRateOn } from '../domain/policy/travel';
import { initialScanState, newDocumentId } from '../lib/documents';
import { sha256Of } from '../lib/storage';
import { loadRuleSets } from './policy';
import type { Prisma } from '../generated/prisma/client';
import type { SubjectType } from '../domain/documents';
import type { NotificationRequest } from '../domain/notifications';
import { scanStream, ScannerUnavailableError } from '../lib/clamd';
import { inTransaction } from '../lib/db';
import type { DocumentServices } from '../lib/documents';
import type { ActivityDeps } from './deps';
import { CV_QUARANTINED_TEMPLATE, cvQuarantinedMail } from './notifications/account-mails';
import { deliverOutbox, enqueueNotifications, enqueueRenderedMail } from './notifications/outbox';

export function requireDocuments(deps: ActivityDeps): DocumentServices {
  if (!deps.documents)
    throw ApplicationFailure.nonRetryable('the worker has no document storage configured', 'ConfigurationError');
  return deps.documents;
}

/** Title and country of the proposal or request a document belongs to (mails, agreements). */
export async function subjectSummary(
  prisma: Prisma.TransactionClient | ActivityDeps['prisma'],
  subjectType: SubjectType,
  subjectId: string,
) {
  if (subjectType === 'proposal') {
    const p = await prisma.proposal.findUnique({
      where: { id: subjectId },
      select: { title: true, countryCode: true, workflowId: true },
    });
    return p ?? undefined;
  }
  const r = await prisma.expertRequest.findUnique({
    where: { id: subjectId },
    select: { title: true, countryCode: true, workflowId: true },
  });
  return r ?? undefined;
}

export function createDocumentActivities(deps: ActivityDeps) {
  const { prisma } = deps;

  /** What both versions of an agreement print, per language. */
  async function agreementBase(input: GenerateAgreementInput): Promise<(language: 'en' | 'ru') => AgreementInput> {
    const p = await prisma.proposal.findUniqueOrThrow({
      where: { id: input.proposalId },
      select: {
        title: true,
        summary: true,
        durationMonths: true,
        expectedResults: true,
        requestedAmountCents: true,
        coFinancingCents: true,
        nationalPartner: true,
        countryCode: true,
        institution: { select: { name: true, city: true } },
      },
    });
    const country = await prisma.country.findUnique({
      where: { code: p.countryCode },
      select: { name: true, nameRu: true, office: { select: { name: true } } },
    });
    const ruleSet = ruleSetInForce(await loadRuleSets(prisma), input.date);
    return (language) => ({
      language,
      reference: input.proposalId,
      date: input.date,
      grantor: undpParty(country, p.countryCode, language),
      recipient: { name: p.institution.name, city: p.institution.city },
      nationalPartner: String((p.nationalPartner as { name?: string } | null)?.name ?? ''),
      project: {
        title: p.title,
        summary: p.summary,
        durationMonths: p.durationMonths,
        expectedResults: p.expectedResults,
      },
      amountUsd: p.requestedAmountCents / 100,
      coFinancingUsd: p.coFinancingCents / 100,
      tranches: input.tranches.map((t) => ({
        seq: t.seq,
        amountUsd: t.amountCents / 100,
        milestone: t.milestone,
        dueDate: t.dueDate,
      })),
      ruleSet: { name: ruleSet.name, effectiveFrom: ruleSet.effectiveFrom },
    });
  }

  /** What the individual contract prints, per language: the request, the expert, the rule set and DSA rate in force. */
  async function contractBase(
    input: GenerateContractInput,
  ): Promise<(language: 'en' | 'ru') => IndividualContractInput> {
    const r = await prisma.expertRequest.findUniqueOrThrow({
      where: { id: input.requestId },
      select: {
        title: true,
        objectives: true,
        nationalPartner: true,
        modality: true,
        workingDays: true,
        startDate: true,
        endDate: true,
        languages: true,
        destination: true,
        travelDays: true,
        countryCode: true,
      },
    });
    const [country, expert] = await Promise.all([
      prisma.country.findUnique({
        where: { code: r.countryCode },
        select: { name: true, nameRu: true, office: { select: { name: true } } },
      }),
      prisma.expert.findUnique({ where: { id: input.expert.expertId }, select: { email: true } }),
    ]);
    const ruleSet = ruleSetInForce(await loadRuleSets(prisma), input.date);
    const startDate = r.startDate.toISOString().slice(0, 10);
    // The rate the workflow checked the contract with; its date and source when it is the table's rate in force.
    const dsaCents = input.dsaRateCents;
    const tableRate = dsaRateOn(DSA_RATES, r.countryCode, null, startDate);
    const dated = tableRate && Math.round(tableRate.usdPerNight * 100) === dsaCents ? tableRate : null;
    return (language) => ({
      language,
      reference: input.requestId,
      date: input.date,
      undp: undpParty(country, r.countryCode, language),
      contractor: { name: input.expert.name, email: expert?.email ?? null },
      assignment: {
        title: r.title,
        objectives: r.objectives,
        nationalPartner: String((r.nationalPartner as { name?: string } | null)?.name ?? ''),
        modality: r.modality as Modality,
        workingDays: r.workingDays,
        startDate,
        endDate: r.endDate.toISOString().slice(0, 10),
        languages: (r.languages as string[]) ?? [],
      },
      dailyFeeUsd: input.dailyFeeCents / 100,
      contractValueUsd: input.contractValueCents / 100,
      deliverables: input.deliverables.map((d) => ({
        seq: d.seq,
        title: d.title,
        amountUsd: d.amountCents / 100,
        dueDate: d.dueDate,
      })),
      travel:
        r.modality === 'mission' && dsaCents !== null
          ? {
              destination: r.destination ?? '',
              travelDays: r.travelDays ?? 0,
              dsaPerDayUsd: dsaCents / 100,
              dsaValidFrom: dated?.validFrom ?? null,
              dsaSource: (language === 'ru' ? dated?.sourceRu : dated?.source) ?? null,
            }
          : null,
      ruleSet: {
        name: ruleSet.name,
        effectiveFrom: ruleSet.effectiveFrom,
        dailyFeeApprovalThresholdUsd: ruleSet.rules.icDailyFeeApprovalThresholdCents / 100,
      },
      exceptionNote: input.exceptionNote,
    });
  }

  /**
   * Runs an activity's work while telling the server, every few seconds, that the attempt is alive:
   * an attempt lost with a killed worker is retried after the heartbeat timeout, and one that only
   * waits (for a render thread under load) is not taken for dead and run twice. The signal aborts
   * when the server has given the attempt up (cancelled, or timed out after all).
   */
  async function whileBeating<T>(detail: string, work: (signal?: AbortSignal) => Promise<T>): Promise<T> {
    let context: Context;
    try {
      context = Context.current();
    } catch {
      return work(); // called outside an activity (a test calling it directly)
    }
    context.heartbeat(detail);
    const beat = setInterval(() => context.heartbeat(detail), HEARTBEAT_EVERY_MS);
    try {
      return await work(context.cancellationSignal);
    } finally {
      clearInterval(beat);
    }
  }

  /**
   * Scans a file the system has just made, within the same activity: clamd answers for a small PDF
   * in milliseconds, where a scan workflow per generated file would double the work of contracting.
   * A scan that cannot run now leaves the file pending; the workflow then starts its scan workflow,
   * which retries until clamd answers.
   */
  async function scanGeneratedNow(documentId: string): Promise<string> {
    try {
      const { state, outboxKeys } = await scanOne({ documentId });
      if (outboxKeys.length)
        await deliverOutbox(
          prisma,
          deps.mailer,
          { keys: outboxKeys },
          deps.logger.child({ activity: 'scanGenerated' }),
        );
      return state;
    } catch (err) {
      deps.logger.warn(
        { event: 'generated_scan_deferred', documentId, err: err instanceof Error ? err.message : String(err) },
        'generated document not scanned now; its scan workflow will',
      );
      const doc = await prisma.document.findUniqueOrThrow({ where: { id: documentId }, select: { scanState: true } });
      return doc.scanState;
    }
  }

  /** Stores one generated version (or returns the one a previous run stored). */
  async function storeGenerated(
    spec: GeneratedDocumentSpec,
    language: 'en' | 'ru',
    version: number,
    previousId: string | null,
    render: (signal?: AbortSignal) => Promise<Uint8Array>,
    signal?: AbortSignal,
  ): Promise<AgreementDocumentRef> {
    const documents = requireDocuments(deps);
    const generatedKey = `${spec.workflowId}:${spec.documentType}:${language}:v${version}`;
    const ref = async (d: {
      id: string;
      sha256: string;
      name: string;
      scanState: string;
    }): Promise<AgreementDocumentRef> => ({
      ...d,
      scanState: d.scanState === 'pending' ? await scanGeneratedNow(d.id) : d.scanState,
      language,
      statement: signatureStatement(spec.documentType, language),
    });
    const existing = await prisma.document.findUnique({ where: { generatedKey } });
    if (existing) return ref(existing);
    const bytes = Buffer.from(await render(signal));
    signal?.throwIfAborted();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agreement-'));
    try {
      const file = path.join(dir, 'agreement.pdf');
      fs.writeFileSync(file, bytes);
      const { sha256, size } = await sha256Of(fs.createReadStream(file));
      const storageKey = await documents.storage.putFile(file, sha256, size);
      const name = `${DOCUMENT_TYPE_LABELS[spec.documentType][language]} ${spec.subjectId}${version > 1 ? (language === 'ru' ? ' (подписано)' : ' (signed)') : ''} ${language.toUpperCase()}.pdf`;
      const id = newDocumentId();
      const created = await prisma.$transaction(async (tx) => {
        const again = await tx.document.findUnique({ where: { generatedKey } });
        if (again) return again;
        const d = await tx.document.create({
          data: {
            id,
            subjectType: spec.subjectType,
            subjectId: spec.subjectId,
            documentType: spec.documentType,
            version,
            previousId,
            name,
            size,
            sha256,
            storageKey,
            contentType: 'application/pdf',
            language,
            scanState: initialScanState(documents.scanner),
            uploaderId: null,
            generatedKey,
          },
        });
        await tx.auditEvent.create({
          data: {
            key: `document:${generatedKey}`,
            workflowId: spec.workflowId,
            subjectType: spec.subjectType,
            subjectId: spec.subjectId,
            actorRole: 'system',
            action: version > 1 ? 'agreement_stamped' : 'agreement_generated',
            data: { documentId: id, name, language, version, sha256, size },
          },
        });
        return d;
      });
      return ref(created);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** How a generated document renders in each language; with `signed`, its stamped version. */
  async function rendererOf(
    input: GeneratedInput,
  ): Promise<(language: 'en' | 'ru', signed?: SignedBlock) => (signal?: AbortSignal) => Promise<Uint8Array>> {
    if (input.documentType === 'individual_contract') {
      const base = await contractBase(input);
      return (language, signed) => (abort) => renderIndividualContractPdf({ ...base(language), signed }, abort);
    }
    const base = await agreementBase(input);
    return (language, signed) => (abort) => renderAgreementPdf({ ...base(language), signed }, abort);
  }

  /** Version 1 of a generated document in English and Russian. */
  async function generateVersions(
    input: GeneratedInput,
    signal?: AbortSignal,
  ): Promise<{ documents: AgreementDocumentRef[] }> {
    const render = await rendererOf(input);
    const documents: AgreementDocumentRef[] = [];
    for (const language of ['en', 'ru'] as const)
      documents.push(await storeGenerated(specOf(input), language, 1, null, render(language), signal));
    return { documents };
  }

  return {
    /**
     * Scans one document with clamd and records the outcome (pending → clean | infected |
     * scan_failed) with its audit event, and for malware the mails to the uploader and the fund
     * managers, in one transaction. clamd unreachable or failing: throws, Temporal retries, the
     * document stays pending. Idempotent: a document no longer pending is not scanned again.
     */
    async scanDocument(input: { documentId: string }): Promise<{ state: string; outboxKeys: string[] }> {
      return whileBeating(`scanning ${input.documentId}`, () => scanOne(input));
    },

    /**
     * The grant agreement in English and Russian, stored as documents (one per language). Idempotent:
     * each version has a generatedKey, so a retry returns the documents stored by the first run.
     */
    async generateAgreement(input: GenerateAgreementInput): Promise<{ documents: AgreementDocumentRef[] }> {
      return whileBeating(`generating the agreement of ${input.proposalId}`, (signal) =>
        generateVersions({ ...input, documentType: 'grant_agreement' }, signal),
      );
    },

    /**
     * The expert's individual contract in English and Russian, stored as documents of the request
     * (one per language), scanned like uploads. Idempotent like generateAgreement.
     */
    async generateIndividualContract(input: GenerateContractInput): Promise<{ documents: AgreementDocumentRef[] }> {
      return whileBeating(`generating the individual contract of ${input.requestId}`, (signal) =>
        generateVersions({ ...input, documentType: 'individual_contract' }, signal),
      );
    },

    /**
     * After both signatures on a grant agreement or an individual contract: records each (signer,
     * time, SHA-256 of the version signed, the statement confirmed) and stores the stamped document,
     * with both signatures, as version 2 of each language. Idempotent like generateAgreement.
     */
    async stampAgreement(input: StampInput): Promise<{ documents: AgreementDocumentRef[] }> {
      return whileBeating(`stamping the ${input.documentType} of ${specOf(input).subjectId}`, (signal) =>
        stampWithSignatures(input, signal),
      );
    },

    /** Sends the mails a scan enqueued (the outbox's delivery, as for workflow steps). */
    async deliverDocumentMails(input: { keys: string[] }): Promise<{ sent: number; failed: number; skipped: number }> {
      return deliverOutbox(
        prisma,
        deps.mailer,
        { keys: input.keys },
        deps.logger.child({ activity: 'deliverDocumentMails' }),
      );
    },
  };

  async function scanOne(input: { documentId: string }): Promise<{ state: string; outboxKeys: string[] }> {
    const documents = requireDocuments(deps);
    const doc = await prisma.document.findUnique({ where: { id: input.documentId } });
    if (!doc) throw ApplicationFailure.nonRetryable(`no document ${input.documentId}`, 'NotFound');
    if (doc.scanState !== 'pending') return { state: doc.scanState, outboxKeys: [] };
    if (documents.scanner.mode === 'off')
      throw ApplicationFailure.nonRetryable('the scanner is off; the document stays pending', 'ScannerOff');
    let outcome;
    try {
      outcome = await scanStream(
        { address: documents.scanner.address, timeoutMs: documents.scanner.timeoutMs },
        await documents.storage.read(doc.storageKey),
      );
    } catch (err) {
      if (err instanceof ScannerUnavailableError) {
        deps.logger.warn(
          { event: 'scan_retry', documentId: doc.id, attempt: Context.current().info.attempt, err: err.message },
          'malware scan not possible now; will retry',
        );
      }
      throw err;
    }
    const detail =
      outcome.state === 'infected' ? outcome.signature : outcome.state === 'scan_failed' ? outcome.reason : null;
    // A CV on a roster profile belongs to no programme subject: audited, shown on the profile, mailed on its own template.
    const subject =
      doc.subjectType === 'expert'
        ? undefined
        : await subjectSummary(prisma, doc.subjectType as SubjectType, doc.subjectId);
    const step = `scan:${doc.id}`;
    const outboxKeys = await inTransaction(prisma, async (tx) => {
      const changed = await tx.document.updateMany({
        where: { id: doc.id, scanState: 'pending' },
        data: { scanState: outcome.state, scanDetail: detail, scannedAt: new Date() },
      });
      if (changed.count === 0) return [];
      await tx.auditEvent.create({
        data: {
          key: `document:${doc.id}:scanned`,
          workflowId: subject?.workflowId ?? null,
          subjectType: doc.subjectType,
          subjectId: doc.subjectId,
          actorRole: 'system',
          action: `document_${outcome.state === 'clean' ? 'scanned_clean' : outcome.state}`,
          data: { documentId: doc.id, name: doc.name, sha256: doc.sha256, ...(detail ? { finding: detail } : {}) },
        },
      });
      if (outcome.state !== 'infected') return [];
      if (doc.subjectType === 'expert') return enqueueCvQuarantined(tx, doc, detail);
      if (!subject) return [];
      const data = {
        subjectType: doc.subjectType as SubjectType,
        subjectId: doc.subjectId,
        subjectTitle: subject.title,
        countryCode: subject.countryCode,
        documentName: doc.name,
        finding: detail ?? undefined,
      };
      const notifications: NotificationRequest[] = [
        ...(doc.uploaderId
          ? [{ template: 'document_quarantined' as const, to: { userId: doc.uploaderId }, data }]
          : []),
        { template: 'document_quarantined', to: { role: 'fund_manager' }, data },
      ];
      return enqueueNotifications(tx, {
        workflowId: `document-${doc.id}`,
        step,
        notifications,
        baseUrl: deps.baseUrl,
      });
    });
    return { state: outcome.state, outboxKeys };
  }

  /** The quarantined-CV mail to its uploader and the fund managers, each linking to where they see the profile. */
  async function enqueueCvQuarantined(
    tx: Prisma.TransactionClient,
    doc: { id: string; subjectId: string; name: string; uploaderId: string | null },
    finding: string | null,
  ): Promise<string[]> {
    const expert = await tx.expert.findUnique({ where: { id: doc.subjectId }, select: { name: true } });
    const uploader = doc.uploaderId
      ? await tx.user.findUnique({ where: { id: doc.uploaderId }, select: { expertId: true } })
      : null;
    const base = deps.baseUrl.replace(/\/+$/, '');
    return enqueueRenderedMail(tx, {
      workflowId: `document-${doc.id}`,
      step: `scan:${doc.id}`,
      template: CV_QUARANTINED_TEMPLATE,
      to: [...(doc.uploaderId ? [{ userId: doc.uploaderId }] : []), { role: 'fund_manager' }],
      render: (language, userId) => {
        const isUploader = userId !== null && userId === doc.uploaderId;
        const own = isUploader && uploader?.expertId === doc.subjectId;
        return cvQuarantinedMail(language, {
          documentName: doc.name,
          finding,
          expertName: expert?.name ?? doc.subjectId,
          url: own ? `${base}/app/profile` : `${base}/app/roster/${encodeURIComponent(doc.subjectId)}`,
          uploader: isUploader,
        });
      },
    });
  }

  async function stampWithSignatures(
    input: StampInput,
    signal?: AbortSignal,
  ): Promise<{ documents: AgreementDocumentRef[] }> {
    const spec = specOf(input);
    const originals = await prisma.document.findMany({
      where: {
        subjectType: spec.subjectType,
        subjectId: spec.subjectId,
        documentType: spec.documentType,
        version: 1,
        uploaderId: null,
      },
    });
    const users = await prisma.user.findMany({
      where: { id: { in: input.signatures.map((s) => s.userId) } },
      select: { id: true, name: true, role: true, countryCode: true, institution: { select: { name: true } } },
    });
    const offices = await prisma.countryOffice.findMany({ select: { countryCode: true, name: true } });
    const signed: AgreementSignature[] = [];
    for (const s of input.signatures) {
      const doc = originals.find((d) => d.sha256 === s.documentSha256);
      if (!doc)
        throw ApplicationFailure.nonRetryable(
          `no ${spec.documentType} with SHA-256 ${s.documentSha256}`,
          'ValidationError',
        );
      const user = users.find((u) => u.id === s.userId);
      await prisma.$transaction([
        prisma.documentSignature.upsert({
          where: { id: `${doc.id}:${s.userId}` },
          update: {},
          create: {
            id: `${doc.id}:${s.userId}`,
            documentId: doc.id,
            signerId: s.userId,
            signerRole: s.role,
            sha256: s.documentSha256,
            statement: s.statement,
            signedAt: new Date(s.at),
          },
        }),
        prisma.auditEvent.upsert({
          where: { key: `${input.workflowId}:signed:${s.userId}` },
          update: {},
          create: {
            key: `${input.workflowId}:signed:${s.userId}`,
            workflowId: input.workflowId,
            subjectType: spec.subjectType,
            subjectId: spec.subjectId,
            actorId: s.userId,
            actorRole: s.role,
            action: 'document_signed',
            comment: s.statement,
            data: { documentId: doc.id, sha256: s.documentSha256, language: doc.language, signedAt: s.at },
          },
        }),
      ]);
      // An expert signs in person (the individual contractor); others for their institution or office.
      const organisation =
        s.role === 'expert'
          ? ''
          : (user?.institution?.name ?? offices.find((o) => o.countryCode === user?.countryCode)?.name ?? 'UNDP');
      signed.push({
        name: user?.name ?? s.userId,
        role: s.role,
        organisation,
        at: s.at,
        sha256: s.documentSha256,
        statement: s.statement,
      });
    }
    const render = await rendererOf(input);
    const documents: AgreementDocumentRef[] = [];
    for (const language of ['en', 'ru'] as const) {
      const previous = originals.find((d) => d.language === language);
      documents.push(
        await storeGenerated(
          spec,
          language,
          2,
          previous?.id ?? null,
          render(language, { signatures: signed, unsignedSha256: previous?.sha256 ?? '' }),
          signal,
        ),
      );
    }
    return { documents };
  }
}

/** UNDP as a party of an agreement or contract: the partnership, the Country Office and its country. */
function undpParty(
  country: { name: string; nameRu: string; office: { name: string } | null } | null,
  countryCode: string,
  language: 'en' | 'ru',
): { name: string; office: string; country: string } {
  return {
    name:
      language === 'ru'
        ? 'Программа развития ООН (ПРООН), Партнёрство Россия–ПРООН'
        : 'United Nations Development Programme (UNDP), Russia-UNDP Partnership',
    office: country?.office?.name ?? (language === 'ru' ? 'Страновой офис ПРООН' : 'UNDP Country Office'),
    country: (language === 'ru' ? country?.nameRu : country?.name) ?? countryCode,
  };
}

/** Where a generated document belongs and what it is (its key, name and signature statement follow). */
interface GeneratedDocumentSpec {
  subjectType: 'proposal' | 'expert_request';
  subjectId: string;
  workflowId: string;
  documentType: 'grant_agreement' | 'individual_contract';
}

/** A generated document's own input: the grant agreement of a proposal or the individual contract of a request. */
export type GeneratedInput =
  | (GenerateAgreementInput & { documentType: 'grant_agreement' })
  | (GenerateContractInput & { documentType: 'individual_contract' });

/** A signed document to stamp: its input and the signatures both parties made. */
export type StampInput = GeneratedInput & { signatures: SignatureInput[] };

const specOf = (input: GeneratedInput): GeneratedDocumentSpec =>
  input.documentType === 'individual_contract'
    ? {
        subjectType: 'expert_request',
        subjectId: input.requestId,
        workflowId: input.workflowId,
        documentType: 'individual_contract',
      }
    : {
        subjectType: 'proposal',
        subjectId: input.proposalId,
        workflowId: input.workflowId,
        documentType: 'grant_agreement',
      };

/** Well inside the agreement activities' heartbeat timeout (workflows/agreement-steps.ts). */
const HEARTBEAT_EVERY_MS = 2_000;

// ---------------------------------------------------------------- generated agreements

export interface AgreementDocumentRef {
  id: string;
  language: 'en' | 'ru';
  sha256: string;
  name: string;
  scanState: string;
  /** What a signer of this version confirms (domain/documents.ts signatureStatement). */
  statement: string;
}

export interface AgreementTranche {
  seq: number;
  amountCents: number;
  milestone: string;
  dueDate: string;
}

export interface GenerateAgreementInput {
  proposalId: string;
  workflowId: string;
  /** The Clock's instant when contracting began (the agreement's date; deterministic bytes on a retry). */
  date: string;
  tranches: AgreementTranche[];
}

export interface SignatureInput {
  userId: string;
  role: string;
  at: string;
  documentSha256: string;
  statement: string;
}

export interface GenerateContractInput {
  requestId: string;
  workflowId: string;
  /** The Clock's instant when the contract was drafted (its date; deterministic bytes on a retry). */
  date: string;
  expert: { expertId: string; name: string };
  dailyFeeCents: number;
  contractValueCents: number;
  deliverables: { seq: number; title: string; amountCents: number; dueDate: string }[];
  /** The DSA rate the contract was checked with (a mission), per day. */
  dsaRateCents: number | null;
  exceptionNote: string | null;
}
