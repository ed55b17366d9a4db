import { DEMO_USERS } from '../../domain/demo';
import { expertRequestPayload, proposalPayload } from '../fixtures/payloads';
import { as, startApiHarness, type ApiHarness, type DemoKey } from '../api/harness';
import { eventually } from '../helpers/wait';

/**
 * The object-level authorization matrix, complete: every object route × every demo user ×
 * objects of its own and of other institutions and countries, against an oracle written from the
 * rules (api/scope.ts documents them) rather than from the code. test/api/access.test.ts holds
 * the hand-picked cases and the 401s; this file sweeps tasks of every kind of assignee, subjects
 * of two countries and two institutions, and the audit trail of each. No cell that the oracle
 * refuses may succeed, and nothing is decided or withdrawn by the sweep.
 */
let h: ApiHarness;

type User = { id: string; role: string; countryCode?: string; institutionId?: string; expertId?: string };
const USERS = Object.keys(DEMO_USERS) as DemoKey[];
const u = (who: DemoKey) => DEMO_USERS[who] as User;

interface Subject {
  name: string;
  type: 'proposal' | 'expert_request';
  id: string;
  countryCode: string;
  institutionId?: string;
  /** users with a review or invitation task on it */
  involved: string[];
}
interface TaskCell {
  name: string;
  id: string;
  countryCode: string;
  assigneeUserId: string | null;
  assigneeRole: string;
  assigneeInstitutionId: string | null;
  excluded: string[];
  body: Record<string, unknown>;
}

const subjects: Subject[] = [];
const tasks: TaskCell[] = [];

/** The subject's open task of `kind`, waited for: automatic steps after a decision may come before it opens. */
async function openTaskOf(
  subjectId: string,
  kind: string,
  match: (t: { assigneeUserId: string | null }) => boolean = () => true,
) {
  const t = await eventually(async () =>
    (await h.db.prisma.task.findMany({ where: { subjectId, kind, status: 'open' } })).find(match),
  ).catch(() => undefined);
  if (!t) throw new Error(`no open ${kind} on ${subjectId}`);
  return t;
}

async function decideAs(who: DemoKey, taskId: string, body: Record<string, unknown>) {
  const res = await as(h.app, await h.token(who)).post(`/tasks/${encodeURIComponent(taskId)}/decision`, body);
  if (res.status !== 200) throw new Error(`${who} ${taskId}: ${res.status} ${JSON.stringify(res.body)}`);
}

beforeAll(async () => {
  h = await startApiHarness('authz');
  const create = async (who: DemoKey, path: string, body: unknown) => {
    const res = await as(h.app, await h.token(who)).post(path, body);
    if (res.status !== 201) throw new Error(`${path} as ${who}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const pKgTpu = await create('applicant', '/proposals', proposalPayload({ title: 'KG TPU' }));
  const pKgHse = await create('applicant2', '/proposals', proposalPayload({ title: 'KG HSE' }));
  const pTjTpu = await create(
    'applicant',
    '/proposals',
    proposalPayload({ title: 'TJ TPU', callId: 'call-tj', countryCode: 'TJ' }),
  );
  const pRevHse = await create('applicant2', '/proposals', proposalPayload({ title: 'KG HSE to revise' }));
  const erKg = await create('coKg', '/expert-requests', expertRequestPayload({ title: 'KG request' }));
  const erTj = await create(
    'coTj',
    '/expert-requests',
    expertRequestPayload({ title: 'TJ request', countryCode: 'TJ' }),
  );

  await decideAs('coKg', (await openTaskOf(pKgTpu, 'co_endorsement')).id, { decision: 'endorse' });
  await decideAs('fundManager', (await openTaskOf(pKgTpu, 'assign_reviewers')).id, {
    decision: 'assign',
    data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] },
  });
  await decideAs('coKg', (await openTaskOf(pRevHse, 'co_endorsement')).id, {
    decision: 'request_changes',
    comment: 'Add the letter of intent',
  });
  await decideAs('coKg2', (await openTaskOf(erKg, 'co_endorsement')).id, { decision: 'endorse' });
  await decideAs('fundManager', (await openTaskOf(erKg, 'shortlist_review')).id, { decision: 'confirm' });

  const reviewers = [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id];
  // The invitations open in the step after the confirmation (their dates come from the Clock).
  const invited = (
    await eventually(async () => {
      const rows = await h.db.prisma.task.findMany({
        where: { subjectId: erKg, kind: 'invitation_response', status: 'open' },
      });
      return rows.length ? rows : undefined;
    })
  ).map((t) => t.assigneeUserId!);
  expect(invited).toContain(DEMO_USERS.expert1.id);
  expect(invited).not.toContain(DEMO_USERS.expert2.id);
  subjects.push(
    {
      name: 'proposal KG/TPU in review',
      type: 'proposal',
      id: pKgTpu,
      countryCode: 'KG',
      institutionId: 'inst-tpu',
      involved: reviewers,
    },
    {
      name: 'proposal KG/HSE',
      type: 'proposal',
      id: pKgHse,
      countryCode: 'KG',
      institutionId: 'inst-hse',
      involved: [],
    },
    {
      name: 'proposal TJ/TPU',
      type: 'proposal',
      id: pTjTpu,
      countryCode: 'TJ',
      institutionId: 'inst-tpu',
      involved: [],
    },
    {
      name: 'proposal KG/HSE to revise',
      type: 'proposal',
      id: pRevHse,
      countryCode: 'KG',
      institutionId: 'inst-hse',
      involved: [],
    },
    { name: 'request KG, invitations out', type: 'expert_request', id: erKg, countryCode: 'KG', involved: invited },
    { name: 'request TJ', type: 'expert_request', id: erTj, countryCode: 'TJ', involved: [] },
  );
  const cell = async (
    name: string,
    subjectId: string,
    kind: string,
    body: Record<string, unknown>,
    match?: (t: { assigneeUserId: string | null }) => boolean,
  ): Promise<TaskCell> => {
    const t = await openTaskOf(subjectId, kind, match);
    const ctx = await h.db.prisma.task.findUniqueOrThrow({ where: { id: t.id } });
    const excluded =
      kind === 'co_endorsement' && subjectId === erTj
        ? [DEMO_USERS.coTj.id]
        : kind === 'co_endorsement' && subjectId === erKg
          ? [DEMO_USERS.coKg.id]
          : [];
    return {
      name,
      id: t.id,
      countryCode: ctx.countryCode,
      assigneeUserId: t.assigneeUserId,
      assigneeRole: t.assigneeRole,
      assigneeInstitutionId: t.assigneeInstitutionId,
      excluded,
      body,
    };
  };
  tasks.push(
    await cell('CO endorsement KG (proposal)', pKgHse, 'co_endorsement', { decision: 'endorse' }),
    await cell('CO endorsement TJ (proposal)', pTjTpu, 'co_endorsement', { decision: 'endorse' }),
    await cell('CO endorsement TJ (own request excluded)', erTj, 'co_endorsement', { decision: 'endorse' }),
    await cell(
      'conflict declaration of reviewer1',
      pKgTpu,
      'conflict_declaration',
      { decision: 'declare_no_conflict', data: { noConflictDeclared: true } },
      (t) => t.assigneeUserId === DEMO_USERS.reviewer1.id,
    ),
    await cell(
      'conflict declaration of reviewer2',
      pKgTpu,
      'conflict_declaration',
      { decision: 'declare_no_conflict', data: { noConflictDeclared: true } },
      (t) => t.assigneeUserId === DEMO_USERS.reviewer2.id,
    ),
    await cell('revise of applicant2', pRevHse, 'revise', { decision: 'resubmit', data: { title: 'Revised' } }),
    await cell(
      'invitation of expert1',
      erKg,
      'invitation_response',
      { decision: 'accept', data: { availabilityConfirmed: true, noConflictDeclared: true } },
      (t) => t.assigneeUserId === DEMO_USERS.expert1.id,
    ),
  );
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

// ---------------------------------------------------------------- the oracle

function assigned(t: TaskCell, user: User): boolean {
  if (t.assigneeUserId) return t.assigneeUserId === user.id;
  if (t.assigneeInstitutionId) return t.assigneeRole === user.role && user.institutionId === t.assigneeInstitutionId;
  return t.assigneeRole === user.role && (user.role !== 'co_approver' || user.countryCode === t.countryCode);
}
function readsTask(t: TaskCell, user: User): boolean {
  return (
    assigned(t, user) ||
    user.role === 'fund_manager' ||
    user.role === 'admin' ||
    user.role === 'auditor' ||
    (user.role === 'co_approver' && user.countryCode === t.countryCode)
  );
}
/** GET /tasks/:id */
const taskRead = (t: TaskCell, user: User) => (readsTask(t, user) ? 200 : 404);
/** POST /tasks/:id/decision: 'allowed' cells are not sent (they would decide). */
function taskDecide(t: TaskCell, user: User): number | 'allowed' {
  if (user.role === 'admin' || user.role === 'auditor') return 403; // admins and auditors never decide
  if (!readsTask(t, user)) return 404;
  if (!assigned(t, user) || t.excluded.includes(user.id)) return 403;
  return 'allowed';
}
function readsSubject(s: Subject, user: User): number {
  const readRoles =
    s.type === 'proposal'
      ? ['applicant', 'co_approver', 'fund_manager', 'reviewer', 'admin', 'auditor']
      : ['co_approver', 'fund_manager', 'expert', 'admin', 'auditor'];
  if (!readRoles.includes(user.role)) return 403;
  if (user.role === 'fund_manager' || user.role === 'admin' || user.role === 'auditor') return 200;
  if (user.role === 'co_approver') return user.countryCode === s.countryCode ? 200 : 404;
  if (user.role === 'applicant') return user.institutionId === s.institutionId ? 200 : 404;
  return s.involved.includes(user.id) ? 200 : 404; // reviewers and experts: only what they were asked to work on
}
/** POST /proposals/:id/withdraw|resubmit and /expert-requests/:id/withdraw. */
function changesSubject(s: Subject, user: User): number | 'allowed' {
  const role = s.type === 'proposal' ? 'applicant' : 'co_approver';
  if (user.role !== role) return 403;
  const own = s.type === 'proposal' ? user.institutionId === s.institutionId : user.countryCode === s.countryCode;
  return own ? 'allowed' : 404;
}

// ---------------------------------------------------------------- the sweep

test('tasks: every open task × every user, read and decide, as the rules say; nothing decided', async () => {
  const wrong: string[] = [];
  let cells = 0;
  for (const t of tasks) {
    for (const who of USERS) {
      const user = u(who);
      const client = as(h.app, await h.token(who));
      const read = await client.get(`/tasks/${encodeURIComponent(t.id)}`);
      cells++;
      if (read.status !== taskRead(t, user))
        wrong.push(`GET ${t.name} as ${who}: ${read.status}, expected ${taskRead(t, user)}`);
      const expected = taskDecide(t, user);
      if (expected === 'allowed') continue;
      const res = await client.post(`/tasks/${encodeURIComponent(t.id)}/decision`, t.body);
      cells++;
      if (res.status !== expected)
        wrong.push(`POST decision ${t.name} as ${who}: ${res.status} ${res.body?.error?.code}, expected ${expected}`);
    }
  }
  expect(wrong).toEqual([]);
  expect(cells).toBeGreaterThan(150);
  // Nothing was decided by the sweep: every task still open, no decision recorded on it.
  expect(await h.db.prisma.task.count({ where: { id: { in: tasks.map((t) => t.id) }, status: 'open' } })).toBe(
    tasks.length,
  );
  const decided = (
    await h.db.prisma.auditEvent.findMany({ where: { action: 'decision' }, select: { data: true } })
  ).map((a) => (a.data as { taskId: string }).taskId);
  expect(decided.filter((id) => tasks.some((t) => t.id === id))).toEqual([]);
});

test('task lists: each user sees exactly the open tasks assigned to it', async () => {
  for (const who of USERS) {
    const res = await as(h.app, await h.token(who)).get('/tasks?pageSize=100');
    expect(res.status).toBe(200);
    const listed = new Set((res.body.items as { id: string }[]).map((t) => t.id));
    for (const t of tasks) {
      // Offered: assigned, and not among the users who may not decide it (the requester of its request).
      const offered = assigned(t, u(who)) && !t.excluded.includes(u(who).id);
      if (listed.has(t.id) !== offered)
        throw new Error(`GET /tasks as ${who}: ${t.name} ${listed.has(t.id) ? 'listed' : 'missing'}`);
    }
  }
});

test('subjects and their audit trail: every subject × every user × read, withdraw, resubmit, audit', async () => {
  const wrong: string[] = [];
  for (const s of subjects) {
    const base = s.type === 'proposal' ? '/proposals' : '/expert-requests';
    for (const who of USERS) {
      const user = u(who);
      const client = as(h.app, await h.token(who));
      const read = await client.get(`${base}/${s.id}`);
      if (read.status !== readsSubject(s, user))
        wrong.push(`GET ${s.name} as ${who}: ${read.status}, expected ${readsSubject(s, user)}`);
      const change = changesSubject(s, user);
      if (change !== 'allowed') {
        const posts: [string, unknown][] = [[`${base}/${s.id}/withdraw`, { reason: 'not mine' }]];
        if (s.type === 'proposal') posts.push([`${base}/${s.id}/resubmit`, { title: 'Hijacked' }]);
        for (const [path, body] of posts) {
          const res = await client.post(path, body);
          if (res.status !== change)
            wrong.push(`POST ${path} (${s.name}) as ${who}: ${res.status}, expected ${change}`);
        }
      }
      // The audit trail of the subject: the fund manager, admins and auditors only.
      const audit = await client.get(`/audit?subject=${encodeURIComponent(s.id)}`);
      const auditExpected = ['fund_manager', 'admin', 'auditor'].includes(user.role) ? 200 : 403;
      if (audit.status !== auditExpected)
        wrong.push(`GET audit of ${s.name} as ${who}: ${audit.status}, expected ${auditExpected}`);
      if (audit.status === 200 && !(audit.body.items as { subjectId: string }[]).every((e) => e.subjectId === s.id))
        wrong.push(`audit of ${s.name} leaks other subjects`);
    }
  }
  expect(wrong).toEqual([]);
  // Nobody withdrew or resubmitted anything.
  const stages = await Promise.all(
    subjects.map((s) =>
      (s.type === 'proposal'
        ? h.db.prisma.proposal.findUniqueOrThrow({ where: { id: s.id } })
        : h.db.prisma.expertRequest.findUniqueOrThrow({ where: { id: s.id } })
      ).then((r) => r.stage),
    ),
  );
  expect(stages.filter((st) => st === 'withdrawn')).toEqual([]);
  expect((await h.db.prisma.proposal.findUniqueOrThrow({ where: { id: subjects[3].id } })).title).toBe(
    'KG HSE to revise',
  );
});

test('roster profiles: an expert reads and edits only its own; roster roles all; others 403', async () => {
  const wrong: string[] = [];
  for (const expertId of ['exp-001', 'exp-002']) {
    for (const who of USERS) {
      const user = u(who);
      const client = as(h.app, await h.token(who));
      const roster = ['fund_manager', 'co_approver', 'admin'].includes(user.role);
      const readExpected = roster || user.expertId === expertId ? 200 : user.role === 'expert' ? 404 : 403;
      const read = await client.get(`/experts/${expertId}`);
      if (read.status !== readExpected)
        wrong.push(`GET ${expertId} as ${who}: ${read.status}, expected ${readExpected}`);
      const editExpected =
        user.role === 'fund_manager' || user.role === 'admin' || user.expertId === expertId
          ? 'allowed'
          : user.role === 'expert'
            ? 404
            : 403;
      if (editExpected === 'allowed') continue;
      const edit = await client.patch(`/experts/${expertId}`, { bio: `edited by ${who}` });
      if (edit.status !== editExpected)
        wrong.push(`PATCH ${expertId} as ${who}: ${edit.status}, expected ${editExpected}`);
    }
  }
  expect(wrong).toEqual([]);
  const bios = await h.db.prisma.expert.findMany({
    where: { id: { in: ['exp-001', 'exp-002'] } },
    select: { bio: true },
  });
  expect(bios.filter((b) => b.bio?.startsWith('edited by'))).toEqual([]);
});
