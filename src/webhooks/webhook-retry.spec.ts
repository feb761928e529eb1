import { nextAttemptAfterFailure, retryDelayMs, RETRY_WINDOW_MS } from './webhook-retry';

describe('webhook retry schedule', () => {
  it('retries within 30 s, then within 2 minutes, then doubling from 5 minutes up to 6 hours', () => {
    expect(retryDelayMs(1)).toBeLessThanOrEqual(30_000);
    expect(retryDelayMs(2)).toBeLessThanOrEqual(120_000);
    expect([3, 4, 5, 6, 7, 8, 9, 10, 11].map(retryDelayMs)).toEqual([5, 10, 20, 40, 80, 160, 320, 360, 360].map((m) => m * 60_000));
  });

  it('keeps trying for 24 hours after the first try of the round, then gives up', () => {
    const start = new Date('2026-12-01T10:00:00Z');
    let now = start;
    const tries: Date[] = [start];
    for (let n = 1; ; n++) {
      const next = nextAttemptAfterFailure(start, n, now);
      if (next === null) break;
      tries.push(next);
      now = next;
      if (n > 100) throw new Error('never gives up');
    }
    const last = tries[tries.length - 1];
    expect(last.getTime() - start.getTime()).toBeLessThanOrEqual(RETRY_WINDOW_MS);
    // the last try is within one backoff step of the 24 hours: retried for the whole day
    expect(last.getTime() - start.getTime()).toBeGreaterThan(RETRY_WINDOW_MS - 6 * 3600_000);
    expect(tries.length).toBe(12);
  });
});
