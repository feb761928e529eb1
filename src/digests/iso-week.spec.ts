import { digestPeriod, isoWeekOf, mondayOf } from './iso-week';

describe('ISO weeks', () => {
  it.each([
    ['2026-11-30', '2026-W49'],
    ['2026-11-29', '2026-W48'],
    ['2021-01-03', '2020-W53'],
    ['2020-12-31', '2020-W53'],
    ['2027-01-01', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    ['2024-12-30', '2025-W01'],
  ])('%s is in %s', (day, week) => {
    expect(isoWeekOf(day)).toBe(week);
  });

  it('finds the Monday of a week and refuses weeks that do not exist', () => {
    expect(mondayOf('2026-W49')).toBe('2026-11-30');
    expect(mondayOf('2025-W01')).toBe('2024-12-30');
    expect(mondayOf('2020-W53')).toBe('2020-12-28');
    expect(mondayOf('2025-W53')).toBeNull();
    expect(mondayOf('2026-W00')).toBeNull();
    expect(mondayOf('nonsense')).toBeNull();
  });

  it('a digest covers the seven days before its Monday', () => {
    expect(digestPeriod('2026-W49')).toEqual({ monday: '2026-11-30', startsOn: '2026-11-23', endsOn: '2026-11-29' });
  });

  it('round-trips every week of several years', () => {
    for (let day = new Date('2019-12-30T00:00:00Z'); day < new Date('2031-01-01T00:00:00Z'); day = new Date(day.getTime() + 7 * 86_400_000)) {
      const iso = day.toISOString().slice(0, 10);
      expect(mondayOf(isoWeekOf(iso))).toBe(iso);
    }
  });
});
