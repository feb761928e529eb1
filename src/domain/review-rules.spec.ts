import type { Rubric } from '../programmes/rubric';
import { rubricErrors } from '../programmes/rubric';
import { aggregateReviews, businessDaysBefore, reminderDay, scoreErrors, weightedScore } from './review-rules';

const text = (s: string): { fr: string; en: string } => ({ fr: s, en: s });
const RUBRIC: Rubric = [
  { key: 'science', label: text('Science'), description: text('0 none, 5 excellent'), weight: 3, max: 5 },
  { key: 'team', label: text('Team'), description: text('0 none, 5 complete'), weight: 2, max: 5 },
  { key: 'market', label: text('Market'), description: text('0 none, 10 huge'), weight: 1, max: 10 },
];

describe('review rules', () => {
  describe('rubric validation', () => {
    it('accepts a well-formed rubric', () => {
      expect(rubricErrors(RUBRIC)).toEqual([]);
      expect(rubricErrors([])).toEqual([]);
    });

    it('names every bad part by its path', () => {
      const errors = rubricErrors([
        { key: 'Science', label: { fr: 'x' }, description: text('d'), weight: 0, max: 11, extra: 1 },
        { key: 'team', label: text('T'), description: text('d'), weight: 2.5, max: 5 },
        { key: 'team', label: text('T'), description: text('d'), weight: 2, max: 5 },
      ]);
      expect(errors.map((e) => e.path)).toEqual(['[0].extra', '[0].key', '[0].label.en', '[0].weight', '[0].max', '[1].weight', '[2].key']);
      expect(rubricErrors({})).toEqual([{ path: '', message: 'must be a list of criteria' }]);
    });
  });

  describe('scores', () => {
    it('wants every key, no other, each 0..max', () => {
      expect(scoreErrors(RUBRIC, { science: 4, team: 3, market: 10 })).toEqual([]);
      expect(scoreErrors(RUBRIC, { science: 6, market: -1, taste: 3, team: 1.5 }).map((e) => e.field)).toEqual(['scores.science', 'scores.team', 'scores.market', 'scores.taste']);
      expect(scoreErrors(RUBRIC, { science: 4, market: 1 })).toEqual([{ field: 'scores.team', message: 'scores.team is required' }]);
      expect(scoreErrors(RUBRIC, 'ten')).toEqual([{ field: 'scores', message: 'scores must be an object {criterion key: score}' }]);
    });

    it('weighs each score by its criterion (computed by hand)', () => {
      // (4/5×3 + 3/5×2 + 6/10×1) / 6 × 100 = (2.4 + 1.2 + 0.6) / 6 × 100 = 70
      expect(weightedScore(RUBRIC, { science: 4, team: 3, market: 6 })).toBeCloseTo(70, 10);
      // (3 + 2 + 0) / 6 × 100 = 83.33…
      expect(weightedScore(RUBRIC, { science: 5, team: 5, market: 0 })).toBeCloseTo(83.3333, 3);
      expect(weightedScore(RUBRIC, { science: 5, team: 5, market: 10 })).toBe(100);
      expect(weightedScore(RUBRIC, { science: 0, team: 0, market: 0 })).toBe(0);
    });
  });

  describe('aggregate', () => {
    const submitted = (id: string, w: number): { id: string; status: 'submitted'; weightedScore: number } => ({ id, status: 'submitted', weightedScore: w });

    it('counts invited (not withdrawn), recused and submitted; no score until one is submitted', () => {
      expect(
        aggregateReviews([
          { id: 'a', status: 'invited', weightedScore: null },
          { id: 'b', status: 'recused', weightedScore: null },
          { id: 'c', status: 'withdrawn', weightedScore: null },
          { id: 'd', status: 'open', weightedScore: null },
        ]),
      ).toEqual({ invited: 3, recused: 1, submitted: 0, weightedScore: null, spread: null, outliers: [] });
    });

    it('one review: its score, no spread, no outlier', () => {
      expect(aggregateReviews([submitted('a', 70)])).toEqual({ invited: 1, recused: 0, submitted: 1, weightedScore: 70, spread: 0, outliers: [] });
    });

    it('two far apart: no outlier under three submitted', () => {
      // mean 50, deviations ±30: spread 30
      expect(aggregateReviews([submitted('a', 80), submitted('b', 20)])).toMatchObject({ weightedScore: 50, spread: 30, outliers: [] });
    });

    it('four reviews, one far from the others (computed by hand)', () => {
      // mean (70+72+68+30)/4 = 60; deviations 10, 12, 8, -30; variance (100+144+64+900)/4 = 302; spread √302 = 17.378…
      // 30 vs mean of the others (70+72+68)/3 = 70: 40 > 20 → outlier; 72 vs (70+68+30)/3 = 56: 16 → not
      const result = aggregateReviews([submitted('a', 70), submitted('b', 72), submitted('c', 68), submitted('d', 30), { id: 'e', status: 'recused', weightedScore: null }]);
      expect(result).toEqual({ invited: 5, recused: 1, submitted: 4, weightedScore: 60, spread: 17.38, outliers: ['d'] });
    });

    it('exactly 20 points away is not an outlier', () => {
      // 50 vs mean(70, 70) = 70: 20, not more
      expect(aggregateReviews([submitted('a', 70), submitted('b', 70), submitted('c', 50)]).outliers).toEqual([]);
    });
  });

  describe('reminder day', () => {
    it('is two business days before the due date', () => {
      expect(reminderDay('2026-12-10')).toBe('2026-12-08'); // Thursday → Tuesday
      expect(reminderDay('2026-12-07')).toBe('2026-12-03'); // Monday → Thursday before
      expect(reminderDay('2026-12-28')).toBe('2026-12-23'); // Christmas (Friday) is not a business day
      expect(businessDaysBefore('2026-12-10', 0)).toBe('2026-12-10');
    });
  });
});
