import { createHash } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { Transactions } from '../../database/transactions';
import { QueueService } from '../../queue/queue.service';
import { EmailOutboxRepository } from '../email-outbox.repository';

/** Quick retries of one relay round (2 s, 4 s, 8 s, 16 s); after that the sender hands the email back to the relay. */
export const EMAIL_JOB_ATTEMPTS = 5;

const BATCH = 500;
/**
 * How many rows one job sends: the sender reads, claims and records a job's rows with one
 * statement each, and BullMQ's own cost is paid once per job, not per email.
 */
export const EMAIL_JOB_BATCH = 20;
/** How often the relay looks for new rows (a quarter of a second: emails leave promptly). */
const POLL_MS = 250;
/** A relayed email still queued after this long lost its job (Redis restarted without persistence): relay it again. */
export const RELAY_STALE_MS = 10 * 60 * 1000;
/** Every this many passes (2 s), a pass also looks for rows to hand out again (stale relay, lapsed lease). */
const SWEEP_EVERY = 8;

/**
 * Moves committed outbox rows into BullMQ, polling every 250 ms (an indexed query that finds
 * nothing most of the time; NOTIFY would be quicker but serialises every notifying commit in
 * PostgreSQL). Rows are claimed with FOR UPDATE SKIP LOCKED, so
 * several workers relay side by side without taking the same row. Rows go out in jobs of
 * EMAIL_JOB_BATCH; each job's id is stable for its rows and their relay round (relayJobId), so a
 * crash between enqueue and commit cannot make two jobs of one batch.
 * Redis down → the transaction rolls back, the rows stay, the next tick tries again.
 * A row whose sender's lease lapsed (the worker died mid-send) is relayed again: its email goes
 * out as the next attempt.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failing = false;
  private passes = 0;

  constructor(
    private readonly transactions: Transactions,
    private readonly outbox: EmailOutboxRepository,
    private readonly queues: QueueService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
    this.kick();
  }

  /** Runs a relay pass now, or right after the one in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      if (this.passes++ % SWEEP_EVERY === 0) {
        while (!this.stopped && (await this.relayBatch('again')) === BATCH) {
          // keep going while full batches come back
        }
      }
      while (!this.stopped && (await this.relayBatch('fresh')) === BATCH) {
        // idem
      }
      if (this.failing) this.logger.log('relay recovered');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn(`relay paused: ${(error as Error).message}`);
      this.failing = true;
    }
  }

  /**
   * One batch; returns how many rows it relayed. Public for tests and benchmarks. `fresh`: rows
   * never handed out (every pass); `again`: rows whose relay went stale or whose sender's lease
   * lapsed (every SWEEP_EVERY passes).
   */
  async relayBatch(which: 'fresh' | 'again'): Promise<number> {
    const now = this.clock.now();
    return this.transactions.run(async (em) => {
      const rows = which === 'fresh' ? await this.outbox.lockFreshRelayBatch(em, now, BATCH) : await this.outbox.lockRelayAgainBatch(em, now, new Date(now.getTime() - RELAY_STALE_MS), BATCH);
      if (rows.length === 0) return 0;
      const jobs = [];
      for (let i = 0; i < rows.length; i += EMAIL_JOB_BATCH) {
        const batch = rows.slice(i, i + EMAIL_JOB_BATCH);
        jobs.push({ name: 'email.send' as const, data: { emailIds: batch.map((r) => r.id) }, opts: { jobId: relayJobId(batch), attempts: EMAIL_JOB_ATTEMPTS, backoff: { type: 'exponential', delay: 2000 } } });
      }
      await this.queues.queue('emails').addBulk(jobs);
      await this.outbox.markRelayed(em, rows.map((r) => r.id), now);
      return rows.length;
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}

/**
 * A job's id, from its rows and their relay rounds: the same batch relayed twice (a crash between
 * the enqueue and the commit) is one job; a batch that differs by one row or one round is another.
 */
export function relayJobId(rows: readonly { id: string; relay_count: number }[]): string {
  const hash = createHash('sha256');
  for (const r of rows) hash.update(`${r.id}:${r.relay_count + 1};`);
  return `emails-${hash.digest('base64url').slice(0, 32)}`;
}
