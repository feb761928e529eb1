import fc from 'fast-check';
import {
  addBusinessDays,
  addCalendarDays,
  businessDaysBetween,
  compareDays,
  dayOfWeek,
  dueAt,
  easterSunday,
  endOfParisDay,
  extendDue,
  frenchPublicHolidays,
  isBusinessDay,
  isFrenchPublicHoliday,
  isValidDay,
  parisDate,
  startOfParisDay,
} from './business-calendar';
import { frozenFrenchPublicHolidays } from '../database/migrations/1795824000004-digests';

const at = (iso: string): Date => new Date(iso);

describe('calendar-day helpers', () => {
  it('validates days', () => {
    expect(isValidDay('2025-01-31')).toBe(true);
    expect(isValidDay('2024-02-29')).toBe(true);
    expect(isValidDay('2025-02-29')).toBe(false);
    expect(isValidDay('2025-13-01')).toBe(false);
    expect(isValidDay('2025-00-10')).toBe(false);
    expect(isValidDay('2025-1-1')).toBe(false);
    expect(isValidDay('2025-01-01T00:00:00Z')).toBe(false);
    expect(isValidDay('')).toBe(false);
    expect(isValidDay('1500-01-01')).toBe(false);
    expect(() => isBusinessDay('2025-02-30')).toThrow(RangeError);
    expect(() => addBusinessDays('nope', 1)).toThrow(RangeError);
    expect(() => businessDaysBetween('2025-01-01', '2025/01/02')).toThrow(RangeError);
  });

  it('adds calendar days across months, leap days and years', () => {
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addCalendarDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addCalendarDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addCalendarDays('2025-03-30', 0)).toBe('2025-03-30');
    expect(() => addCalendarDays('2025-03-30', 1.5)).toThrow(RangeError);
  });

  it('knows the day of the week and orders days', () => {
    expect(dayOfWeek('2025-01-01')).toBe(3); // Wednesday
    expect(dayOfWeek('2025-03-01')).toBe(6); // Saturday
    expect(dayOfWeek('2025-03-02')).toBe(0); // Sunday
    expect(dayOfWeek('1970-01-01')).toBe(4); // Thursday
    expect(dayOfWeek('1969-12-31')).toBe(3);
    expect(compareDays('2025-01-01', '2025-01-02')).toBeLessThan(0);
    expect(compareDays('2025-01-02', '2025-01-02')).toBe(0);
    expect(compareDays('2026-01-01', '2025-12-31')).toBeGreaterThan(0);
  });
});

describe('easterSunday (anonymous Gregorian algorithm)', () => {
  it.each([
    [1818, '1818-03-22'], // earliest possible date
    [1943, '1943-04-25'], // latest possible date
    [2000, '2000-04-23'],
    [2008, '2008-03-23'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ])('%i → %s', (year, expected) => {
    expect(easterSunday(year)).toBe(expected);
    expect(dayOfWeek(expected)).toBe(0);
  });

  it('rejects years outside the Gregorian range', () => {
    expect(() => easterSunday(1582)).toThrow(RangeError);
    expect(() => easterSunday(2025.5)).toThrow(RangeError);
    expect(() => easterSunday(10000)).toThrow(RangeError);
  });

  it('always falls on a Sunday between 22 March and 25 April', () => {
    for (let year = 1583; year <= 3000; year += 1) {
      const easter = easterSunday(year);
      expect(dayOfWeek(easter)).toBe(0);
      expect(easter >= `${year}-03-22` && easter <= `${year}-04-25`).toBe(true);
    }
  });
});

describe('frenchPublicHolidays', () => {
  it.each([
    [2024, '2024-04-01', '2024-05-09', '2024-05-20'],
    [2025, '2025-04-21', '2025-05-29', '2025-06-09'],
    [2026, '2026-04-06', '2026-05-14', '2026-05-25'],
    [2027, '2027-03-29', '2027-05-06', '2027-05-17'],
  ])('%i: Easter Monday %s, Ascension %s, Whit Monday %s', (year, easterMonday, ascension, whitMonday) => {
    const holidays = frenchPublicHolidays(year);
    expect(holidays).toContain(easterMonday);
    expect(holidays).toContain(ascension);
    expect(holidays).toContain(whitMonday);
    expect(dayOfWeek(easterMonday)).toBe(1);
    expect(dayOfWeek(ascension)).toBe(4);
    expect(dayOfWeek(whitMonday)).toBe(1);
    for (const fixed of ['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25']) {
      expect(holidays).toContain(`${year}-${fixed}`);
    }
    expect(holidays).toHaveLength(11);
  });

  it('lists 2026 exactly, sorted', () => {
    expect(frenchPublicHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-04-06',
      '2026-05-01',
      '2026-05-08',
      '2026-05-14',
      '2026-05-25',
      '2026-07-14',
      '2026-08-15',
      '2026-11-01',
      '2026-11-11',
      '2026-12-25',
    ]);
  });

  it('counts Ascension on 1 May once (2008)', () => {
    const holidays = frenchPublicHolidays(2008);
    expect(holidays).toEqual([
      '2008-01-01',
      '2008-03-24',
      '2008-05-01',
      '2008-05-08',
      '2008-05-12',
      '2008-07-14',
      '2008-08-15',
      '2008-11-01',
      '2008-11-11',
      '2008-12-25',
    ]);
  });

  it('does not include days that are holidays only elsewhere (Alsace-Moselle, Good Friday, 26 Dec)', () => {
    expect(isFrenchPublicHoliday('2025-12-26')).toBe(false);
    expect(isFrenchPublicHoliday('2025-04-18')).toBe(false); // Good Friday
    expect(isFrenchPublicHoliday('2025-04-20')).toBe(false); // Easter Sunday: a Sunday anyway, not listed
  });

  it('is memoised but returns a copy the caller cannot corrupt', () => {
    const first = frenchPublicHolidays(2025);
    first.length = 0;
    first.push('2025-01-02');
    expect(frenchPublicHolidays(2025)).toHaveLength(11);
    expect(isBusinessDay('2025-01-02')).toBe(true);
  });
});

describe('isBusinessDay', () => {
  it.each([
    ['2025-01-06', true], // Monday
    ['2025-01-10', true], // Friday
    ['2025-01-11', false], // Saturday
    ['2025-01-12', false], // Sunday
    ['2025-01-01', false], // Jour de l'an (Wednesday)
    ['2025-04-21', false], // Easter Monday
    ['2025-05-01', false], // Thursday
    ['2025-05-02', true], // bridge Friday
    ['2025-05-08', false],
    ['2025-05-29', false], // Ascension
    ['2025-05-30', true], // bridge Friday
    ['2025-06-09', false], // Whit Monday
    ['2025-07-14', false],
    ['2025-08-15', false],
    ['2025-11-11', false],
    ['2025-12-25', false],
    ['2025-12-26', true],
    ['2026-08-15', false], // Saturday anyway
  ])('%s → %s', (day, expected) => {
    expect(isBusinessDay(day)).toBe(expected);
  });
});

describe('addBusinessDays', () => {
  it('never counts the starting day, and n = 0 returns it unchanged', () => {
    expect(addBusinessDays('2025-01-06', 0)).toBe('2025-01-06');
    expect(addBusinessDays('2025-01-11', 0)).toBe('2025-01-11'); // Saturday stays
    expect(addBusinessDays('2025-01-06', 1)).toBe('2025-01-07');
    expect(addBusinessDays('2025-01-10', 1)).toBe('2025-01-13'); // Friday → Monday
    expect(addBusinessDays('2025-01-11', 1)).toBe('2025-01-13'); // Saturday → Monday
    expect(addBusinessDays('2025-01-12', 1)).toBe('2025-01-13'); // Sunday → Monday
  });

  it('skips Christmas and New Year', () => {
    expect(addBusinessDays('2025-12-24', 1)).toBe('2025-12-26');
    expect(addBusinessDays('2025-12-24', 5)).toBe('2026-01-02');
    expect(addBusinessDays('2026-12-31', 1)).toBe('2027-01-04');
  });

  it('skips Ascension Thursday but counts the bridge Friday', () => {
    expect(addBusinessDays('2025-05-28', 1)).toBe('2025-05-30');
    expect(addBusinessDays('2025-05-28', 2)).toBe('2025-06-02');
  });

  it('skips Whit Monday', () => {
    expect(addBusinessDays('2025-06-05', 2)).toBe('2025-06-10');
  });

  it('rejects negative or fractional counts', () => {
    expect(() => addBusinessDays('2025-01-06', -1)).toThrow(RangeError);
    expect(() => addBusinessDays('2025-01-06', 1.5)).toThrow(RangeError);
    expect(() => addBusinessDays('2025-01-06', Number.NaN)).toThrow(RangeError);
  });

  it('30 business days computed by hand', () => {
    // Wed 15 Jan 2025: no holiday until 26 Feb.
    expect(addBusinessDays('2025-01-15', 30)).toBe('2025-02-26');
    // Tue 15 Apr 2025: Easter Monday, 1 May, 8 May and Ascension are skipped.
    expect(addBusinessDays('2025-04-15', 30)).toBe('2025-06-02');
  });

  it('always lands on a business day when n ≥ 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 60 }), (offset, n) => {
        const result = addBusinessDays(addCalendarDays('2023-01-01', offset), n);
        return isBusinessDay(result);
      }),
    );
  });
});

describe('businessDaysBetween', () => {
  it('counts business days d with from < d ≤ to', () => {
    expect(businessDaysBetween('2025-01-06', '2025-01-06')).toBe(0);
    expect(businessDaysBetween('2025-01-06', '2025-01-07')).toBe(1);
    expect(businessDaysBetween('2025-01-10', '2025-01-13')).toBe(1); // Fri → Mon
    expect(businessDaysBetween('2025-01-10', '2025-01-12')).toBe(0); // Fri → Sun
    expect(businessDaysBetween('2025-01-11', '2025-01-13')).toBe(1); // Sat → Mon
    expect(businessDaysBetween('2025-12-24', '2026-01-02')).toBe(5);
    expect(businessDaysBetween('2025-12-31', '2026-01-01')).toBe(0);
    expect(businessDaysBetween('2025-01-15', '2025-02-26')).toBe(30);
    expect(businessDaysBetween('2025-04-15', '2025-06-02')).toBe(30);
  });

  it('is 0 when to ≤ from', () => {
    expect(businessDaysBetween('2025-01-13', '2025-01-10')).toBe(0);
    expect(businessDaysBetween('2026-01-01', '2025-01-01')).toBe(0);
  });

  it('is the inverse of addBusinessDays', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 80 }), (offset, n) => {
        const day = addCalendarDays('2023-01-01', offset);
        return businessDaysBetween(day, addBusinessDays(day, n)) === n;
      }),
    );
  });

  it('counts the business days of whole years (weekdays minus holidays falling on weekdays)', () => {
    const weekdays = (year: number): number => {
      let count = 0;
      for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addCalendarDays(d, 1)) {
        const w = dayOfWeek(d);
        if (w !== 0 && w !== 6) count += 1;
      }
      return count;
    };
    const weekdayHolidays = (year: number): number =>
      frenchPublicHolidays(year).filter((d) => dayOfWeek(d) !== 0 && dayOfWeek(d) !== 6).length;
    for (const year of [2024, 2025, 2026, 2027]) {
      expect(businessDaysBetween(`${year - 1}-12-31`, `${year}-12-31`)).toBe(weekdays(year) - weekdayHolidays(year));
    }
    expect(businessDaysBetween('2024-12-31', '2025-12-31')).toBe(261 - 10); // 1 Nov 2025 is a Saturday
    expect(businessDaysBetween('2025-12-31', '2026-12-31')).toBe(261 - 9); // 15 Aug Sat, 1 Nov Sun
  });
});

describe('parisDate', () => {
  it('gives the Paris calendar day in winter (UTC+1) and summer (UTC+2)', () => {
    expect(parisDate(at('2025-01-10T22:59:59.999Z'))).toBe('2025-01-10');
    expect(parisDate(at('2025-01-10T23:00:00.000Z'))).toBe('2025-01-11');
    expect(parisDate(at('2025-06-13T21:59:59.999Z'))).toBe('2025-06-13');
    expect(parisDate(at('2025-06-13T22:00:00.000Z'))).toBe('2025-06-14');
  });

  it('handles the spring-forward Sunday (30 March 2025)', () => {
    expect(parisDate(at('2025-03-29T22:59:59.999Z'))).toBe('2025-03-29');
    expect(parisDate(at('2025-03-29T23:00:00.000Z'))).toBe('2025-03-30');
    expect(parisDate(at('2025-03-30T00:59:59.000Z'))).toBe('2025-03-30'); // 01:59:59 CET
    expect(parisDate(at('2025-03-30T01:00:00.000Z'))).toBe('2025-03-30'); // 03:00 CEST
    expect(parisDate(at('2025-03-30T21:59:59.999Z'))).toBe('2025-03-30');
    expect(parisDate(at('2025-03-30T22:00:00.000Z'))).toBe('2025-03-31');
  });

  it('handles the fall-back Sunday (26 October 2025)', () => {
    expect(parisDate(at('2025-10-25T21:59:59.999Z'))).toBe('2025-10-25');
    expect(parisDate(at('2025-10-25T22:00:00.000Z'))).toBe('2025-10-26');
    expect(parisDate(at('2025-10-26T00:30:00.000Z'))).toBe('2025-10-26'); // 02:30 CEST
    expect(parisDate(at('2025-10-26T01:30:00.000Z'))).toBe('2025-10-26'); // 02:30 CET
    expect(parisDate(at('2025-10-26T22:59:59.999Z'))).toBe('2025-10-26');
    expect(parisDate(at('2025-10-26T23:00:00.000Z'))).toBe('2025-10-27');
  });

  it('rejects an invalid Date', () => {
    expect(() => parisDate(new Date('not a date'))).toThrow(RangeError);
  });
});

describe('startOfParisDay / endOfParisDay', () => {
  it.each([
    // day, start, end
    ['2025-01-10', '2025-01-09T23:00:00.000Z', '2025-01-10T22:59:59.999Z'],
    ['2025-06-13', '2025-06-12T22:00:00.000Z', '2025-06-13T21:59:59.999Z'],
    ['2025-03-29', '2025-03-28T23:00:00.000Z', '2025-03-29T22:59:59.999Z'],
    ['2025-03-30', '2025-03-29T23:00:00.000Z', '2025-03-30T21:59:59.999Z'], // 23-hour day
    ['2025-03-31', '2025-03-30T22:00:00.000Z', '2025-03-31T21:59:59.999Z'],
    ['2025-10-25', '2025-10-24T22:00:00.000Z', '2025-10-25T21:59:59.999Z'],
    ['2025-10-26', '2025-10-25T22:00:00.000Z', '2025-10-26T22:59:59.999Z'], // 25-hour day
    ['2025-10-27', '2025-10-26T23:00:00.000Z', '2025-10-27T22:59:59.999Z'],
    ['2024-03-31', '2024-03-30T23:00:00.000Z', '2024-03-31T21:59:59.999Z'],
    ['2024-10-27', '2024-10-26T22:00:00.000Z', '2024-10-27T22:59:59.999Z'],
    ['2026-03-29', '2026-03-28T23:00:00.000Z', '2026-03-29T21:59:59.999Z'],
    ['2026-10-25', '2026-10-24T22:00:00.000Z', '2026-10-25T22:59:59.999Z'],
  ])('%s: %s → %s', (day, start, end) => {
    expect(startOfParisDay(day).toISOString()).toBe(start);
    expect(endOfParisDay(day).toISOString()).toBe(end);
  });

  it('round-trips with parisDate and covers the whole day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4000 }), (offset) => {
        const day = addCalendarDays('2020-01-01', offset);
        const start = startOfParisDay(day);
        const end = endOfParisDay(day);
        return (
          parisDate(start) === day &&
          parisDate(end) === day &&
          parisDate(new Date(start.getTime() - 1)) === addCalendarDays(day, -1) &&
          parisDate(new Date(end.getTime() + 1)) === addCalendarDays(day, 1) &&
          [23, 24, 25].includes((end.getTime() + 1 - start.getTime()) / 3_600_000)
        );
      }),
    );
  });

  it('does not depend on the process time zone', () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ['America/New_York', 'Pacific/Kiritimati', 'Asia/Kolkata', 'UTC']) {
        process.env.TZ = tz;
        expect(parisDate(at('2025-03-29T23:30:00.000Z'))).toBe('2025-03-30');
        expect(endOfParisDay('2025-10-26').toISOString()).toBe('2025-10-26T22:59:59.999Z');
        expect(dueAt(at('2025-12-24T09:00:00Z'), 5).toISOString()).toBe('2026-01-02T22:59:59.999Z');
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('dueAt', () => {
  it('n = 0 is the end of the submission day', () => {
    expect(dueAt(at('2025-01-06T08:00:00Z'), 0).toISOString()).toBe('2025-01-06T22:59:59.999Z');
  });

  it('5 business days from a Wednesday in January', () => {
    // Wed 8 Jan → Thu 9, Fri 10, Mon 13, Tue 14, Wed 15
    expect(dueAt(at('2025-01-08T09:00:00Z'), 5).toISOString()).toBe('2025-01-15T22:59:59.999Z');
  });

  it('submitted on 24 December: 25 Dec and 1 Jan skipped', () => {
    // Wed 24 Dec 2025 → Fri 26 (1), Mon 29 (2), Tue 30 (3), Wed 31 (4), Fri 2 Jan (5)
    expect(dueAt(at('2025-12-24T15:00:00Z'), 5).toISOString()).toBe('2026-01-02T22:59:59.999Z');
    expect(dueAt(at('2025-12-24T15:00:00Z'), 1).toISOString()).toBe('2025-12-26T22:59:59.999Z');
  });

  it('submitted the day before Ascension: Thursday skipped, bridge Friday counts', () => {
    // Wed 28 May 2025 → Fri 30 (1), Mon 2 Jun (2), Tue 3 (3), Wed 4 (4), Thu 5 (5), CEST
    expect(dueAt(at('2025-05-28T10:00:00Z'), 1).toISOString()).toBe('2025-05-30T21:59:59.999Z');
    expect(dueAt(at('2025-05-28T10:00:00Z'), 5).toISOString()).toBe('2025-06-05T21:59:59.999Z');
  });

  it('submitted on a Saturday or Sunday counts from that day', () => {
    // Sat 1 Mar 2025 → Mon 3 (1) … Fri 7 (5)
    expect(dueAt(at('2025-03-01T10:00:00+01:00'), 5).toISOString()).toBe('2025-03-07T22:59:59.999Z');
    expect(dueAt(at('2025-03-02T18:00:00+01:00'), 5).toISOString()).toBe('2025-03-07T22:59:59.999Z');
    expect(dueAt(at('2025-03-01T10:00:00+01:00'), 1).toISOString()).toBe('2025-03-03T22:59:59.999Z');
  });

  it('submitted on a public holiday counts from that day', () => {
    // Tue 11 Nov 2025 (Armistice): Wed 12 (1), Thu 13, Fri 14, Mon 17, Tue 18 (5)
    expect(dueAt(at('2025-11-11T10:00:00Z'), 5).toISOString()).toBe('2025-11-18T22:59:59.999Z');
    // Mon 10 Nov: Tue 11 is skipped → the same Tuesday 18
    expect(dueAt(at('2025-11-10T10:00:00Z'), 5).toISOString()).toBe('2025-11-18T22:59:59.999Z');
  });

  it('submitted on 31 December crosses into the next year, 1 Jan skipped', () => {
    // Thu 31 Dec 2026 → Fri 1 Jan 2027 holiday → Mon 4 (1) … Fri 8 (5)
    expect(dueAt(at('2026-12-31T16:00:00Z'), 5).toISOString()).toBe('2027-01-08T22:59:59.999Z');
    // Tue 31 Dec 2024 → Wed 1 Jan holiday → Thu 2 (1), Fri 3, Mon 6, Tue 7, Wed 8 (5)
    expect(dueAt(at('2024-12-31T16:00:00Z'), 5).toISOString()).toBe('2025-01-08T22:59:59.999Z');
  });

  it('23:30 in Paris on a Friday: the Paris day decides', () => {
    // Fri 10 Jan 2025 23:30 CET = 22:30Z, still Friday in Paris → Mon 13 … Fri 17
    expect(dueAt(at('2025-01-10T22:30:00Z'), 5).toISOString()).toBe('2025-01-17T22:59:59.999Z');
    // Fri 13 Jun 2025 23:30 CEST = 21:30Z → Mon 16 … Fri 20
    expect(dueAt(at('2025-06-13T21:30:00Z'), 5).toISOString()).toBe('2025-06-20T21:59:59.999Z');
  });

  it('00:30 in Paris on a Friday is already Friday even though UTC is still Thursday', () => {
    // Thu 9 Jan 2025 23:30Z = Fri 10 Jan 00:30 CET. Counting from Thursday would give Thu 16.
    expect(dueAt(at('2025-01-09T23:30:00Z'), 5).toISOString()).toBe('2025-01-17T22:59:59.999Z');
    // Thu 12 Jun 2025 22:30Z = Fri 13 Jun 00:30 CEST.
    expect(dueAt(at('2025-06-12T22:30:00Z'), 5).toISOString()).toBe('2025-06-20T21:59:59.999Z');
  });

  it('across the DST changes', () => {
    // Wed 26 Mar 2025 (CET) → Thu 27, Fri 28, Mon 31, Tue 1 Apr, Wed 2 Apr (CEST)
    expect(dueAt(at('2025-03-26T10:00:00Z'), 5).toISOString()).toBe('2025-04-02T21:59:59.999Z');
    // Wed 22 Oct 2025 (CEST) → Thu 23, Fri 24, Mon 27, Tue 28, Wed 29 (CET)
    expect(dueAt(at('2025-10-22T10:00:00Z'), 5).toISOString()).toBe('2025-10-29T22:59:59.999Z');
    // Submitted on the spring-forward night itself (Sun 30 Mar 2025, 03:30 CEST)
    expect(dueAt(at('2025-03-30T01:30:00Z'), 1).toISOString()).toBe('2025-03-31T21:59:59.999Z');
  });

  it('30 business days computed by hand', () => {
    expect(dueAt(at('2025-01-15T09:00:00Z'), 30).toISOString()).toBe('2025-02-26T22:59:59.999Z');
    expect(dueAt(at('2025-04-15T09:00:00Z'), 30).toISOString()).toBe('2025-06-02T21:59:59.999Z');
  });

  it('rejects bad inputs', () => {
    expect(() => dueAt(new Date(Number.NaN), 5)).toThrow(RangeError);
    expect(() => dueAt(at('2025-01-15T09:00:00Z'), -1)).toThrow(RangeError);
  });
});

describe('extendDue', () => {
  it('moves a due date by business days, to the end of the day', () => {
    // due Fri 17 Jan 2025 → +1 = Mon 20
    expect(extendDue(at('2025-01-17T22:59:59.999Z'), 1).toISOString()).toBe('2025-01-20T22:59:59.999Z');
    // due Wed 24 Dec 2025 → +2 = Fri 26, Mon 29
    expect(extendDue(at('2025-12-24T22:59:59.999Z'), 2).toISOString()).toBe('2025-12-29T22:59:59.999Z');
    // across spring-forward: due Fri 28 Mar 2025 (CET) → +1 = Mon 31 (CEST)
    expect(extendDue(at('2025-03-28T22:59:59.999Z'), 1).toISOString()).toBe('2025-03-31T21:59:59.999Z');
  });

  it('returns the same instant (a copy) for 0', () => {
    const due = at('2025-01-17T22:59:59.999Z');
    const result = extendDue(due, 0);
    expect(result.toISOString()).toBe(due.toISOString());
    expect(result).not.toBe(due);
  });

  it('rejects bad inputs', () => {
    expect(() => extendDue(at('2025-01-17T22:59:59.999Z'), -2)).toThrow(RangeError);
    expect(() => extendDue(new Date(Number.NaN), 1)).toThrow(RangeError);
  });
});

describe('the holidays frozen in the digests migration', () => {
  it('are the live calendar’s for every year the calendar_days table covers', () => {
    for (let year = 2000; year <= 2100; year++) expect(frozenFrenchPublicHolidays(year)).toEqual(frenchPublicHolidays(year));
  });
});

describe('Paris days and day boundaries against Intl itself (the offset is remembered per UTC hour)', () => {
  const intlDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

  it('parisDate agrees with Intl every 7 minutes through the weeks of the clock changes, and at random instants from 1975 to 2100', () => {
    const instants: number[] = [];
    for (const year of [1976, 1996, 2025, 2026, 2027, 2099]) {
      for (const month of [2, 9]) {
        // every 7 minutes through the last week of March and of October (all the transitions since 1996)
        const from = Date.UTC(year, month, 24);
        for (let t = from; t < from + 8 * 86_400_000; t += 7 * 60_000 + 13_000) instants.push(t);
      }
    }
    let seed = 20261202;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20_000; i++) instants.push(Date.UTC(1975, 0, 1) + Math.floor(random() * (Date.UTC(2100, 0, 1) - Date.UTC(1975, 0, 1))));
    const wrong = instants.filter((t) => parisDate(new Date(t)) !== intlDay.format(new Date(t))).map((t) => new Date(t).toISOString());
    expect(wrong).toEqual([]);
  });

  it('a day starts at 00:00 and ends at 23:59:59.999 Paris time on the days the clocks change', () => {
    for (const day of ['2026-03-29', '2026-10-25', '2027-03-28', '2027-10-31'] as const) {
      const start = startOfParisDay(day);
      const end = endOfParisDay(day);
      expect(intlDay.format(start)).toBe(day);
      expect(intlDay.format(new Date(start.getTime() - 1))).not.toBe(day);
      expect(intlDay.format(end)).toBe(day);
      expect(intlDay.format(new Date(end.getTime() + 1))).not.toBe(day);
    }
  });
});
