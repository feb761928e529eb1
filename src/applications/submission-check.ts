import type { FieldError } from '../common/http/validation';
import { isValidSiren } from './siren';

/** The application's fields as stored (a draft may lack any of them but the startup name). */
export interface ApplicationFields {
  startupName: string | null;
  projectSummary: string | null;
  stage: string | null;
  trl: number | null;
  domains: string[] | null;
  needs: string[] | null;
  incorporated: boolean | null;
  incorporationDate: string | null;
  siren: string | null;
  academicAffiliation: string | null;
  lookingForCofounder: boolean | null;
  teamSize: number | null;
  fundingSoughtEur: number | null;
  website: string | null;
}

const REQUIRED_AT_SUBMIT: (keyof ApplicationFields)[] = [
  'startupName',
  'projectSummary',
  'stage',
  'trl',
  'domains',
  'needs',
  'incorporated',
  'academicAffiliation',
  'lookingForCofounder',
  'teamSize',
];

function missing(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * Everything that stops a draft from being submitted, all at once (the contract: "422 listing
 * missing fields"). Field formats were checked when written; this checks completeness and the
 * rules that depend on other fields or on today (`today` is the Europe/Paris day).
 */
export function submissionErrors(app: ApplicationFields, today: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of REQUIRED_AT_SUBMIT) {
    if (missing(app[field])) errors.push({ field, messages: [`${field} is required to submit`] });
  }
  if (app.incorporated === true) {
    if (missing(app.incorporationDate)) errors.push({ field: 'incorporationDate', messages: ['incorporationDate is required when incorporated'] });
  }
  errors.push(...crossFieldErrors(app, today));
  return errors;
}

/** Rules between fields or against today, checked on every write and again at submission. */
export function crossFieldErrors(app: Pick<ApplicationFields, 'incorporated' | 'incorporationDate' | 'siren'>, today: string): FieldError[] {
  const errors: FieldError[] = [];
  if (app.incorporationDate) {
    if (app.incorporationDate > today) errors.push({ field: 'incorporationDate', messages: ['incorporationDate must not be in the future'] });
    if (app.incorporated === false) errors.push({ field: 'incorporationDate', messages: ['incorporationDate must be empty when not incorporated'] });
  }
  if (app.siren && !isValidSiren(app.siren)) errors.push({ field: 'siren', messages: ['siren must be 9 digits with a valid check digit (Luhn)'] });
  return errors;
}
