/**
 * When a failed delivery is tried again. The first retry comes 10 s after the first attempt,
 * the second 60 s after that, then 5 min, 10 min, 20 min … doubling up to 6 h, for as long as the
 * next try would fall within 24 h of the round's first attempt; after that the delivery is
 * `failed`. About a dozen tries per round. A replay starts a new round.
 */
export const RETRY_WINDOW_MS = 24 * 3600 * 1000;
const FIRST_DELAYS_MS = [10_000, 60_000];
const BACKOFF_BASE_MS = 5 * 60_000;
const BACKOFF_CAP_MS = 6 * 3600_000;

/** The wait after the `attemptsInRound`-th failed try of a round (1-based). */
export function retryDelayMs(attemptsInRound: number): number {
  if (attemptsInRound < 1) return 0;
  if (attemptsInRound <= FIRST_DELAYS_MS.length) return FIRST_DELAYS_MS[attemptsInRound - 1];
  return Math.min(BACKOFF_BASE_MS * 2 ** (attemptsInRound - FIRST_DELAYS_MS.length - 1), BACKOFF_CAP_MS);
}

/** The next try after a failure, or null when the round's 24 hours are over (give up). */
export function nextAttemptAfterFailure(roundStartedAt: Date, attemptsInRound: number, now: Date): Date | null {
  const next = new Date(now.getTime() + retryDelayMs(attemptsInRound));
  return next.getTime() - roundStartedAt.getTime() > RETRY_WINDOW_MS ? null : next;
}
