import { addCalendarDays, compareDays, isValidDay, startOfParisDay, type ParisDay } from '../domain/business-calendar';
import type { FieldError } from '../common/http/validation';

/** The business calendar table (`calendar_days`, migration 1795824000004) covers these years. */
export const FIRST_REPORT_DAY = '2000-01-01';
export const LAST_REPORT_DAY = '2099-12-31';
export const MAX_REPORT_YEARS = 5;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface ReportPeriod {
  from: ParisDay;
  to: ParisDay;
  /** from 00:00 Europe/Paris (inclusive) */
  start: Date;
  /** the day after `to`, 00:00 Europe/Paris (exclusive) */
  end: Date;
}

/**
 * Checks a report's `from` and `to` (pure): both required, real `YYYY-MM-DD` dates within the
 * business calendar (2000–2099), from ≤ to, and `to` at most five years after `from`
 * (2020-01-01..2025-01-01 is accepted, ..2025-01-02 is not). Lists every failing field.
 */
export function checkReportPeriod(from: unknown, to: unknown): { period: ReportPeriod | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const day = (field: 'from' | 'to', value: unknown): ParisDay | null => {
    if (value === undefined || value === null || value === '') {
      errors.push({ field, messages: [`${field} is required (YYYY-MM-DD)`] });
      return null;
    }
    if (typeof value !== 'string' || !DAY.test(value) || !isValidDay(value)) {
      errors.push({ field, messages: [`${field} must be a real date in the form YYYY-MM-DD`] });
      return null;
    }
    if (compareDays(value, FIRST_REPORT_DAY) < 0 || compareDays(value, LAST_REPORT_DAY) > 0) {
      errors.push({ field, messages: [`${field} must be between ${FIRST_REPORT_DAY} and ${LAST_REPORT_DAY}`] });
      return null;
    }
    return value;
  };
  const f = day('from', from);
  const t = day('to', to);
  if (f === null || t === null) return { period: null, errors };
  if (compareDays(f, t) > 0) {
    errors.push({ field: 'to', messages: ['to must be on or after from'] });
  } else if (compareDays(t, addYears(f, MAX_REPORT_YEARS)) > 0) {
    errors.push({ field: 'to', messages: [`to must be at most ${MAX_REPORT_YEARS} years after from`] });
  }
  if (errors.length > 0) return { period: null, errors };
  return { period: { from: f, to: t, start: startOfParisDay(f), end: startOfParisDay(addCalendarDays(t, 1)) }, errors };
}

/** The same calendar date `years` later (29 February → 1 March when that year has none). */
function addYears(day: ParisDay, years: number): ParisDay {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y + years, m - 1, d)).toISOString().slice(0, 10);
}
