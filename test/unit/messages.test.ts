import { cancellationRefusal } from '../../domain/cancellation';
import { audienceOfMessage, messageReadRoles, messageSideOf, messageWriteRoles } from '../../domain/messages';
import { PROGRAMME_LIST } from '../../domain/registry';
import type { Actor } from '../../domain/roles';

test('each programme declares its thread: every writing role on exactly one side, every side reaching someone', () => {
  for (const p of PROGRAMME_LIST) {
    const roles = p.messages.sides.flatMap((s) => s.roles);
    expect({ programme: p.id, duplicates: roles.filter((r, i) => roles.indexOf(r) !== i) }).toEqual({
      programme: p.id,
      duplicates: [],
    });
    for (const side of p.messages.sides) expect(side.audience.length).toBeGreaterThan(0);
    expect(messageReadRoles(p.id)).toContain('admin');
    expect(messageWriteRoles(p.id)).not.toContain('admin');
    expect(messageWriteRoles(p.id)).not.toContain('reviewer');
  }
});

test('Challenge Fund: the applicant writes to the Country Office and the fund managers, and they to the applicant', () => {
  expect(messageSideOf('challenge_fund', { role: 'applicant' }, {})?.key).toBe('applicant');
  expect(messageSideOf('challenge_fund', { role: 'co_approver' }, {})?.key).toBe('fund');
  expect(messageSideOf('challenge_fund', { role: 'reviewer' }, {})).toBeUndefined();
  expect(audienceOfMessage('challenge_fund', 'applicant').sort()).toEqual(['country_office', 'fund_managers']);
  expect(audienceOfMessage('challenge_fund', 'fund')).toEqual(['owner']);
});

test('Experts on Demand: three sides; only the selected expert has a place on the thread', () => {
  const subject = { selectedExpertId: 'exp-001' };
  expect(messageSideOf('experts_on_demand', { role: 'expert', expertId: 'exp-001' }, subject)?.key).toBe('expert');
  expect(messageSideOf('experts_on_demand', { role: 'expert', expertId: 'exp-002' }, subject)).toBeUndefined();
  expect(messageSideOf('experts_on_demand', { role: 'expert', expertId: 'exp-001' }, {})).toBeUndefined();
  expect(messageSideOf('experts_on_demand', { role: 'expert' }, { selectedExpertId: null })).toBeUndefined();
  expect(audienceOfMessage('experts_on_demand', 'fund').sort()).toEqual(['country_office', 'selected_expert']);
  expect(audienceOfMessage('experts_on_demand', 'expert').sort()).toEqual(['country_office', 'fund_managers']);
});

test('cancellation: fund managers only, before the subject closes, with a reason', () => {
  const fm: Actor = { userId: 'u-fm', role: 'fund_manager' };
  expect(cancellationRefusal(fm, 'mission', 'Partner withdrew')).toBeNull();
  expect(cancellationRefusal({ userId: 'u-co', role: 'co_approver' }, 'mission', 'x')?.code).toBe('forbidden');
  expect(cancellationRefusal(fm, 'closed', 'x')?.code).toBe('not_allowed_now');
  expect(cancellationRefusal(fm, 'withdrawn', 'x')?.code).toBe('not_allowed_now');
  expect(cancellationRefusal(fm, 'mission', '   ')?.code).toBe('invalid');
  expect(cancellationRefusal(fm, 'mission', 'x'.repeat(2001))?.code).toBe('invalid');
});
