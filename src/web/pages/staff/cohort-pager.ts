/**
 * The staff's cohort page shows its enrolled startups a page at a time: a cohort seated from a
 * whole half-year of acceptances holds thousands, each with a progress form per milestone (about
 * 9 KB of HTML a startup with five milestones; with twenty a page, the seeded demo's pages weigh
 * about 260 KB). Pure.
 */
export const COHORT_PAGE_SIZE = 20;

export interface CohortPage {
  /** 1-based, within 1..pages */
  page: number;
  pages: number;
  /** the startups shown: indexes start (included) to end (excluded) of the cohort's list */
  start: number;
  end: number;
  total: number;
}

/** The page a `?page=` value or a form's hidden field names: a whole number from 1, else 1. */
export function askedPage(value: unknown): number {
  if (typeof value === 'string' && /^[1-9]\d{0,6}$/.test(value)) return Number(value);
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : 1;
}

/** The page asked for, clamped to the pages there are. */
export function cohortPage(total: number, requested: unknown, size = COHORT_PAGE_SIZE): CohortPage {
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(askedPage(requested), pages);
  const start = (page - 1) * size;
  return { page, pages, start, end: Math.min(total, start + size), total };
}

/** The page that shows the startup at `index` of the cohort's list. */
export function pageOfIndex(index: number, size = COHORT_PAGE_SIZE): number {
  return Math.floor(Math.max(0, index) / size) + 1;
}
