import type { CallCreate, ExpertRequestCreate, ProposalCreate, ProposalData } from '../domain/schemas';

/**
 * Valid request bodies for the seeded demo data (the Kyrgyzstan call and Country Office, the
 * roster's thematic areas): the OpenAPI document's examples and the tests' valid payloads
 * (test/fixtures/payloads.ts), so a client copying an example sends a request that works.
 */
export const PROPOSAL_EXAMPLE: ProposalData = {
  callId: 'call-kg',
  title: 'Glacial lake early warning with low-cost sensors',
  summary: 'Community-run sensor network and SMS alerts for mudflows in the Chui valley.',
  countryCode: 'KG',
  nationalPartner: {
    name: 'Ministry of Emergency Situations',
    contact: 'mes@example.kg',
    demandEvidence: 'Letter of intent No. 14-2/2026 of 12 March 2026',
  },
  sdgs: [13, 11],
  thematicAreaId: 'climate-adaptation',
  requestedAmountUsd: 30_000,
  coFinancingUsd: 8_000,
  durationMonths: 12,
  innovation: 'LoRaWAN sensors built by Tomsk Polytechnic University, solar powered, open firmware.',
  expectedResults: '12 villages covered; alert lead time from 5 to 40 minutes.',
  milestones: [
    { title: 'Sensors installed', dueDate: '2027-03-31' },
    { title: 'Alerting live', dueDate: '2027-06-30' },
    { title: 'Handover to the ministry', dueDate: '2027-09-30' },
  ],
};

/**
 * The same proposal with its budget as line items (the document's example): USD 38,000 in all,
 * 30,000 requested from the fund, 8,000 co-financed (21%), indirect costs 5.6% of the direct ones.
 */
export const PROPOSAL_BUDGET_EXAMPLE: ProposalCreate = {
  ...(({ requestedAmountUsd: _r, coFinancingUsd: _c, ...rest }) => rest)(PROPOSAL_EXAMPLE),
  budget: [
    {
      category: 'personnel',
      description: 'Field engineers',
      unit: 'person-month',
      quantity: 10,
      unitCostUsd: 1_500,
      requestedUsd: 9_000,
      coFinancingCashUsd: 6_000,
      coFinancingInKindUsd: 0,
    },
    {
      category: 'equipment',
      description: 'LoRaWAN sensors and gateways',
      unit: 'unit',
      quantity: 40,
      unitCostUsd: 300,
      requestedUsd: 12_000,
      coFinancingCashUsd: 0,
      coFinancingInKindUsd: 0,
    },
    {
      category: 'travel',
      description: 'Installation trips',
      unit: 'trip',
      quantity: 6,
      unitCostUsd: 500,
      requestedUsd: 3_000,
      coFinancingCashUsd: 0,
      coFinancingInKindUsd: 0,
    },
    {
      category: 'training_events',
      description: 'Village training sessions',
      unit: 'session',
      quantity: 12,
      unitCostUsd: 250,
      requestedUsd: 1_000,
      coFinancingCashUsd: 0,
      coFinancingInKindUsd: 2_000,
    },
    {
      category: 'other',
      description: 'SMS gateway subscription',
      unit: 'year',
      quantity: 1,
      unitCostUsd: 3_000,
      requestedUsd: 3_000,
      coFinancingCashUsd: 0,
      coFinancingInKindUsd: 0,
    },
    {
      category: 'indirect_costs',
      description: 'Administration and audit',
      unit: 'lump sum',
      quantity: 1,
      unitCostUsd: 2_000,
      requestedUsd: 2_000,
      coFinancingCashUsd: 0,
      coFinancingInKindUsd: 0,
    },
  ],
};

export const EXPERT_REQUEST_EXAMPLE: ExpertRequestCreate = {
  countryCode: 'KG',
  title: 'Mudflow hazard mapping for the Naryn region',
  nationalPartner: {
    name: 'Ministry of Emergency Situations',
    contact: 'mes@example.kg',
    demandEvidence: 'Request letter of 2 February 2026',
  },
  objectives: 'Map mudflow hazard zones for 5 mountain villages and recommend protective measures.',
  deliverables: [
    { title: 'Inception report', dueDate: '2027-02-15', amountUsd: 2_000 },
    { title: 'Hazard maps and recommendations', dueDate: '2027-03-31', amountUsd: 4_000 },
  ],
  modality: 'mission',
  workingDays: 20,
  startDate: '2027-02-01',
  endDate: '2027-04-15',
  languages: ['ru'],
  thematicAreaId: 'disaster-risk-reduction',
  sdgs: [11, 13],
  contractValueUsd: 6_000,
  destination: 'Bishkek and Naryn',
  travelDays: 7,
  perDiemUsd: 150,
};

export const CALL_EXAMPLE: CallCreate = {
  countryCode: 'KG',
  title: 'Smart irrigation challenge 2027',
  challengeStatement: 'Cut water losses in Chui valley irrigation by half.',
  opensAt: '2027-01-01',
  closesAt: '2027-03-31',
  minGrantUsd: 20_000,
  maxGrantUsd: 40_000,
  coFinancingMinPct: 20,
  maxDurationMonths: 12,
  rubric: [
    { key: 'innovation', label: 'Innovation', weight: 30, max: 100 },
    { key: 'feasibility', label: 'Feasibility', weight: 70, max: 100 },
  ],
  passMark: 60,
  thematicAreaIds: ['water-resources'],
  requiredDocumentTypes: [],
};

export const EXPERT_EXAMPLE = {
  name: 'Nina Ivanova',
  email: 'nina.ivanova@example.org',
  thematicAreaIds: ['health'],
  languages: ['ru'],
  dailyFeeUsd: 400,
};
