/**
 * A programme's scoring rubric for expert reviews: criteria with a weight, a maximum score and,
 * in French and English, a label and what each score means. Pure: no Nest, no database.
 */

export interface RubricText {
  fr: string;
  en: string;
}

export interface RubricCriterion {
  /** stable key the scores are given under, e.g. `science` */
  key: string;
  label: RubricText;
  description: RubricText;
  /** 1–10: how much the criterion counts in the weighted score */
  weight: number;
  /** 1–10: the highest score (scores run from 0 to max) */
  max: number;
}

export type Rubric = RubricCriterion[];

export const RUBRIC_LIMITS = { criteria: 20, weight: { min: 1, max: 10 }, max: { min: 1, max: 10 }, label: 200, description: 2000 } as const;
const KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
const CRITERION_FIELDS = ['key', 'label', 'description', 'weight', 'max'];

export interface RubricError {
  /** relative to the rubric, e.g. `[1].weight` */
  path: string;
  message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkText(value: unknown, path: string, maxLength: number, errors: RubricError[]): void {
  if (!isRecord(value)) {
    errors.push({ path, message: 'must be an object {fr, en}' });
    return;
  }
  for (const extra of Object.keys(value).filter((k) => k !== 'fr' && k !== 'en')) errors.push({ path: `${path}.${extra}`, message: 'is not an accepted field' });
  for (const locale of ['fr', 'en'] as const) {
    const text = value[locale];
    if (typeof text !== 'string' || text.trim().length === 0 || text.length > maxLength) errors.push({ path: `${path}.${locale}`, message: `must be a text of 1 to ${maxLength} characters` });
  }
}

function checkInteger(value: unknown, path: string, range: { min: number; max: number }, errors: RubricError[]): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) errors.push({ path, message: `must be an integer from ${range.min} to ${range.max}` });
}

/** Every problem of a proposed rubric, each named by its path; none means it is valid. */
export function rubricErrors(input: unknown): RubricError[] {
  if (!Array.isArray(input)) return [{ path: '', message: 'must be a list of criteria' }];
  const errors: RubricError[] = [];
  if (input.length > RUBRIC_LIMITS.criteria) errors.push({ path: '', message: `at most ${RUBRIC_LIMITS.criteria} criteria` });
  const seen = new Set<string>();
  input.forEach((criterion: unknown, i) => {
    const at = `[${i}]`;
    if (!isRecord(criterion)) {
      errors.push({ path: at, message: 'must be an object {key, label, description, weight, max}' });
      return;
    }
    for (const extra of Object.keys(criterion).filter((k) => !CRITERION_FIELDS.includes(k))) errors.push({ path: `${at}.${extra}`, message: 'is not an accepted field' });
    if (typeof criterion.key !== 'string' || !KEY_PATTERN.test(criterion.key)) {
      errors.push({ path: `${at}.key`, message: 'must be 1-40 lowercase letters, digits or underscores, starting with a letter' });
    } else if (seen.has(criterion.key)) {
      errors.push({ path: `${at}.key`, message: `${criterion.key} is used twice` });
    } else {
      seen.add(criterion.key);
    }
    checkText(criterion.label, `${at}.label`, RUBRIC_LIMITS.label, errors);
    checkText(criterion.description, `${at}.description`, RUBRIC_LIMITS.description, errors);
    checkInteger(criterion.weight, `${at}.weight`, RUBRIC_LIMITS.weight, errors);
    checkInteger(criterion.max, `${at}.max`, RUBRIC_LIMITS.max, errors);
  });
  return errors;
}

/** The rubric as stored: only the accepted fields, in the given order. Call after rubricErrors found none. */
export function normaliseRubric(input: Rubric): Rubric {
  return input.map((c) => ({ key: c.key, label: { fr: c.label.fr, en: c.label.en }, description: { fr: c.description.fr, en: c.description.en }, weight: c.weight, max: c.max }));
}
