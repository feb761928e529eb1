import { cohortPage, pageOfIndex } from './cohort-pager';

describe('cohortPage', () => {
  it('shows the first startups when no page is asked for', () => {
    expect(cohortPage(120, undefined, 50)).toEqual({ page: 1, pages: 3, start: 0, end: 50, total: 120 });
  });

  it('shows the page asked for, the last one partly filled', () => {
    expect(cohortPage(120, '3', 50)).toEqual({ page: 3, pages: 3, start: 100, end: 120, total: 120 });
    expect(cohortPage(120, 2, 50)).toMatchObject({ page: 2, start: 50, end: 100 });
  });

  it('clamps a page past the end to the last one', () => {
    expect(cohortPage(120, '9', 50)).toMatchObject({ page: 3, start: 100, end: 120 });
  });

  it.each([['0'], ['-1'], ['2.5'], ['abc'], [''], [['2', '3']], [0], [1.5]])('reads %j as page 1', (asked) => {
    expect(cohortPage(120, asked, 50).page).toBe(1);
  });

  it('has one empty page for a cohort with nobody in it', () => {
    expect(cohortPage(0, '4', 50)).toEqual({ page: 1, pages: 1, start: 0, end: 0, total: 0 });
  });
});

describe('pageOfIndex', () => {
  it('finds the page that shows a startup', () => {
    expect([0, 49, 50, 99, 100].map((i) => pageOfIndex(i, 50))).toEqual([1, 1, 2, 2, 3]);
  });
});
