import { Injectable } from '@nestjs/common';

/** From this many HTTP requests in flight the process is busy: its queued jobs wait. */
export const BUSY_REQUESTS = 4;
/** The longest a job waits for the requests to calm down: under sustained load jobs still run, one wait each. */
export const MAX_JOB_WAIT_MS = 30_000;

/**
 * How many HTTP requests this process is serving, so that when one process both serves HTTP and
 * runs the queue (APP_ROLE=all, one thread), its jobs give way to people waiting on a page: a
 * job starts once fewer than BUSY_REQUESTS requests are in flight, or after MAX_JOB_WAIT_MS.
 * During a burst of submissions the acknowledgements leave after the burst instead of taking
 * the CPU the submissions need. With APP_ROLE=worker nothing is ever in flight here and jobs never
 * wait; with APP_ROLE=api no job runs here.
 */
@Injectable()
export class RequestLoad {
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  /** A request began; `ended` must follow once (its response's `close`). */
  started(): void {
    this.inFlight++;
  }

  ended(): void {
    this.inFlight--;
    if (this.inFlight < BUSY_REQUESTS) this.wake();
  }

  busy(): boolean {
    return !this.closed && this.inFlight >= BUSY_REQUESTS;
  }

  /** Resolves at once when the process is not busy, else when it stops being busy or after `maxMs`. */
  whenQuiet(maxMs = MAX_JOB_WAIT_MS): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      this.waiters.push(done);
    });
  }

  /** Shutting down: every waiting job goes now, and none waits again (the worker finishes what it holds). */
  close(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    for (const done of [...this.waiters]) done();
  }
}
