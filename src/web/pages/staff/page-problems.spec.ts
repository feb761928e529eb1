import { BadRequestException, ConflictException, ForbiddenException, UnprocessableEntityException } from '@nestjs/common';
import { programmeFormErrors } from '../admin/admin-programmes.controller';
import { fieldMessages, pageProblemOf } from './page-problems';
import { managesProgramme } from './staff-cohorts.controller';
import { monthStart } from './staff-reports.controller';
import { staffNav } from './staff-nav';

describe('what a page shows of a refusal', () => {
  it('keeps 400, 409 and 422 for the page (with the code and the fields), leaves the rest to the error pages', () => {
    expect(pageProblemOf(new ConflictException({ message: 'full', code: 'cohort_full' }))).toEqual({ status: 409, code: 'cohort_full', fields: [], message: 'full' });
    expect(pageProblemOf(new UnprocessableEntityException('not accepted'))?.status).toBe(422);
    const bad = pageProblemOf(new BadRequestException({ message: ['dueOn out'], errors: [{ field: 'dueOn', messages: ['dueOn out'] }] }));
    expect(bad?.fields).toEqual([{ field: 'dueOn', messages: ['dueOn out'] }]);
    expect(pageProblemOf(new ForbiddenException())).toBeNull();
    expect(pageProblemOf(new Error('boom'))).toBeNull();
  });

  it('puts each field error on its control, in the page language, once per control', () => {
    const t = (key: string, params?: Record<string, unknown>): string => `${key}${params ? JSON.stringify(params) : ''}`;
    const errors = [
      { field: 'name', messages: ['a'] },
      { field: 'name', messages: ['b'] },
      { field: 'rules.conditions[0].op', messages: ['c'] },
      { field: 'mystery', messages: ['d'] },
    ];
    expect(fieldMessages(errors, 'cohorts.errors', t, ['name', 'rules'])).toEqual({
      name: 'cohorts.errors.name',
      rules: 'cohorts.errors.rules',
      mystery: 'admin.errors.invalidField{"field":"mystery"}',
    });
  });

  it('shows the rules problems beside the rules, and a text error on its own control', () => {
    const { controls, ruleProblems } = programmeFormErrors([
      { field: 'rules.conditions[1].when.op', messages: ['rules.conditions[1].when.op: unknown op'] },
      { field: 'name.fr', messages: ['name.fr must be longer'] },
    ]);
    expect([...controls].sort()).toEqual(['nameFr', 'rules']);
    expect(ruleProblems).toEqual(['rules.conditions[1].when.op: unknown op']);
  });
});

describe('who acts on a cohort, and what the navigation offers', () => {
  it('lets managers act on their own programmes and admins on all; advisors read', () => {
    expect(managesProgramme({ role: 'programme_manager', programmes: ['poc-funding'] }, 'poc-funding')).toBe(true);
    expect(managesProgramme({ role: 'programme_manager', programmes: ['poc-funding'] }, 'startup-studio')).toBe(false);
    expect(managesProgramme({ role: 'admin', programmes: [] }, 'startup-studio')).toBe(true);
    expect(managesProgramme({ role: 'advisor', programmes: ['poc-funding'] }, 'poc-funding')).toBe(false);
  });

  it('offers the administration to admins only and marks the current page', () => {
    expect(staffNav({ role: 'advisor' }, '/staff/reports').map((l) => [l.href, l.current])).toEqual([
      ['/staff/inbox', false],
      ['/staff/cohorts', false],
      ['/staff/reports', true],
    ]);
    expect(staffNav({ role: 'admin' }, '/admin/queues').filter((l) => l.href.startsWith('/admin'))).toHaveLength(6);
    expect(staffNav({ role: 'admin' }, '/admin/programmes/poc-funding').filter((l) => l.current).map((l) => l.href)).toEqual(['/admin/programmes']);
    expect(staffNav({ role: 'advisor' }, '/staff/cases/0b9f…').filter((l) => l.current).map((l) => l.href)).toEqual(['/staff/inbox']);
    expect(staffNav({ role: 'advisor' }, '/staff/inbox', false).filter((l) => l.current)).toEqual([]);
  });

  it('starts the default report period on the first of the month', () => {
    expect(monthStart('2027-03-17')).toBe('2027-03-01');
  });
});
