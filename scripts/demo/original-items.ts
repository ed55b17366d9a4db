/**
 * The demo items of the two original programmes, driven like the others (scripts/demo/driver.ts):
 * Russian Challenge Fund proposals (awaiting the Country Office's endorsement, in review, under way
 * with its first progress report verified, its tranche paid and its beneficiaries reported) and
 * Experts on Demand requests (awaiting endorsement, an expert on mission, closed with its ratings and
 * reported outputs). Dates are relative to the day an item is first created.
 */
import { EXPERT_REQUEST_EXAMPLE, PROPOSAL_EXAMPLE } from '../../api/examples';
import { addDays } from '../../domain/calendar';
import { DEMO_USERS } from '../../domain/demo';
import type { PrismaClient } from '../../lib/db';
import { createOnce, reached, type DemoHttp, type DemoItem, type DemoStep, type DemoUser } from './driver';

const u = (x: { id: string; email: string }): DemoUser => ({ id: x.id, email: x.email });
const fm = u(DEMO_USERS.fundManager);
const coKg = u(DEMO_USERS.coKg);
const coKg2 = u(DEMO_USERS.coKg2);
const applicant = u(DEMO_USERS.applicant);
const applicant2 = u(DEMO_USERS.applicant2);
const reviewer1 = u(DEMO_USERS.reviewer1);
const reviewer2 = u(DEMO_USERS.reviewer2);

type Body = Record<string, unknown>;
const openKinds = (r: Body) => ((r.openTasks as { kind: string }[] | undefined) ?? []).map((t) => t.kind);
const actions = (r: Body) => ((r.timeline as { action: string }[] | undefined) ?? []).map((e) => e.action);

/**
 * A signature as the signer gives it: the SHA-256 of the agreement version it read (its task shows
 * the versions) and that version's statement, confirmed word for word.
 */
async function signature(http: DemoHttp, user: DemoUser, taskId: string): Promise<Body> {
  const res = await http.call(user, 'GET', `/tasks/${encodeURIComponent(taskId)}`);
  const docs =
    (
      (res.body.context as Body | undefined)?.agreement as
        { documents?: { language: string; sha256: string; statement: string }[] } | undefined
    )?.documents ?? [];
  const doc = docs.find((d) => d.language === 'en') ?? docs[0];
  return { decision: 'sign', ...(doc ? { data: { documentSha256: doc.sha256, statement: doc.statement } } : {}) };
}

/** Results reported once for a task (a later pass finds the report by its task and sends nothing). */
async function reportResults(
  http: DemoHttp,
  user: DemoUser,
  path: string,
  taskId: string,
  values: Record<string, number>,
  note: string,
): Promise<void> {
  const current = await http.call(user, 'GET', `${path}/results`);
  if (current.status !== 200) throw new Error(`results of ${path}: ${current.status} ${JSON.stringify(current.body)}`);
  const reports = (current.body.reports as { taskId?: string | null }[] | undefined) ?? [];
  if (reports.some((r) => r.taskId === taskId)) return;
  const today = String(current.body.today);
  const res = await http.call(user, 'POST', `${path}/results/reports`, {
    periodStart: today,
    periodEnd: today,
    values,
    taskId,
    note,
  });
  if (res.status !== 201) throw new Error(`results of ${path}: ${res.status} ${JSON.stringify(res.body)}`);
}

export function originalProgrammeItems(deps: { http: DemoHttp; prisma: PrismaClient; today: string }): DemoItem[] {
  const { http, prisma, today } = deps;

  /** The people an open task of `kind` on the subject is assigned to, as the read model has them. */
  const assignees =
    (kind: string) =>
    async (subjectId: string): Promise<DemoUser[]> => {
      const rows = await prisma.task.findMany({
        where: { subjectId, kind, status: 'open', assigneeUserId: { not: null } },
        select: { assigneeUserId: true },
      });
      const ids = [...new Set(rows.map((r) => r.assigneeUserId!))];
      if (!ids.length) return [];
      const users = await prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } });
      return users.map(u);
    };
  const signBy = (by: DemoStep['by']): DemoStep => ({
    kind: 'contract_signature',
    by,
    decide: async (task, { user }) => signature(http, user, task.id),
  });

  // ---------- Russian Challenge Fund
  /** A proposal to the seeded Kyrgyzstan call: its first milestone `firstInDays` (< 240) from today (a report opens 14 days before). */
  const proposal = (title: string, summary: string, firstInDays: number) => () => ({
    ...PROPOSAL_EXAMPLE,
    title,
    summary,
    milestones: PROPOSAL_EXAMPLE.milestones.map((m, i) => ({
      ...m,
      // Within the project's 12 months (intake refuses a milestone after its end).
      dueDate: addDays(today, [firstInDays, 240, 330][i]),
    })),
  });
  const endorse: DemoStep = {
    kind: 'co_endorsement',
    by: [coKg],
    decide: async () => ({ decision: 'endorse', comment: 'Matches our Country Programme outcome 2.' }),
  };
  const assignReviewers: DemoStep = {
    kind: 'assign_reviewers',
    by: [fm],
    decide: async (task) => {
      // Two reviewers with no conflict (the task lists them, the eligible ones first).
      const choices = ((task.context?.reviewers as { userId: string; conflict: string | null }[] | undefined) ?? [])
        .filter((c) => !c.conflict)
        .map((c) => c.userId);
      return { decision: 'assign', data: { reviewerIds: choices.slice(0, 2) } };
    },
  };
  const noConflict = (by: DemoUser): DemoStep => ({
    kind: 'conflict_declaration',
    by: [by],
    decide: async () => ({ decision: 'declare_no_conflict', data: { noConflictDeclared: true } }),
  });
  const score = (by: DemoUser, s: [number, number, number]): DemoStep => ({
    kind: 'review_score',
    by: [by],
    decide: async () => ({
      decision: 'submit_score',
      data: { scores: { innovation: s[0], feasibility_sustainability: s[1], social_benefit: s[2] } },
    }),
  });
  const proposalPath = (id: string) => `/proposals/${id}`;

  const challengeFund: DemoItem[] = [
    {
      key: 'demo-rcf-endorsement',
      programme: 'challenge_fund',
      reader: fm,
      create: (key) =>
        createOnce(
          http,
          applicant2,
          'challenge_fund',
          key,
          proposal(
            'Solar water pumping for pasture committees',
            'Solar pumps and a maintenance fund run by three pasture committees in the Issyk-Kul region.',
            120,
          ),
        ),
      target: 'co_endorsement',
      steps: [],
    },
    {
      key: 'demo-rcf-review',
      programme: 'challenge_fund',
      reader: fm,
      create: (key) =>
        createOnce(
          http,
          applicant2,
          'challenge_fund',
          key,
          proposal(
            'Digital land registry pilot for rural municipalities',
            'An open-source land registry for two rural municipalities, with training for their clerks.',
            100,
          ),
        ),
      target: 'selection',
      // Reviewed by one reviewer; the second one's conflict declaration is open (its inbox shows it).
      done: (r) => String(r.stage) === 'selection' && openKinds(r).join() === 'conflict_declaration',
      steps: [endorse, assignReviewers, noConflict(reviewer1), score(reviewer1, [82, 74, 78])],
    },
    {
      key: 'demo-rcf-under-way',
      programme: 'challenge_fund',
      reader: fm,
      create: (key) =>
        createOnce(
          http,
          applicant,
          'challenge_fund',
          key,
          proposal(PROPOSAL_EXAMPLE.title, PROPOSAL_EXAMPLE.summary, 10),
        ),
      target: 'mission',
      // Its first milestone reported, verified and paid; the next report opens 14 days before the second one.
      done: (r) => reached('challenge_fund', String(r.stage), 'mission') && actions(r).includes('tranche_released'),
      steps: [
        endorse,
        assignReviewers,
        noConflict(reviewer1),
        noConflict(reviewer2),
        score(reviewer1, [85, 72, 80]),
        score(reviewer2, [78, 70, 76]),
        {
          kind: 'selection_decision',
          by: [fm],
          decide: async (_task, { id }) => {
            // The targets, stated while they may still change (until the contract is signed).
            const res = await http.call(fm, 'POST', `${proposalPath(id)}/results/targets`, {
              values: {
                beneficiaries: 5400,
                beneficiariesWomen: 2800,
                beneficiariesMen: 2600,
                beneficiariesYouth: 900,
              },
              note: 'Residents of the 12 villages the alerts cover.',
            });
            if (res.status !== 200 && res.status !== 409)
              throw new Error(`targets of ${id}: ${res.status} ${JSON.stringify(res.body)}`);
            return {
              decision: 'select',
              data: { justification: 'Highest score in the call; strong national demand.' },
            };
          },
        },
        signBy([applicant]),
        signBy([coKg]),
        {
          kind: 'progress_report',
          by: [applicant],
          decide: async (task, { id }) => {
            await reportResults(
              http,
              applicant,
              proposalPath(id),
              task.id,
              { beneficiaries: 1850, beneficiariesWomen: 960, beneficiariesMen: 890, beneficiariesYouth: 310 },
              'Sensors installed in four villages; residents trained on the alerts.',
            );
            return {
              decision: 'submit_report',
              data: {
                report: 'Sensors installed in four villages of the Chui valley; SMS alerts tested with the ministry.',
                beneficiariesReached: 1850,
              },
            };
          },
        },
        {
          kind: 'report_verification',
          by: [coKg],
          decide: async () => ({ decision: 'accept', comment: 'Verified on a site visit.' }),
        },
      ],
    },
  ];

  // ---------- Experts on Demand
  /**
   * A request starting `startInDays` from today, for two months. The demo requests' dates do not
   * overlap: the same roster expert may be the best match for each, and is contracted once at a time.
   */
  const expertRequest = (title: string, objectives: string, area: string, startInDays: number) => () => ({
    ...EXPERT_REQUEST_EXAMPLE,
    title,
    objectives,
    thematicAreaId: area,
    startDate: addDays(today, startInDays),
    endDate: addDays(today, startInDays + 60),
    deliverables: [
      { title: 'Inception report', dueDate: addDays(today, startInDays + 16), amountUsd: 2_000 },
      { title: 'Assessment and recommendations', dueDate: addDays(today, startInDays + 56), amountUsd: 4_000 },
    ],
  });
  const eodEndorse: DemoStep = {
    kind: 'co_endorsement',
    by: [coKg2],
    decide: async () => ({ decision: 'endorse', comment: 'Endorsed by the head of office.' }),
  };
  const expertSelected: DemoStep[] = [
    eodEndorse,
    { kind: 'shortlist_review', by: [fm], decide: async () => ({ decision: 'confirm' }) },
    {
      kind: 'invitation_response',
      by: assignees('invitation_response'),
      decide: async () => ({ decision: 'accept', data: { availabilityConfirmed: true, noConflictDeclared: true } }),
    },
    {
      kind: 'candidate_selection',
      by: [coKg],
      decide: async (task) => {
        const candidates = (task.context?.candidates as { expertId: string }[] | undefined) ?? [];
        return { decision: 'select', data: { expertIds: candidates.slice(0, 1).map((c) => c.expertId) } };
      },
    },
    {
      kind: 'fee_approval',
      by: [fm],
      decide: async () => ({ decision: 'approve', data: { justification: 'Rare expertise; approved by the Bureau.' } }),
    },
    signBy(assignees('contract_signature')),
    signBy([coKg]),
  ];
  const eodPath = (id: string) => `/expert-requests/${id}`;

  const expertsOnDemand: DemoItem[] = [
    {
      key: 'demo-eod-endorsement',
      programme: 'experts_on_demand',
      reader: coKg,
      create: (key) =>
        createOnce(
          http,
          coKg,
          'experts_on_demand',
          key,
          expertRequest(
            'Flood early-warning protocol for the Chui river basin',
            'Review the basin early-warning protocol and train the district emergency staff.',
            'disaster-risk-reduction',
            14,
          ),
        ),
      target: 'co_endorsement',
      steps: [],
    },
    {
      key: 'demo-eod-mission',
      programme: 'experts_on_demand',
      reader: coKg,
      create: (key) =>
        createOnce(
          http,
          coKg,
          'experts_on_demand',
          key,
          expertRequest(EXPERT_REQUEST_EXAMPLE.title, EXPERT_REQUEST_EXAMPLE.objectives, 'disaster-risk-reduction', 14),
        ),
      target: 'mission',
      steps: expertSelected,
    },
    {
      key: 'demo-eod-closed',
      programme: 'experts_on_demand',
      reader: coKg,
      create: (key) =>
        createOnce(
          http,
          coKg,
          'experts_on_demand',
          key,
          expertRequest(
            'Seismic safety assessment of schools in Osh',
            'Assess the seismic safety of 20 schools in Osh and recommend retrofitting priorities.',
            'disaster-risk-reduction',
            90,
          ),
        ),
      target: 'closed',
      steps: [
        ...expertSelected,
        {
          kind: 'deliverable_submission',
          by: assignees('deliverable_submission'),
          decide: async (task) => ({
            decision: 'submit_deliverable',
            data: { report: `${String((task.context as Body | null)?.title ?? 'Deliverable')}: submitted.` },
          }),
        },
        { kind: 'deliverable_acceptance', by: [coKg], decide: async () => ({ decision: 'accept' }) },
        {
          kind: 'expert_evaluation',
          by: [coKg],
          decide: async (task, { id }) => {
            await reportResults(
              http,
              coKg,
              eodPath(id),
              task.id,
              { studies: 1, recommendations: 14, trainings: 2, peopleTrained: 45, beneficiaries: 9200 },
              '20 schools assessed; 14 retrofitting recommendations; district engineers trained.',
            );
            return {
              decision: 'submit_evaluation',
              data: { rating: 5, narrative: 'Thorough, on time, well received.' },
            };
          },
        },
        {
          kind: 'assignment_feedback',
          by: assignees('assignment_feedback'),
          decide: async () => ({
            decision: 'submit_feedback',
            data: { rating: 5, narrative: 'Well prepared by the Country Office.' },
          }),
        },
      ],
    },
  ];

  return [...challengeFund, ...expertsOnDemand];
}
