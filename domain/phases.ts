/** The phases and outcomes every programme shares (domain/stages.ts tells how programmes map onto them). */
export const PHASES = [
  'intake', // national demand: eligibility / request validation
  'co_endorsement',
  'alignment_check', // UNDAF / Cooperation Framework
  'selection',
  'contracting',
  'mission', // implementation
  'evaluation',
] as const;
export type Phase = (typeof PHASES)[number];

/**
 * closed: completed; rejected: ineligible, not selected, not funded; withdrawn; cancelled;
 * terminated: started, then ended before its term (an internship ended early).
 */
export const OUTCOMES = ['closed', 'rejected', 'withdrawn', 'cancelled', 'terminated'] as const;
export type Outcome = (typeof OUTCOMES)[number];
