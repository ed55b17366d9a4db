import {
  joiningRules,
  invitableBy,
  inviterRoles,
  justInTimeRoles,
  registrationRole,
  roleJoining,
} from '../../domain/joining';
import type { ProgrammeRole, ProgrammeSpec } from '../../domain/programme';
import { SHARED_ROLES } from '../../domain/programmes/roles';
import { PROGRAMME_LIST } from '../../domain/registry';
import { ROLES } from '../../domain/roles';

/**
 * Joining is read from the programme registry: the existing programmes give the roles and the
 * joining the sign-up and invitation routes always had, and a programme that brings new roles
 * (an internship programme: host organisations and candidates register themselves) needs only
 * its registry entry.
 */
type Roles = Pick<ProgrammeSpec, 'id' | 'roles'>;

test('the existing programmes, through the generic path', () => {
  expect([...ROLES].sort()).toEqual([
    'admin',
    'applicant',
    'auditor',
    'co_approver',
    'expert',
    'fund_manager',
    'reviewer',
    'university_contact',
    'unv_officer',
    'unv_volunteer',
  ]);
  // UN Volunteers brings the UNV officer: invited by an administrator, like the other staff roles.
  expect(invitableBy('admin').sort()).toEqual([
    'admin',
    'auditor',
    'co_approver',
    'fund_manager',
    'reviewer',
    'unv_officer',
  ]);
  expect(invitableBy('applicant')).toEqual(['applicant']);
  expect(invitableBy('expert')).toEqual([]);
  // Internships: a university's contacts invite their colleagues, to their own university.
  expect(invitableBy('university_contact')).toEqual(['university_contact']);
  expect(roleJoining('university_contact')).toMatchObject({ invitationScope: 'inviter_institution' });
  expect(inviterRoles().sort()).toEqual(['admin', 'applicant', 'university_contact']);
  expect(justInTimeRoles().sort()).toEqual([
    'admin',
    'auditor',
    'co_approver',
    'fund_manager',
    'reviewer',
    'unv_officer',
  ]);
  expect(registrationRole('institution')).toEqual({ role: 'applicant' });
  expect(registrationRole('expert_profile')).toEqual({ role: 'expert' });
  expect(registrationRole('institution', 'co_approver')).toEqual({
    problem: expect.stringContaining('applicant does'),
  });
  expect(roleJoining('co_approver')).toMatchObject({ invitedBy: ['admin'], invitationScope: 'country' });
  expect(roleJoining('applicant')).toMatchObject({
    approvedBy: 'fund_manager',
    invitationScope: 'inviter_institution',
  });
});

const host: ProgrammeRole = {
  label: { en: 'host organisation', ru: 'принимающая организация' },
  words: {
    role: { en: 'Host organisation', ru: 'Принимающая организация' },
    actor: { en: 'Host organisation', ru: 'Принимающая организация' },
    who: { en: 'the host organisation', ru: 'принимающей организации' },
  },
  joining: {
    selfRegistration: 'institution',
    approvedBy: 'fund_manager',
    invitedBy: ['host'],
    invitationScope: 'inviter_institution',
    oidcJustInTime: false,
    signIn: ['email'],
  },
  scope: { same: 'institutionId' },
};
const candidate: ProgrammeRole = {
  label: { en: 'internship candidate', ru: 'кандидат на стажировку' },
  words: {
    role: { en: 'Internship candidate', ru: 'Кандидат на стажировку' },
    actor: { en: 'Internship candidate', ru: 'Кандидат на стажировку' },
    who: { en: 'the internship candidate', ru: 'кандидата на стажировку' },
  },
  joining: {
    selfRegistration: 'expert_profile',
    approvedBy: 'host',
    invitedBy: [],
    oidcJustInTime: false,
    signIn: ['email'],
  },
  scope: { tasks: [] },
};
const INTERNSHIPS: Roles = {
  id: 'internships',
  roles: {
    host,
    candidate,
    fund_manager: { ...SHARED_ROLES.fund_manager, scope: { all: true } },
    admin: { ...SHARED_ROLES.admin, scope: { all: true } },
  },
};

test('a programme that brings self-registering roles needs only its registry entry', () => {
  const rules = joiningRules([...PROGRAMME_LIST, INTERNSHIPS]);
  expect(rules.roles).toEqual(expect.arrayContaining(['host', 'candidate', ...ROLES]));
  // Two roles register with the institution form now: a registration says which.
  expect(rules.registrationRole('institution')).toEqual({ problem: expect.stringContaining('applicant, host') });
  expect(rules.registrationRole('institution', 'host')).toEqual({ role: 'host' });
  expect(rules.registrationRole('institution', 'applicant')).toEqual({ role: 'applicant' });
  expect(rules.registrationRole('expert_profile', 'candidate')).toEqual({ role: 'candidate' });
  expect(rules.registrationRole('institution', 'candidate')).toEqual({ problem: expect.any(String) });
  // Hosts invite colleagues to their organisation; nobody signs in as a host through OIDC.
  expect(rules.invitableBy('host')).toEqual(['host']);
  expect(rules.inviters()).toContain('host');
  expect(rules.of('host')).toMatchObject({ invitationScope: 'inviter_institution', approvedBy: 'fund_manager' });
  expect(rules.of('candidate')).toMatchObject({ approvedBy: 'host' });
  expect(rules.justInTime()).not.toContain('host');
  expect(rules.label('candidate')).toEqual({ en: 'internship candidate', ru: 'кандидат на стажировку' });
  // The existing roles are unchanged by the new programme.
  expect(rules.invitableBy('admin').sort()).toEqual([
    'admin',
    'auditor',
    'co_approver',
    'fund_manager',
    'reviewer',
    'unv_officer',
  ]);
});

test('a role joins the same way in every programme that has it, and names only roles that exist', () => {
  const otherwise: Roles = {
    id: 'other',
    roles: {
      fund_manager: {
        ...SHARED_ROLES.fund_manager,
        joining: { ...SHARED_ROLES.fund_manager.joining, oidcJustInTime: false },
        scope: { all: true },
      },
    },
  };
  expect(() => joiningRules([...PROGRAMME_LIST, otherwise])).toThrow(/fund_manager joins differently/);
  const orphan: Roles = {
    id: 'orphan',
    roles: { candidate: { ...candidate, joining: { ...candidate.joining, approvedBy: 'host' } } },
  };
  expect(() => joiningRules([...PROGRAMME_LIST, orphan])).toThrow(/candidate names host, which no programme has/);
});
