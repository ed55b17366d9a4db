// The workflow bundle's entry: every workflow type the worker runs.
export { proposalWorkflow } from './proposal';
export { expertRequestWorkflow } from './expert-request';
export { eventTravelWorkflow } from './event-travel';
export { internshipWorkflow, internshipPostingWorkflow } from './internship';
export { dailyDigestWorkflow } from './digest';
export { documentScanWorkflow } from './document-scan';
export { agreementStampWorkflow } from './agreement-steps';
export { accountMailWorkflow } from './account-mail';
export { callWorkflow } from './call';
