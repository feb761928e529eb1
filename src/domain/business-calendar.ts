/**
 * Europe/Paris business calendar (pure, no dependencies).
 *
 * Business rules always run in Europe/Paris, whatever the process `TZ` is: nothing here uses
 * the host's local time (no `getHours`, `getDate`, `setHours`...). Instants are converted with
 * `Intl.DateTimeFormat` and the `Europe/Paris` zone, so daylight saving time (last Sunday of
 * March 02:00 → 03:00, last Sunday of October 03:00 → 02:00) is handled by the ICU tz database.
 *
 * Vocabulary:
 * - a *day* is a Paris calendar day written `'YYYY-MM-DD'` (a `ParisDay` string);
 * - an *instant* is a `Date`.
 * Day arithmetic is done on the proleptic Gregorian calendar via UTC midnights, which is exact
 * for calendar days (no zone involved); only `parisDate`, `startOfParisDay` and `endOfParisDay`
 * cross between days and instants.
 *
 * A business day is Monday–Friday minus the French (metropolitan, non Alsace-Moselle) public
 * holidays: 1 Jan, Easter Monday, 1 May, 8 May, Ascension Thursday, Whit Monday (lundi de
 * Pentecôte), 14 Jul, 15 Aug, 1 Nov, 11 Nov, 25 Dec. Whit Monday is listed as a holiday even
 * though it is the "journée de solidarité" in some organisations: the campus is closed that day.
 */

/** A Paris calendar day, `'YYYY-MM-DD'`. */
export type ParisDay = string;

export const PARIS_TIME_ZONE = 'Europe/Paris';

const MS_PER_DAY = 86_400_000;
/** Gregorian Easter (and this calendar) is defined from 1583; 4-digit years keep the format. */
const MIN_YEAR = 1583;
const MAX_YEAR = 9999;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

// ---------------------------------------------------------------------------------------------
// Calendar-day arithmetic (zone free)
// ---------------------------------------------------------------------------------------------

interface YMD {
  year: number;
  month: number; // 1–12
  day: number; // 1–31
}

function parseDay(day: ParisDay): YMD {
  const match = typeof day === 'string' ? DAY_PATTERN.exec(day) : null;
  if (!match) throw new RangeError(`Invalid day "${String(day)}": expected YYYY-MM-DD`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const dayOfMonth = Number(match[3]);
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new RangeError(`Invalid day "${day}": year must be within ${MIN_YEAR}–${MAX_YEAR}`);
  }
  const probe = new Date(Date.UTC(year, month - 1, dayOfMonth));
  if (
    month < 1 ||
    month > 12 ||
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== dayOfMonth
  ) {
    throw new RangeError(`Invalid day "${day}": no such calendar date`);
  }
  return { year, month, day: dayOfMonth };
}

/** Days since 1970-01-01 (negative before). */
function toDayNumber(day: ParisDay): number {
  const { year, month, day: d } = parseDay(day);
  return Date.UTC(year, month - 1, d) / MS_PER_DAY;
}

function fromDayNumber(dayNumber: number): ParisDay {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

function formatYMD(year: number, month: number, day: number): ParisDay {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function assertNonNegativeInteger(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${String(n)}`);
  }
}

function assertValidInstant(instant: Date, what: string): void {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new RangeError(`${what} must be a valid Date`);
  }
}

/** True when `day` is a well-formed, existing `'YYYY-MM-DD'` calendar date (years 1583–9999). */
export function isValidDay(day: string): boolean {
  try {
    parseDay(day);
    return true;
  } catch {
    return false;
  }
}

/** `day` plus `n` calendar days (n may be negative). */
export function addCalendarDays(day: ParisDay, n: number): ParisDay {
  if (!Number.isInteger(n)) throw new RangeError(`n must be an integer, got ${String(n)}`);
  return fromDayNumber(toDayNumber(day) + n);
}

/** Day of the week, 0 = Sunday … 6 = Saturday (like `Date#getDay`). */
export function dayOfWeek(day: ParisDay): number {
  return new Date(toDayNumber(day) * MS_PER_DAY).getUTCDay();
}

/** Lexicographic order of `'YYYY-MM-DD'` is chronological: <0, 0, >0. */
export function compareDays(a: ParisDay, b: ParisDay): number {
  return toDayNumber(a) - toDayNumber(b);
}

// ---------------------------------------------------------------------------------------------
// Holidays
// ---------------------------------------------------------------------------------------------

/** Easter Sunday of `year` (anonymous Gregorian algorithm, a.k.a. Meeus/Jones/Butcher). */
export function easterSunday(year: number): ParisDay {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new RangeError(`year must be an integer within ${MIN_YEAR}–${MAX_YEAR}, got ${String(year)}`);
  }
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return formatYMD(year, month, day);
}

const holidayCache = new Map<number, ReadonlySet<ParisDay>>();

function holidaySet(year: number): ReadonlySet<ParisDay> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const easter = easterSunday(year);
  const days = [
    formatYMD(year, 1, 1), // Jour de l'an
    addCalendarDays(easter, 1), // Lundi de Pâques
    formatYMD(year, 5, 1), // Fête du Travail
    formatYMD(year, 5, 8), // Victoire 1945
    addCalendarDays(easter, 39), // Ascension
    addCalendarDays(easter, 50), // Lundi de Pentecôte
    formatYMD(year, 7, 14), // Fête nationale
    formatYMD(year, 8, 15), // Assomption
    formatYMD(year, 11, 1), // Toussaint
    formatYMD(year, 11, 11), // Armistice
    formatYMD(year, 12, 25), // Noël
  ].sort();
  // A Set: Ascension can fall on 1 May (2008, 2285…), and is then one holiday, not two.
  const set: ReadonlySet<ParisDay> = new Set(days);
  holidayCache.set(year, set);
  return set;
}

/**
 * The French public holidays of `year`, sorted, without duplicates (Ascension on 1 May counts
 * once). Memoised per year; the returned array is a fresh copy the caller may mutate.
 */
export function frenchPublicHolidays(year: number): ParisDay[] {
  return [...holidaySet(year)];
}

export function isFrenchPublicHoliday(day: ParisDay): boolean {
  const { year } = parseDay(day);
  return holidaySet(year).has(day);
}

/** Monday–Friday and not a French public holiday. */
export function isBusinessDay(day: ParisDay): boolean {
  const weekday = dayOfWeek(day);
  if (weekday === 0 || weekday === 6) return false;
  return !isFrenchPublicHoliday(day);
}

/**
 * The Nth business day strictly AFTER `day` (`day` itself never counts, even when it is a
 * business day). n = 0 returns `day` unchanged (even a weekend or holiday). n must be a
 * non-negative integer.
 */
export function addBusinessDays(day: ParisDay, n: number): ParisDay {
  assertNonNegativeInteger(n, 'n');
  let dayNumber = toDayNumber(day);
  let remaining = n;
  while (remaining > 0) {
    dayNumber += 1;
    if (isBusinessDay(fromDayNumber(dayNumber))) remaining -= 1;
  }
  return fromDayNumber(dayNumber);
}

/**
 * Number of business days d with fromDay < d ≤ toDay; 0 when toDay ≤ fromDay.
 * Inverse of `addBusinessDays`: businessDaysBetween(d, addBusinessDays(d, n)) === n.
 */
export function businessDaysBetween(fromDay: ParisDay, toDay: ParisDay): number {
  const from = toDayNumber(fromDay);
  const to = toDayNumber(toDay);
  let count = 0;
  for (let dayNumber = from + 1; dayNumber <= to; dayNumber += 1) {
    if (isBusinessDay(fromDayNumber(dayNumber))) count += 1;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// Instants ↔ Paris days (Intl, DST aware)
// ---------------------------------------------------------------------------------------------

const parisFormatter = new Intl.DateTimeFormat('en-US', {
  timeZone: PARIS_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

interface WallClock extends YMD {
  hour: number;
  minute: number;
  second: number;
}

/**
 * The Paris wall clock at `instant`. Intl is slow (a few microseconds a call, and a due date or a
 * service-level badge asks several times), so the offset is remembered per UTC hour: Paris changes
 * offset on the hour (01:00 UTC), and an hour whose two ends disagree is read through Intl.
 */
function parisWallClock(instant: Date): WallClock {
  const epochMs = instant.getTime();
  const offset = hourOffset(Math.floor(epochMs / MS_PER_HOUR));
  if (offset === null) return intlWallClock(instant);
  const wall = new Date(Math.floor(epochMs / 1000) * 1000 + offset);
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), hour: wall.getUTCHours(), minute: wall.getUTCMinutes(), second: wall.getUTCSeconds() };
}

const MS_PER_HOUR = 3_600_000;
/** offset of Paris in each UTC hour seen (null: it changes within that hour), a few thousand at most */
const hourOffsets = new Map<number, number | null>();

function hourOffset(hour: number): number | null {
  let offset = hourOffsets.get(hour);
  if (offset === undefined) {
    const start = intlOffsetMs(hour * MS_PER_HOUR);
    offset = start === intlOffsetMs((hour + 1) * MS_PER_HOUR - 1000) ? start : null;
    if (hourOffsets.size >= 20_000) hourOffsets.clear();
    hourOffsets.set(hour, offset);
  }
  return offset;
}

function intlOffsetMs(epochMs: number): number {
  const wall = intlWallClock(new Date(epochMs));
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - Math.floor(epochMs / 1000) * 1000;
}

function intlWallClock(instant: Date): WallClock {
  const fields: Record<string, number> = {};
  for (const part of parisFormatter.formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const value = (name: string): number => {
    const v = fields[name];
    if (v === undefined || Number.isNaN(v)) throw new Error(`Intl did not return "${name}" for Europe/Paris`);
    return v;
  };
  return {
    year: value('year'),
    month: value('month'),
    day: value('day'),
    hour: value('hour') % 24, // some ICU versions print midnight as 24 even with h23
    minute: value('minute'),
    second: value('second'),
  };
}

/** Offset of Europe/Paris from UTC at `epochMs`, in ms (+3_600_000 in winter, +7_200_000 in summer). */
function parisOffsetMs(epochMs: number): number {
  return hourOffset(Math.floor(epochMs / MS_PER_HOUR)) ?? intlOffsetMs(epochMs);
}

/**
 * The instant at which the Paris wall clock shows `day` `hh:mm:ss.mmm`. For wall times inside
 * the spring-forward gap (02:xx on the last Sunday of March) the result is shifted forward by
 * the gap; for the repeated autumn hour the first (summer-time) occurrence is returned. Start
 * and end of day (00:00, 23:59:59.999) are never ambiguous in Paris.
 */
function parisWallTimeToInstant(day: ParisDay, hour: number, minute: number, second: number, ms: number): Date {
  const { year, month, day: d } = parseDay(day);
  const wallAsUtc = Date.UTC(year, month - 1, d, hour, minute, second, ms);
  // Paris changes offset at most once within ±1 day: the instant is wall − (offset in force
  // the day before) or wall − (offset in force the day after); keep the readings that really
  // show the requested wall time, earliest first.
  const offsetBefore = parisOffsetMs(wallAsUtc - MS_PER_DAY);
  const offsetAfter = parisOffsetMs(wallAsUtc + MS_PER_DAY);
  const valid = [wallAsUtc - offsetBefore, wallAsUtc - offsetAfter]
    .filter((instant) => instant + parisOffsetMs(instant) === wallAsUtc)
    .sort((a, b) => a - b);
  // No valid reading: the wall time is skipped by the spring-forward gap; shift it forward.
  return new Date(valid[0] ?? wallAsUtc - offsetBefore);
}

/** The Europe/Paris calendar day of `instant`, `'YYYY-MM-DD'`. */
export function parisDate(instant: Date): ParisDay {
  assertValidInstant(instant, 'instant');
  const wall = parisWallClock(instant);
  return formatYMD(wall.year, wall.month, wall.day);
}

/** The instant 00:00:00.000 Europe/Paris of `day`. */
export function startOfParisDay(day: ParisDay): Date {
  return parisWallTimeToInstant(day, 0, 0, 0, 0);
}

/**
 * The instant 23:59:59.999 Europe/Paris of `day` — the last millisecond of the day.
 * The contract says "23:59:59"; we use .999 so that every instant of that Paris day is ≤ the due
 * date (a reply at 23:59:59.500 is on time) and `parisDate(endOfParisDay(d)) === d`. The ISO
 * string therefore ends in `:59.999Z`; PostgreSQL `timestamptz` stores it exactly.
 */
export function endOfParisDay(day: ParisDay): Date {
  return parisWallTimeToInstant(day, 23, 59, 59, 999);
}

/**
 * Due instant: end (23:59:59.999 Paris) of the Nth business day after the Paris calendar day
 * of `submittedAt`. A submission on a weekend or holiday counts from that day all the same.
 */
export function dueAt(submittedAt: Date, businessDays: number): Date {
  assertNonNegativeInteger(businessDays, 'businessDays');
  return endOfParisDay(addBusinessDays(parisDate(submittedAt), businessDays));
}

/**
 * Moves a due instant by `businessDays`: end of the Nth business day after due's Paris day.
 * n = 0 returns a copy of `due` unchanged (not normalised to the end of its day).
 */
export function extendDue(due: Date, businessDays: number): Date {
  assertValidInstant(due, 'due');
  assertNonNegativeInteger(businessDays, 'businessDays');
  if (businessDays === 0) return new Date(due.getTime());
  return endOfParisDay(addBusinessDays(parisDate(due), businessDays));
}
