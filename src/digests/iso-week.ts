import { addCalendarDays, dayOfWeek, type ParisDay } from '../domain/business-calendar';

/** `YYYY-Www`, an ISO 8601 week (Monday to Sunday). */
export type IsoWeek = string;
export const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

/** The ISO week a calendar day belongs to. */
export function isoWeekOf(day: ParisDay): IsoWeek {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(date.getTime() + (3 - weekday) * 86_400_000);
  // the week belongs to the year of its Thursday, and is numbered from that year's first Thursday
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The Monday of an ISO week; null when the week does not exist (e.g. 2026-W54). */
export function mondayOf(week: IsoWeek): ParisDay | null {
  const match = ISO_WEEK.exec(week);
  if (!match) return null;
  const year = Number(match[1]);
  const n = Number(match[2]);
  if (n < 1 || n > 53) return null;
  const jan4 = `${year}-01-04`;
  const week1Monday = addCalendarDays(jan4, -((dayOfWeek(jan4) + 6) % 7));
  const monday = addCalendarDays(week1Monday, (n - 1) * 7);
  return isoWeekOf(monday) === week ? monday : null;
}

/** The period a week's digest covers: the seven days before its Monday. */
export function digestPeriod(week: IsoWeek): { startsOn: ParisDay; endsOn: ParisDay; monday: ParisDay } {
  const monday = mondayOf(week);
  if (!monday) throw new RangeError(`not an ISO week: ${week}`);
  return { monday, startsOn: addCalendarDays(monday, -7), endsOn: addCalendarDays(monday, -1) };
}
