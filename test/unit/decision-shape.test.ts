import { checkDecisionShape } from '../../domain/tasks';

/** The one decision-shape check (domain/tasks.ts): the API runs it before the round trip, the workflow's validator again. */
describe('checkDecisionShape', () => {
  test('a decision the task kind does not offer names the ones it does', () => {
    expect(checkDecisionShape('co_endorsement', { decision: 'approve' })).toEqual([
      { path: 'decision', message: 'must be one of: endorse, reject, request_changes' },
    ]);
  });

  test('unknown keys of the data are reported one by one, beside the missing and mistyped ones', () => {
    const problems = checkDecisionShape('assign_reviewers', {
      decision: 'assign',
      data: { reviewerIds: 'u-1', extra: true, other: 1 },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'data.extra', message: 'unknown field' },
        { path: 'data.other', message: 'unknown field' },
        expect.objectContaining({ path: 'data.reviewerIds' }),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  test('a well-formed decision passes; a decision that needs a comment says so', () => {
    expect(checkDecisionShape('assign_reviewers', { decision: 'assign', data: { reviewerIds: ['u-1'] } })).toEqual([]);
    expect(checkDecisionShape('co_endorsement', { decision: 'request_changes' })).toEqual([
      { path: 'comment', message: 'a comment is required for this decision' },
    ]);
  });
});
