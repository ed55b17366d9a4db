import { reassignProblems, reassignRefusal, type ReassignableTask } from '../../domain/reassignment';

/** Who may reassign a task, and who may receive it (domain/reassignment.ts), rule by rule. */
const person = (userId: string, role: string, extra: { countryCode?: string; institutionId?: string } = {}) => ({
  userId,
  role,
  active: true,
  ...extra,
});
const subject = { ownerInstitutionId: 'inst-hse' };

test('who may reassign: administrators any task named to one person, fund managers the applicant side', () => {
  const review: ReassignableTask = {
    kind: 'review_score',
    assigneeUserId: 'r2',
    assigneeRole: 'reviewer',
    countryCode: 'KG',
  };
  const signature: ReassignableTask = {
    kind: 'contract_signature',
    assigneeUserId: 'a1',
    assigneeRole: 'applicant',
    countryCode: 'KG',
  };
  expect(reassignRefusal(review, { role: 'admin' })).toBeNull();
  expect(reassignRefusal(review, { role: 'fund_manager' })).toMatchObject({ code: 'forbidden' });
  expect(reassignRefusal(signature, { role: 'fund_manager' })).toBeNull();
  expect(reassignRefusal(signature, { role: 'co_approver' })).toMatchObject({ code: 'forbidden' });
  // Waiting for a role or an institution: nothing to reassign. An expert's task stays the expert's.
  expect(
    reassignRefusal({ ...signature, assigneeUserId: null, assigneeInstitutionId: 'inst-hse' }, { role: 'admin' }),
  ).toMatchObject({ code: 'not_allowed_now', message: expect.stringContaining('member of the institution') });
  expect(
    reassignRefusal(
      { kind: 'co_endorsement', assigneeRole: 'co_approver', assigneeCountryCode: 'KG', countryCode: 'KG' },
      { role: 'admin' },
    ),
  ).toMatchObject({ code: 'not_allowed_now' });
  expect(
    reassignRefusal(
      { kind: 'deliverable_submission', assigneeUserId: 'e1', assigneeRole: 'expert', countryCode: 'KG' },
      { role: 'admin' },
    ),
  ).toMatchObject({ code: 'not_allowed_now', message: expect.stringContaining('expert chosen') });
});

test('who may receive it: same role and scope, active, not excluded, not holding it already', () => {
  const revise: ReassignableTask = {
    kind: 'revise',
    assigneeUserId: 'co1',
    assigneeRole: 'co_approver',
    countryCode: 'KG',
    excludeUserIds: ['co9'],
  };
  expect(reassignProblems(revise, person('co2', 'co_approver', { countryCode: 'KG' }), {})).toEqual([]);
  expect(reassignProblems(revise, person('co3', 'co_approver', { countryCode: 'TJ' }), {})).toEqual([
    { path: 'toUserId', message: 'must be a co_approver of the KG Country Office' },
  ]);
  expect(reassignProblems(revise, person('co9', 'co_approver', { countryCode: 'KG' }), {})[0].message).toMatch(
    /may not decide/,
  );
  expect(reassignProblems(revise, person('co1', 'co_approver', { countryCode: 'KG' }), {})[0].message).toMatch(
    /already/,
  );
  expect(
    reassignProblems(revise, { ...person('co2', 'co_approver', { countryCode: 'KG' }), active: false }, {})[0].message,
  ).toBe('the account is not active');
  expect(reassignProblems(revise, person('fm', 'fund_manager'), {})[0].message).toBe(
    'must be a co_approver, as the task asks',
  );

  const signature: ReassignableTask = {
    kind: 'contract_signature',
    assigneeUserId: 'a1',
    assigneeRole: 'applicant',
    countryCode: 'KG',
  };
  expect(reassignProblems(signature, person('a2', 'applicant', { institutionId: 'inst-hse' }), subject)).toEqual([]);
  expect(
    reassignProblems(signature, person('a3', 'applicant', { institutionId: 'inst-tpu' }), subject)[0].message,
  ).toBe("must be a member of the applicant's institution");

  const review: ReassignableTask = {
    kind: 'review_score',
    assigneeUserId: 'r2',
    assigneeRole: 'reviewer',
    countryCode: 'KG',
  };
  expect(
    reassignProblems(review, person('r3', 'reviewer', { institutionId: 'inst-tpu' }), subject, ['r1', 'r2']),
  ).toEqual([]);
  expect(reassignProblems(review, person('r1', 'reviewer'), subject, ['r1', 'r2'])[0].message).toMatch(
    /already has an open/,
  );
  expect(reassignProblems(review, person('r4', 'reviewer', { institutionId: 'inst-hse' }), subject)[0].message).toMatch(
    /conflict of interest/,
  );
});

test('a task of a role the programme scopes to one person (same: userId) stays that person’s', () => {
  const onboarding: ReassignableTask = {
    kind: 'internship_onboarding',
    assigneeUserId: 'student-a',
    assigneeRole: 'applicant',
    countryCode: 'KG',
    programme: 'internships',
  };
  // Internships: a student sees their own applications only; the institution's other students may not take it.
  for (const role of ['admin', 'fund_manager'] as const)
    expect(reassignRefusal(onboarding, { role })).toMatchObject({
      code: 'not_allowed_now',
      message: expect.stringContaining('studentUserId'),
    });
  // The supervisor's, likewise (co_approver scoped to supervisorUserId).
  expect(
    reassignRefusal(
      {
        kind: 'internship_shortlist',
        assigneeUserId: 'co-1',
        assigneeRole: 'co_approver',
        countryCode: 'KG',
        programme: 'internships',
      },
      { role: 'admin' },
    ),
  ).toMatchObject({ code: 'not_allowed_now', message: expect.stringContaining('supervisorUserId') });
  // The same kind of task in a programme scoping applicants by institution is handed on as before.
  expect(
    reassignRefusal(
      { ...onboarding, kind: 'contract_signature', programme: 'challenge_fund' },
      { role: 'fund_manager' },
    ),
  ).toBeNull();
});
