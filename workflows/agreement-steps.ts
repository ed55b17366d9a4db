/**
 * The grant agreement's documents in the proposal workflow: generated when contracting begins,
 * shown to the signers (task context), each signature checked against the exact bytes and the
 * statement shown, and stamped with both signatures once signed. Generated files are scanned like
 * uploads (a child workflow each, abandoned with the parent).
 */
import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { AgreementDocumentRef, GenerateAgreementInput, SignatureInput } from '../activities/documents';
import type { DecisionProblem } from '../domain/tasks';
import { documentScanWorkflow, documentScanWorkflowId } from './document-scan';

const { generateAgreement, stampAgreement } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  // Rendering beats between its steps: an attempt lost with a killed worker is retried after this, not after 2 minutes.
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: ['ValidationError', 'ConfigurationError'],
  },
});

async function scanGenerated(documents: AgreementDocumentRef[]): Promise<void> {
  for (const d of documents) {
    if (d.scanState !== 'pending') continue;
    await startChild(documentScanWorkflow, {
      workflowId: documentScanWorkflowId(d.id),
      args: [{ documentId: d.id }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  }
}

export async function prepareAgreement(input: GenerateAgreementInput): Promise<{ documents: AgreementDocumentRef[] }> {
  const out = await generateAgreement(input);
  await scanGenerated(out.documents);
  return out;
}

export async function stampSignedAgreement(
  input: GenerateAgreementInput & { signatures: SignatureInput[] },
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
