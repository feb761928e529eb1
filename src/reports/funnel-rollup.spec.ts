import { consecutiveRuns, liveRanges, rollupCutoff } from './funnel-rollup';

describe('funnel rollup days', () => {
  it('splits days into runs and finds the instants of the days not rolled up', () => {
    expect(consecutiveRuns(['2027-03-01', '2027-03-02', '2027-03-04', '2027-03-05', '2027-03-06'], 2)).toEqual([['2027-03-01', '2027-03-02'], ['2027-03-04', '2027-03-05'], ['2027-03-06']]);
    const live = liveRanges({ from: '2027-03-27', to: '2027-03-31' }, new Set(['2027-03-28', '2027-03-29']));
    // Paris changes to summer time on 28 March 2027
    expect(live.starts.map((d) => d.toISOString())).toEqual(['2027-03-26T23:00:00.000Z', '2027-03-29T22:00:00.000Z']);
    expect(live.ends.map((d) => d.toISOString())).toEqual(['2027-03-27T23:00:00.000Z', '2027-03-31T22:00:00.000Z']);
    expect(liveRanges({ from: '2027-03-01', to: '2027-03-01' }, new Set(['2027-03-01']))).toEqual({ starts: [], ends: [] });
  });

  it('keeps today and yesterday (Paris) live', () => {
    // 00:30 in Paris on 2 March is still 1 March in UTC
    expect(rollupCutoff(new Date('2027-03-01T23:30:00Z'))).toBe('2027-03-01');
    expect(rollupCutoff(new Date('2027-03-02T12:00:00Z'))).toBe('2027-03-01');
  });
});
