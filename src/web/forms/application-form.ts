/**
 * The application form as posted by a browser (`application/x-www-form-urlencoded`, controls
 * named after the API's fields) turned into the API's update shape, and the API's field errors
 * turned into the page's messages. Pure: no Nest import.
 */
import type { FieldError } from '../../common/http/validation';
import type { ApplicationFields } from '../../applications/submission-check';
import { listOf, textOf } from './form-validation';

export const FORM_FIELDS = [
  'startupName',
  'projectSummary',
  'stage',
  'trl',
  'domains',
  'needs',
  'incorporated',
  'incorporationDate',
  'siren',
  'academicAffiliation',
  'lookingForCofounder',
  'teamSize',
  'fundingSoughtEur',
  'website',
] as const satisfies readonly (keyof ApplicationFields)[];
export type FormField = (typeof FORM_FIELDS)[number];

/** What the form shows in its controls: the posted text as typed (so a wrong value can be corrected). */
export type FormValues = Record<FormField, string | string[]>;

const INTEGER = /^\s*-?\d+\s*$/;

function number(text: string): number | string | null {
  const trimmed = text.replace(/[\s\u00a0\u202f]/g, '');
  if (trimmed === '') return null;
  // left as text when not a whole number: the DTO then says the field is wrong
  return INTEGER.test(trimmed) ? Number(trimmed) : trimmed;
}

function yesNo(text: string): boolean | string | null {
  if (text === '') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}

const orNull = (text: string): string | null => (text.trim() === '' ? null : text);

/** The posted form: what to show back, and the API's update body (an empty control clears the field). */
export function readApplicationForm(body: Record<string, unknown>): { values: FormValues; update: Record<string, unknown> } {
  const values = {} as FormValues;
  for (const field of FORM_FIELDS) values[field] = field === 'domains' || field === 'needs' ? listOf(body, field) : textOf(body, field);
  const text = (field: FormField): string => values[field] as string;
  const list = (field: FormField): string[] | null => ((values[field] as string[]).length === 0 ? null : (values[field] as string[]));
  const update: Record<string, unknown> = {
    startupName: text('startupName'),
    projectSummary: orNull(text('projectSummary')),
    stage: orNull(text('stage')),
    trl: number(text('trl')),
    domains: list('domains'),
    needs: list('needs'),
    incorporated: yesNo(text('incorporated')),
    // a founder who says "not incorporated" leaves the date aside, whatever the date field holds
    incorporationDate: text('incorporated') === 'false' ? null : orNull(text('incorporationDate').trim()),
    siren: orNull(text('siren')),
    academicAffiliation: orNull(text('academicAffiliation')),
    lookingForCofounder: yesNo(text('lookingForCofounder')),
    teamSize: number(text('teamSize')),
    fundingSoughtEur: number(text('fundingSoughtEur')),
    website: orNull(text('website').trim()),
  };
  return { values, update };
}

/** The form's controls filled from a saved application. */
export function formValuesOf(app: Partial<ApplicationFields>): FormValues {
  const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
  return {
    startupName: s(app.startupName),
    projectSummary: s(app.projectSummary),
    stage: s(app.stage),
    trl: s(app.trl),
    domains: app.domains ?? [],
    needs: app.needs ?? [],
    incorporated: s(app.incorporated),
    incorporationDate: s(app.incorporationDate),
    siren: s(app.siren),
    academicAffiliation: s(app.academicAffiliation),
    lookingForCofounder: s(app.lookingForCofounder),
    teamSize: s(app.teamSize),
    fundingSoughtEur: s(app.fundingSoughtEur),
    website: s(app.website),
  };
}

/**
 * The catalogue key of the message shown for an API field error: `required` when the field is
 * missing at submission, a specific key for the rules between fields, `invalid` otherwise
 * (each field's `invalid` text says what a valid value is).
 */
export function errorKey(error: FieldError): string {
  const field = error.field.replace(/\[\d+\]$/, '');
  const message = error.messages.join(' ');
  if (/is required/.test(message)) return `form.${field}.required`;
  if (field === 'incorporationDate' && /future/.test(message)) return 'form.incorporationDate.future';
  return `form.${field}.invalid`;
}

/** One message per field (the first error of each), in the order of the form. */
export function errorsByField(errors: FieldError[], translate: (key: string) => string): Record<string, string> {
  const byField = new Map<string, string>();
  for (const error of errors) {
    const field = error.field.replace(/\[\d+\]$/, '');
    if (!byField.has(field)) byField.set(field, translate(errorKey(error)));
  }
  const ordered: Record<string, string> = {};
  for (const field of FORM_FIELDS) if (byField.has(field)) ordered[field] = byField.get(field) as string;
  for (const [field, message] of byField) if (!(field in ordered)) ordered[field] = message;
  return ordered;
}
