/**
 * One malware scan per uploaded document (`document-scan-<documentId>`). The scan retries for as
 * long as clamd cannot answer (the document stays pending: nobody but its uploader downloads it),
 * backing off to a try every 15 seconds; it is never marked clean without clamd saying so.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { scanDocument } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  // The scan beats while it runs: one lost with a killed worker is retried after this, not after 5 minutes.
  heartbeatTimeout: '15 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '15 seconds',
    nonRetryableErrorTypes: ['NotFound', 'ConfigurationError', 'ScannerOff'],
  },
});
const { deliverDocumentMails } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

export const documentScanWorkflowId = (documentId: string) => `document-scan-${documentId}`;

export async function documentScanWorkflow(input: { documentId: string }): Promise<string> {
  const { state, outboxKeys } = await scanDocument(input);
  if (outboxKeys.length) await deliverDocumentMails({ keys: outboxKeys });
  return state;
}
