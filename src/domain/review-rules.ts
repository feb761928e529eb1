/**
 * The rules of expert reviews, written once (no Nest, no database): statuses and what each lets
 * a reviewer read, score validation against a rubric, the weighted score, the aggregate of a
 * case's reviews, and the reminder's day. SQL that needs them is derived from these lists.
 */
import { addCalendarDays, isBusinessDay, type ParisDay } from './business-calendar';
import type { Rubric } from '../programmes/rubric';

export const REVIEW_STATUSES = ['invited', 'recused', 'open', 'submitted', 'withdrawn'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** The statuses in which the reviewer reads the application's fields and documents. */
export const READING_STATUSES: readonly ReviewStatus[] = ['open', 'submitted'];
/** Not yet submitted nor closed: staff may withdraw it, and the reminder may concern it. */
export const PENDING_STATUSES: readonly ReviewStatus[] = ['invited', 'open'];
/** Counted as invited in the aggregate: every review except a withdrawn one. */
export const COUNTED_STATUSES: readonly ReviewStatus[] = ['invited', 'recused', 'open', 'submitted'];

export const RECOMMENDATIONS = ['accept', 'decline', 'discuss'] as const;
export type ReviewRecommendation = (typeof RECOMMENDATIONS)[number];

/** An outlier is further than this from the mean of the other submitted reviews… */
export const OUTLIER_POINTS = 20;
/** …and only once at least this many are submitted. */
export const OUTLIER_MIN_SUBMITTED = 3;
/** The reminder goes out this many business days before the due date. */
export const REMINDER_BUSINESS_DAYS_BEFORE = 2;

/** `'open', 'submitted'` for a SQL `IN (...)`. */
export function sqlList(statuses: readonly ReviewStatus[]): string {
  return statuses.map((s) => `'${s}'`).join(', ');
}

export function isReading(status: string): boolean {
  return (READING_STATUSES as readonly string[]).includes(status);
}

export interface ScoreError {
  field: string;
  message: string;
}

/** Every rubric key present, no other key, each an integer from 0 to that criterion's max. */
export function scoreErrors(rubric: Rubric, scores: unknown): ScoreError[] {
  if (typeof scores !== 'object' || scores === null || Array.isArray(scores)) return [{ field: 'scores', message: 'scores must be an object {criterion key: score}' }];
  const given = scores as Record<string, unknown>;
  const errors: ScoreError[] = [];
  for (const criterion of rubric) {
    const value = given[criterion.key];
    const field = `scores.${criterion.key}`;
    if (value === undefined || value === null) errors.push({ field, message: `${field} is required` });
    else if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > criterion.max) errors.push({ field, message: `${field} must be an integer from 0 to ${criterion.max}` });
  }
  const keys = new Set(rubric.map((c) => c.key));
  for (const key of Object.keys(given).filter((k) => !keys.has(k))) errors.push({ field: `scores.${key}`, message: `scores.${key} is not a criterion of the rubric` });
  return errors;
}

/** Σ(score/max × weight) / Σ weight × 100: 0–100. The scores must be valid (scoreErrors none). */
export function weightedScore(rubric: Rubric, scores: Record<string, number>): number {
  const totalWeight = rubric.reduce((sum, c) => sum + c.weight, 0);
  if (totalWeight === 0) return 0;
  const points = rubric.reduce((sum, c) => sum + (scores[c.key] / c.max) * c.weight, 0);
  return (points / totalWeight) * 100;
}

export interface ReviewForAggregate {
  id: string;
  status: ReviewStatus;
  /** the review's weighted score, once submitted */
  weightedScore: number | null;
}

export interface ReviewAggregate {
  invited: number;
  recused: number;
  submitted: number;
  /** mean of the submitted reviews' weighted scores (0–100); null until one is submitted */
  weightedScore: number | null;
  /** standard deviation (population) of those scores; null until one is submitted */
  spread: number | null;
  /** reviews further than 20 points from the mean of the others (with at least 3 submitted) */
  outliers: string[];
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * The aggregate of a case's reviews. `invited` counts every review not withdrawn (whatever
 * became of it); figures are rounded to two decimals once computed (never before).
 */
export function aggregateReviews(reviews: ReviewForAggregate[]): ReviewAggregate {
  const counted = reviews.filter((r) => (COUNTED_STATUSES as readonly string[]).includes(r.status));
  const submitted = counted.filter((r) => r.status === 'submitted' && r.weightedScore !== null) as (ReviewForAggregate & { weightedScore: number })[];
  const n = submitted.length;
  const base = { invited: counted.length, recused: counted.filter((r) => r.status === 'recused').length, submitted: n };
  if (n === 0) return { ...base, weightedScore: null, spread: null, outliers: [] };
  const total = submitted.reduce((sum, r) => sum + r.weightedScore, 0);
  const mean = total / n;
  const variance = submitted.reduce((sum, r) => sum + (r.weightedScore - mean) ** 2, 0) / n;
  const outliers = n >= OUTLIER_MIN_SUBMITTED ? submitted.filter((r) => Math.abs(r.weightedScore - (total - r.weightedScore) / (n - 1)) > OUTLIER_POINTS).map((r) => r.id) : [];
  return { ...base, weightedScore: round2(mean), spread: round2(Math.sqrt(variance)), outliers };
}

/** The business day `n` business days before `day` (a due date on a weekend counts from it all the same). */
export function businessDaysBefore(day: ParisDay, n: number): ParisDay {
  let current = day;
  let remaining = n;
  while (remaining > 0) {
    current = addCalendarDays(current, -1);
    if (isBusinessDay(current)) remaining -= 1;
  }
  return current;
}

/** The day the reminder of a review due on `dueOn` goes out. */
export function reminderDay(dueOn: ParisDay): ParisDay {
  return businessDaysBefore(dueOn, REMINDER_BUSINESS_DAYS_BEFORE);
}
