import { FieldValidationException } from '../common/http/validation';
import { checkFunnelQuery, requestedProgramme } from './funnel-query';

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (!(error instanceof FieldValidationException)) throw error;
    return error.fieldErrors.map((e) => e.field);
  }
  throw new Error('no FieldValidationException');
}

describe('funnel query', () => {
  it('answers the period and the programme, if any', () => {
    const { period, programme } = checkFunnelQuery({ from: '2027-03-01', to: '2027-03-05', programme: 'poc-funding' }, true);
    expect([period.from, period.to, period.start.toISOString(), period.end.toISOString(), programme]).toEqual(['2027-03-01', '2027-03-05', '2027-02-28T23:00:00.000Z', '2027-03-05T23:00:00.000Z', 'poc-funding']);
    expect(checkFunnelQuery({ from: '2027-03-01', to: '2027-03-05' }, false).programme).toBeNull();
    expect(checkFunnelQuery({ from: '2027-03-01', to: '2027-03-05', programme: '' }, false).programme).toBeNull();
  });

  it('names every failing field, the programme after the period', () => {
    expect(fieldsOf(() => checkFunnelQuery({ from: 'x', programme: 'poc-funding' }, false))).toEqual(['from', 'to', 'programme']);
    expect(fieldsOf(() => checkFunnelQuery({ from: '2027-03-05', to: '2027-03-01', programme: 'poc-funding' }, true))).toEqual(['to']);
    expect(fieldsOf(() => checkFunnelQuery({ from: '2027-03-01', to: '2027-03-05', programme: 'Not A Slug' }, true))).toEqual(['programme']);
    expect(fieldsOf(() => checkFunnelQuery({ from: '2027-03-01', to: '2027-03-05', programme: ['poc-funding'] }, true))).toEqual(['programme']);
  });

  it('looks up only what could be a slug', () => {
    expect(requestedProgramme('poc-funding')).toBe('poc-funding');
    expect(requestedProgramme('x')).toBeNull();
    expect(requestedProgramme('Poc')).toBeNull();
    expect(requestedProgramme(undefined)).toBeNull();
    expect(requestedProgramme(42)).toBeNull();
  });
});
