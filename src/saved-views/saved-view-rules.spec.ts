import { canonicalInboxQuery, checkViewName, VIEW_NAME_MAX } from './saved-view-rules';

describe('canonicalInboxQuery', () => {
  it('keeps the filters in one order, statuses in the state machine order, without paging or language', () => {
    expect(canonicalInboxQuery({ sort: 'decisionDueAt', status: ['in_review', 'submitted', 'in_review'], cursor: 'abc', lang: 'en', q: ' Cardio ' })).toBe('status=submitted&status=in_review&q=Cardio&sort=decisionDueAt');
  });

  it('reads the API form of statuses (a comma list) the same as repeated ones', () => {
    expect(canonicalInboxQuery({ status: 'info_requested,submitted' })).toBe(canonicalInboxQuery({ status: ['submitted', 'info_requested'] }));
  });

  it('drops empty values and unknown statuses, and keeps the first value of a repeated filter', () => {
    expect(canonicalInboxQuery({ programme: '', assignee: ['me', 'unassigned'], status: ['nonsense'], sla: '  ' })).toBe('assignee=me');
  });

  it('is empty for no filter', () => {
    expect(canonicalInboxQuery({})).toBe('');
  });
});

describe('checkViewName', () => {
  it('trims and collapses whitespace', () => {
    expect(checkViewName('  Mes   dossiers ')).toEqual({ ok: true, name: 'Mes dossiers' });
  });

  it('refuses a blank or missing name and a name too long', () => {
    expect(checkViewName('   ')).toEqual({ ok: false, code: 'name_required' });
    expect(checkViewName(undefined)).toEqual({ ok: false, code: 'name_required' });
    expect(checkViewName('x'.repeat(VIEW_NAME_MAX))).toEqual({ ok: true, name: 'x'.repeat(VIEW_NAME_MAX) });
    expect(checkViewName('x'.repeat(VIEW_NAME_MAX + 1))).toEqual({ ok: false, code: 'name_too_long' });
  });
});
