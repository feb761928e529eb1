import { checkReportPeriod } from './report-period';

describe('checkReportPeriod', () => {
  it('turns the days into Paris instants: [from 00:00, to + 1 day 00:00)', () => {
    const { period, errors } = checkReportPeriod('2027-03-01', '2027-03-05');
    expect(errors).toEqual([]);
    expect(period).toEqual({ from: '2027-03-01', to: '2027-03-05', start: new Date('2027-02-28T23:00:00Z'), end: new Date('2027-03-05T23:00:00Z') });
    // across the spring DST change (28 March 2027)
    expect(checkReportPeriod('2027-03-28', '2027-03-28').period).toMatchObject({ start: new Date('2027-03-27T23:00:00Z'), end: new Date('2027-03-28T22:00:00Z') });
  });

  it('accepts a single day and exactly five years', () => {
    expect(checkReportPeriod('2027-03-01', '2027-03-01').errors).toEqual([]);
    expect(checkReportPeriod('2020-01-01', '2025-01-01').errors).toEqual([]);
  });

  it.each([
    [undefined, undefined, ['from', 'to']],
    ['2027-02-30', '2027-03-01', ['from']],
    ['2027-03-01', '1/3/2027', ['to']],
    ['2027-3-1', '2027-03-01', ['from']],
    ['1999-12-31', '2000-01-01', ['from']],
    ['2027-03-02', '2027-03-01', ['to']],
    ['2020-01-01', '2025-01-02', ['to']],
    [['2027-03-01'], '2027-03-02', ['from']],
  ])('refuses from=%j to=%j naming %j', (from, to, fields) => {
    const { period, errors } = checkReportPeriod(from, to);
    expect(period).toBeNull();
    expect(errors.map((e) => e.field)).toEqual(fields);
  });
});
