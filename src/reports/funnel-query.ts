import { FieldValidationException, type FieldError } from '../common/http/validation';
import { checkReportPeriod, type ReportPeriod } from './report-period';

/** What `GET /reports/funnel` receives, unchecked (the query string, or the staff page's form). */
export interface FunnelQueryInput {
  from?: unknown;
  to?: unknown;
  programme?: unknown;
}

export interface FunnelQuery {
  period: ReportPeriod;
  /** null: every programme together */
  programme: string | null;
}

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * The programme the query names if it could be a slug: the caller looks up whether it exists
 * and passes the answer to checkFunnelQuery. Null when none is asked for, or when it cannot be one.
 */
export function requestedProgramme(value: unknown): string | null {
  return typeof value === 'string' && SLUG.test(value) ? value : null;
}

/**
 * Checks the funnel's query (pure): the period (see checkReportPeriod), and an optional
 * programme that must be an existing slug, active or not (past periods may involve retired
 * programmes); `exists` says whether `requestedProgramme(query.programme)` names one. Throws a
 * FieldValidationException naming every failing field, in the order from, to, programme.
 */
export function checkFunnelQuery(query: FunnelQueryInput, exists: boolean): FunnelQuery {
  const { period, errors } = checkReportPeriod(query.from, query.to);
  const programme = checkProgramme(query.programme, exists, errors);
  if (errors.length > 0 || period === null) throw new FieldValidationException(errors);
  return { period, programme };
}

function checkProgramme(value: unknown, exists: boolean, errors: FieldError[]): string | null {
  if (value === undefined || value === '') return null;
  const slug = requestedProgramme(value);
  if (slug !== null && exists) return slug;
  errors.push({ field: 'programme', messages: ['programme must be the slug of an existing programme'] });
  return null;
}
