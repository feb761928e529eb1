import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { JobSchedulerTemplateOptions, JobsOptions, Queue, RepeatOptions } from 'bullmq';
import { RedisService } from '../redis/redis.service';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { bullConnection } from './queue-connection';
import { settleWithin } from './worker-host.service';
import { JOB_QUEUE, JobName, JobPayloads, QueueName } from './queue.constants';

/** Completed and failed jobs are trimmed so Redis memory stays bounded. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
};

interface ScheduleDefinition {
  repeat: Omit<RepeatOptions, 'key'>;
  job: { name: JobName; data: Record<string, never>; opts: JobSchedulerTemplateOptions };
  registered: boolean;
}

/** How often the schedules are tried again while Redis is away. */
const SCHEDULE_RETRY_MS = 2000;
/** An upsert that has not answered by then counts as failed (BullMQ's scheduler connection waits forever). */
const SCHEDULE_TIMEOUT_MS = 5000;

/** Producer side of BullMQ: typed `add` by job name, and the job schedulers. */
@Injectable()
export class QueueService implements OnApplicationShutdown {
  private readonly logger = new Logger('Schedules');
  private readonly queues = new Map<QueueName, Queue>();
  private readonly schedules = new Map<string, ScheduleDefinition>();
  private keeping = false;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {}

  /**
   * Declares a job scheduler (upserted under its fixed id: any number of processes may declare
   * it). Never waits for Redis: with Redis down at boot, awaiting the upsert kept the app from
   * ever listening. The upsert happens in the background, and is tried again every couple of
   * seconds until Redis answers.
   */
  schedule(id: string, repeat: Omit<RepeatOptions, 'key'>, job: ScheduleDefinition['job']): void {
    this.schedules.set(id, { repeat, job, registered: false });
    void this.keepSchedules();
  }

  /** True once every declared scheduler is in Redis (tests and health use it). */
  schedulesRegistered(): boolean {
    return [...this.schedules.values()].every((s) => s.registered);
  }

  private async keepSchedules(): Promise<void> {
    if (this.keeping || this.closed) return;
    this.keeping = true;
    try {
      for (const [id, schedule] of this.schedules) {
        if (schedule.registered) continue;
        if (!(await this.redis.ping(1000))) break;
        // the app may have begun to close while Redis answered: a queue opened now would outlive it
        if (this.closed) break;
        try {
          await withTimeout(this.queue('scheduler').upsertJobScheduler(id, schedule.repeat, schedule.job), SCHEDULE_TIMEOUT_MS);
          schedule.registered = true;
        } catch (error) {
          this.logger.warn(`schedule ${id} not registered yet: ${(error as Error).message}`);
          break;
        }
      }
    } finally {
      this.keeping = false;
    }
    if (!this.closed && !this.schedulesRegistered() && this.retry === null) {
      this.retry = setTimeout(() => {
        this.retry = null;
        void this.keepSchedules();
      }, SCHEDULE_RETRY_MS);
      this.retry.unref();
    }
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      // once closed, a queue opened here would hold a Redis connection that nothing closes
      if (this.closed) throw new Error(`the ${name} queue is closed: the app is shutting down`);
      // producers fail fast while Redis is away (the outbox keeps the work) instead of waiting
      queue = new Queue(name, { connection: { ...bullConnection(this.config.redisUrl), enableOfflineQueue: false, maxRetriesPerRequest: 1 }, prefix: this.config.redisPrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      queue.on('error', () => undefined); // reconnects by itself; callers see their own add() fail
      this.queues.set(name, queue);
    }
    return queue;
  }

  async add<J extends JobName>(name: J, payload: JobPayloads[J], options: JobsOptions = {}): Promise<void> {
    await this.queue(JOB_QUEUE[name]).add(name, payload, options);
  }

  /** Last, once the workers, the relay and the dispatcher have finished (they stop in beforeApplicationShutdown). */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    // a queue that never reached Redis waits for it forever on close: bounded, then cut
    await Promise.all(
      [...this.queues.values()].map(async (q) => {
        await settleWithin(q.close(), 3000);
        await settleWithin(q.disconnect(), 1000);
      }),
    );
    this.queues.clear();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
