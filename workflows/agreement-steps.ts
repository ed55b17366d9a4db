/**
 * The grant agreement's documents in the proposal workflow: generated when contracting begins,
 * shown to the signers (task context), each signature checked against the exact bytes and the
 * statement shown, and stamped with both signatures once signed. Generated files are scanned like
 * uploads (a child workflow each, abandoned with the parent). Stamping runs in a child workflow of
 * its own: the signatures are recorded with the decisions, and the project goes on to its mission
 * while the stamped copy is drawn (a render waits its turn for a thread when many agreements are
 * signed at once).
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type {
  AgreementDocumentRef,
  GenerateAgreementInput,
  GenerateContractInput,
  GenerateInternshipDocumentInput,
  SignatureInput,
} from '../activities/documents';
import type { DecisionProblem } from '../domain/tasks';
import { documentScanWorkflow, documentScanWorkflowId } from './document-scan';

const { generateAgreement, generateIndividualContract, generateInternshipDocument, stampAgreement } =
  proxyActivities<Activities>({
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

export async function prepareAgreement(input: GenerateAgreementInput): Promise<{ documents: AgreementDocumentRef[] }> {
  const out = await generateAgreement(input);
  await scanGenerated(out.documents);
  return out;
}

/** An expert's individual contract (EN, RU), stored with the request and scanned, before it goes to signature. */
export async function prepareIndividualContract(
  input: GenerateContractInput,
): Promise<{ documents: AgreementDocumentRef[] }> {
  const out = await generateIndividualContract(input);
  await scanGenerated(out.documents);
  return out;
}

/** An internship's agreement or certificate (EN, RU), stored with the application and scanned. */
export async function prepareInternshipDocument(
  input: GenerateInternshipDocumentInput,
): Promise<{ documents: AgreementDocumentRef[] }> {
  const out = await generateInternshipDocument(input);
  await scanGenerated(out.documents);
  return out;
}

export type StampAgreementInput = GenerateAgreementInput & { signatures: SignatureInput[] };

export const agreementStampWorkflowId = (workflowId: string) => `agreement-stamp-${workflowId}`;

/** Starts the stamping (its own workflow, which outlives the proposal's); returns once it has started. */
export async function stampSignedAgreement(input: StampAgreementInput): Promise<void> {
  await startOnce(() =>
    startChild(agreementStampWorkflow, {
      workflowId: agreementStampWorkflowId(input.workflowId),
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    }),
  );
}

/** Records the signatures on the documents, stores the stamped versions (EN, RU) and scans them. */
export async function agreementStampWorkflow(
  input: StampAgreementInput,
): Promise<{ documents: AgreementDocumentRef[] }> {
  const out = await stampAgreement(input);
  await scanGenerated(out.documents);
  return out;
}

/** A signature must name one version shown to the signer (its SHA-256) and confirm that version's statement word for word. */
export function signatureProblems(context: Record<string, unknown>, data: Record<string, unknown>): DecisionProblem[] {
  const agreement = context.agreement as { documents: AgreementDocumentRef[] } | undefined;
  if (!agreement) return [];
  const doc = agreement.documents.find((d) => d.sha256 === data.documentSha256);
  if (!doc)
    return [
      {
        path: 'data.documentSha256',
        message: `must be the SHA-256 of the agreement you read: ${agreement.documents.map((d) => `${d.language} ${d.sha256}`).join(', ')}`,
      },
    ];
  if (data.statement !== doc.statement)
    return [{ path: 'data.statement', message: `confirm the statement "${doc.statement}"` }];
  return [];
}
