import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { bullConnection } from './queue-connection';
import { JOB_QUEUE, JobName, JobPayloads, QueueName } from './queue.constants';

/** Completed and failed jobs are trimmed so Redis memory stays bounded. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
};

/** Producer side of BullMQ: typed `add` by job name. */
@Injectable()
export class QueueService implements OnModuleDestroy {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
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

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
