import { programmeSpec, withdrawalRefusal } from '../../domain/registry';
import type { Actor } from '../../domain/roles';
import { withdrawingRoles } from '../../api/subject-routes';

/**
 * Scope of one person (`same: 'userId'` on a column of the programme's table) and withdrawal by the
 * one user who owns a subject (`owner_user`): an internship is its student's, not their university's;
 * the programmes whose owner is an institution, a Country Office or an expert keep their rules.
 */
const studentA: Actor = {
  userId: 'u-a',
  role: 'applicant',
  institutionId: 'inst-tpu',
  countryCode: null,
  expertId: null,
};
const studentB: Actor = { ...studentA, userId: 'u-b' };
const owner = { institutionId: 'inst-tpu', countryCode: 'KG', userId: 'u-a' };

test('an internship is withdrawn by the student who applied, not by a fellow student of the same university', () => {
  expect(withdrawalRefusal('internships', studentA, 'selection', owner)).toBeNull();
  expect(withdrawalRefusal('internships', studentB, 'selection', owner)).toMatchObject({ code: 'forbidden' });
  expect(withdrawalRefusal('internships', studentA, 'agreement', owner)).toMatchObject({ code: 'not_allowed_now' });
  expect(withdrawalRefusal('internships', studentA, 'selection', { ...owner, userId: null })).toMatchObject({
    code: 'forbidden',
  });
});

test('the other programmes keep their withdrawal rules', () => {
  // A Challenge Fund proposal is its institution's: a colleague withdraws it.
  expect(withdrawalRefusal('challenge_fund', studentB, 'intake', owner)).toBeNull();
  expect(withdrawingRoles(programmeSpec('challenge_fund'))).toEqual(['applicant']);
  expect(withdrawingRoles(programmeSpec('experts_on_demand'))).toEqual(['co_approver']);
  expect(withdrawingRoles(programmeSpec('event_travel'))).toEqual(['expert']);
  expect(withdrawingRoles(programmeSpec('un_volunteers'))).toEqual(['co_approver']);
  // Internships: the roles that see the subjects they own (the owner column), i.e. the student.
  expect(withdrawingRoles(programmeSpec('internships'))).toEqual(['applicant']);
});

test('scope rules: the student and the supervisor see their own internships by a column of the table', () => {
  const roles = programmeSpec('internships').roles;
  expect(roles.applicant.scope).toEqual({ same: 'userId', column: 'studentUserId' });
  expect(roles.co_approver.scope).toEqual({ same: 'userId', column: 'supervisorUserId' });
  expect(roles.university_contact.scope).toEqual({ same: 'institutionId' });
  expect(programmeSpec('challenge_fund').roles.applicant.scope).toEqual({ same: 'institutionId' });
  expect(programmeSpec('experts_on_demand').roles.co_approver.scope).toEqual({ same: 'countryCode' });
});
