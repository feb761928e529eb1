/**
 * Calendar dates as ISO strings `YYYY-MM-DD`. Routing compares dates as strings (ISO dates sort
 * lexically), so no Date object, no time zone: "today" is given by the caller, already the
 * Europe/Paris calendar day.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_PREFIX = /^\d{4}-\d{2}-\d{2}/;

export function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True for a real calendar date written `YYYY-MM-DD` (2024-02-30 is not one). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * The calendar day of a stored date value: `2023-05-01` or the date part of an ISO timestamp
 * (`2023-05-01T00:00:00Z`). Anything else is null (never throws).
 */
export function calendarDayOf(value: unknown): string | null {
  if (typeof value !== 'string' || !ISO_DATE_PREFIX.test(value)) return null;
  return value.length === 10 ? value : value.slice(0, 10);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * `date` minus `months` calendar months; the day is clamped to the end of the target month
 * (2024-03-31 minus 1 month is 2024-02-29). `date` must be a valid ISO date.
 */
export function subtractMonths(date: string, months: number): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const monthIndex = year * 12 + (month - 1) - months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12 + 1;
  const targetDay = Math.min(day, daysInMonth(targetYear, targetMonth));
  return `${pad(targetYear, 4)}-${pad(targetMonth, 2)}-${pad(targetDay, 2)}`;
}
