import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { runWithLogContext } from '../common/logging/log-context';
import { JobHandlerRegistry } from './job-handler.registry';
import { bullConnection } from './queue-connection';
import { JOB_QUEUE, QueueName } from './queue.constants';

/** How many jobs one worker process runs at once, per queue. */
const CONCURRENCY: Partial<Record<QueueName, number>> = { emails: 16, scheduler: 1 };

/**
 * Runs a BullMQ worker per queue that has handlers. On shutdown (SIGTERM) it stops taking
 * jobs and waits for the ones in flight to finish: nothing is dropped.
 */
@Injectable()
export class WorkerHostService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private readonly workers: Worker[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobHandlerRegistry,
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
    // every line the job writes says which queue, job and email or case it is about
    const data = (job.data ?? {}) as { emailId?: unknown; applicationId?: unknown; caseId?: unknown };
    const about = {
      ...(typeof data.emailId === 'string' ? { emailId: data.emailId } : {}),
      ...(typeof data.applicationId === 'string' ? { caseId: data.applicationId } : typeof data.caseId === 'string' ? { caseId: data.caseId } : {}),
    };
    await runWithLogContext({ queue: job.queueName, jobId: String(job.id), job: job.name, ...about }, () => handler(job.data as never, job as never));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    this.workers.length = 0;
    this.logger.log('worker stopped');
  }
}
