/**
 * Generated documents to sign, shared by the programmes: the grant agreement of a proposal and the
 * individual contract of an expert request. Generated when contracting begins and dated by the
 * Clock, shown to the signers (task context `agreement`), each signature checked against the exact
 * bytes and the statement shown (signatureProblems, in the Update validator), and stamped with both
 * signatures once signed. Generated files are scanned like uploads (a child workflow each, abandoned
 * with the parent). Stamping runs in a child workflow of its own: the signatures are recorded with
 * the decisions, and the subject goes on to its mission while the stamped copy is drawn (a render
 * waits its turn for a thread when many documents are signed at once).
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type {
  AgreementDocumentRef,
  GenerateAgreementInput,
  GenerateContractInput,
  GeneratedInput,
  SignatureInput,
  StampInput,
} from '../activities/documents';
import type { DecisionProblem } from '../domain/tasks';
import { documentScanWorkflow, documentScanWorkflowId } from './document-scan';
import type { Decision } from './lifecycle';

const { generateAgreement, generateIndividualContract, stampAgreement } = proxyActivities<Activities>({
  // Generous: under load an attempt may wait its turn for a render thread (beating all the while).
  startToCloseTimeout: '10 minutes',
  // The attempt beats every 2 seconds while it runs: one lost with a killed worker is retried after this.
  heartbeatTimeout: '15 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: ['ValidationError', 'ConfigurationError'],
  },
});

/** The Clock's instant: generated documents and their signatures are dated by the calendar, not the workflow's time. */
const { calendarNow } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Starts a child workflow that outlives this one, unless one with its id already runs or ran: a
 * document's scan has other starters (a restarted worker starts the scans of all pending documents).
 */
async function startOnce(start: () => Promise<unknown>): Promise<void> {
  try {
    await start();
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** Starts the scans of the pending documents at once (one workflow task, not one per document). */
async function scanGenerated(documents: AgreementDocumentRef[]): Promise<void> {
  await Promise.all(
    documents
      .filter((d) => d.scanState === 'pending')
      .map((d) =>
        startOnce(() =>
          startChild(documentScanWorkflow, {
            workflowId: documentScanWorkflowId(d.id),
            args: [{ documentId: d.id }],
            parentClosePolicy: ParentClosePolicy.ABANDON,
          }),
        ),
      ),
  );
}

/** A generated document (EN, RU) as stored, and the Clock's instant it is dated (its stamped version keeps that date). */
export interface PreparedDocument {
  documents: AgreementDocumentRef[];
  date: string;
}

export async function prepareAgreement(input: Omit<GenerateAgreementInput, 'date'>): Promise<PreparedDocument> {
  const date = await calendarNow();
  const out = await generateAgreement({ ...input, date });
  await scanGenerated(out.documents);
  return { ...out, date };
}

/** An expert's individual contract (EN, RU), stored with the request and scanned, before it goes to signature. */
export async function prepareIndividualContract(input: Omit<GenerateContractInput, 'date'>): Promise<PreparedDocument> {
  const date = await calendarNow();
  const out = await generateIndividualContract({ ...input, date });
  await scanGenerated(out.documents);
  return { ...out, date };
}

export const agreementStampWorkflowId = (workflowId: string) => `agreement-stamp-${workflowId}`;

/**
 * Starts the stamping of a signed grant agreement or individual contract (its own workflow, which
 * outlives the subject's); returns once it has started. Each signature names the version signed
 * and confirms its statement (checked by signatureProblems); it is dated by the Clock.
 */
export async function stampSignedAgreement(input: GeneratedInput, decisions: Decision[]): Promise<void> {
  const at = await calendarNow();
  const signatures: SignatureInput[] = decisions.map((d) => ({
    userId: d.actor.userId,
    role: d.actor.role,
    at,
    documentSha256: String(d.data.documentSha256),
    statement: String(d.data.statement),
  }));
  const stamp: StampInput = { ...input, signatures };
  await startOnce(() =>
    startChild(agreementStampWorkflow, {
      workflowId: agreementStampWorkflowId(input.workflowId),
      args: [stamp],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    }),
  );
}

/** Records the signatures on the documents, stores the stamped versions (EN, RU) and scans them. */
export async function agreementStampWorkflow(input: StampInput): Promise<{ documents: AgreementDocumentRef[] }> {
  const out = await stampAgreement(input);
  await scanGenerated(out.documents);
  return out;
}

/**
 * A signature must name one version shown to the signer (its SHA-256) and confirm that version's
 * statement word for word: the Update validator of every workflow whose signature tasks show a
 * generated document (`context.agreement`).
 */
export function signatureProblems(context: Record<string, unknown>, data: Record<string, unknown>): DecisionProblem[] {
  const agreement = context.agreement as { documents: AgreementDocumentRef[] } | undefined;
  if (!agreement) return [];
  const doc = agreement.documents.find((d) => d.sha256 === data.documentSha256);
  if (!doc)
    return [
      {
        path: 'data.documentSha256',
        message: `must be the SHA-256 of the document you read: ${agreement.documents.map((d) => `${d.language} ${d.sha256}`).join(', ')}`,
      },
    ];
  if (data.statement !== doc.statement)
    return [{ path: 'data.statement', message: `confirm the statement "${doc.statement}"` }];
  return [];
}
