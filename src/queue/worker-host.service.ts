import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { Redis } from 'ioredis';
import { runWithLogContext } from '../common/logging/log-context';
import { JobHandlerRegistry } from './job-handler.registry';
import { bullConnection } from './queue-connection';
import { JOB_QUEUE, QueueName } from './queue.constants';
import { RequestLoad } from './request-load';

/** How many jobs one worker process runs at once, per queue (an emails job sends up to 20 emails: EMAIL_JOB_BATCH). */
const CONCURRENCY: Partial<Record<QueueName, number>> = { emails: 4, scheduler: 1 };

/**
 * Runs a BullMQ worker per queue that has handlers. On shutdown (SIGTERM) it stops taking
 * jobs and waits for the ones in flight to finish: nothing is dropped.
 */
@Injectable()
export class WorkerHostService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private readonly workers: Worker[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobHandlerRegistry,
    private readonly load: RequestLoad,
  ) {}

  onApplicationBootstrap(): void {
    const queues = new Set(this.registry.names().map((name) => JOB_QUEUE[name]));
    for (const queue of queues) {
      const worker = new Worker(queue, (job: Job) => this.dispatch(job), {
        connection: bullConnection(this.config.redisUrl),
        prefix: this.config.redisPrefix,
        concurrency: CONCURRENCY[queue] ?? 10,
        // a job whose worker died is taken over once its lock lapses
        lockDuration: this.config.queueLockMs,
        stalledInterval: Math.min(30_000, this.config.queueLockMs),
        autorun: true,
      });
      worker.on('error', (error) => this.logger.warn(`queue ${queue}: ${error.message}`));
      worker.on('failed', (job, error) => {
        if (job && (error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1))) {
          this.logger.warn(`job ${job.name} ${job.id} failed for good: ${error.message}`);
        }
      });
      this.workers.push(worker);
    }
    this.logger.log(`worker listening on ${[...queues].join(', ') || 'no queue'}`);
  }

  private async dispatch(job: Job): Promise<void> {
    const handler = this.registry.get(job.name);
    if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
    // sharing the process with HTTP (APP_ROLE=all): people waiting on a page go first (see RequestLoad)
    await this.load.whenQuiet();
    // every line the job writes says which queue, job and email or case it is about
    const data = (job.data ?? {}) as { emailId?: unknown; applicationId?: unknown; caseId?: unknown };
    const about = {
      ...(typeof data.emailId === 'string' ? { emailId: data.emailId } : {}),
      ...(typeof data.applicationId === 'string' ? { caseId: data.applicationId } : typeof data.caseId === 'string' ? { caseId: data.caseId } : {}),
    };
    await runWithLogContext({ queue: job.queueName, jobId: String(job.id), job: job.name, ...about }, () => handler(job.data as never, job as never));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.load.close();
    // while Redis is away a graceful close waits for it forever (nothing can be in flight then
    // anyway: a job needs Redis to be taken), so a worker that cannot reach it is closed at once
    const redisUp = await redisAnswers(this.config.redisUrl);
    await Promise.all(
      this.workers.map(async (w) => {
        if (redisUp) {
          // a graceful close lets jobs in flight finish; after a Redis cut it can also wait on a
          // blocking read lost with the old connection, so it is bounded (a job cut short is
          // taken again once its lock expires, and the ledger keeps it from acting twice)
          let closed = false;
          await settleWithin(w.close().then(() => (closed = true)), GRACEFUL_CLOSE_MS);
          if (closed) return;
          this.logger.warn(`worker ${w.name} did not stop within ${GRACEFUL_CLOSE_MS} ms; closing it without waiting`);
        }
        await settleWithin(w.close(true), 2000);
        await settleWithin(w.disconnect(), 1000);
      }),
    );
    this.workers.length = 0;
    this.logger.log('worker stopped');
  }
}

/** How long a worker may take to finish its jobs in flight at shutdown. */
const GRACEFUL_CLOSE_MS = 10_000;

/** Waits for `promise` at most `ms` (its outcome is ignored). */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * Whether Redis answers a PING within a second, on a connection of its own that makes no second
 * attempt (the workers' own connections keep retrying while Redis is away).
 */
async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    let answered = false;
    await settleWithin(
      probe.connect().then(async () => {
        answered = (await probe.ping()) === 'PONG';
      }),
      1500,
    );
    return answered;
  } finally {
    probe.disconnect();
  }
}
