import { Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { QUEUES, QueueName } from './queue.constants';
import { QueueService } from './queue.service';

export const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface QueueCounts {
  queue: QueueName;
  counts: Record<JobState, number>;
}

export interface FailedJob {
  queue: QueueName;
  id: string;
  name: string;
  attemptsMade: number;
  failedReason: string;
  failedAt: string | null;
}

export function isQueueName(value: unknown): value is QueueName {
  return typeof value === 'string' && (Object.values(QUEUES) as string[]).includes(value);
}

/**
 * What the admin's queue page shows: counts per BullMQ queue and the last failed jobs, and the
 * retry of one of them. Reads Redis only (queues hold ids, never personal data: a failed job's
 * reason is an error message, shown as text). Redis away: the callers' errors say so (503).
 */
@Injectable()
export class QueueDashboardService {
  constructor(private readonly queues: QueueService) {}

  async counts(): Promise<QueueCounts[]> {
    return Promise.all(
      Object.values(QUEUES).map(async (queue) => {
        const raw = await this.queues.queue(queue).getJobCounts(...JOB_STATES);
        const counts = Object.fromEntries(JOB_STATES.map((state) => [state, raw[state] ?? 0])) as Record<JobState, number>;
        return { queue, counts };
      }),
    );
  }

  /** The `limit` most recently failed jobs of every queue, newest first. */
  async lastFailed(limit = 20): Promise<FailedJob[]> {
    const perQueue = await Promise.all(
      Object.values(QUEUES).map(async (queue) => {
        const jobs = await this.queues.queue(queue).getFailed(0, limit - 1);
        return jobs.map((job) => ({
          queue,
          id: String(job.id),
          name: job.name,
          attemptsMade: job.attemptsMade,
          failedReason: job.failedReason ?? '',
          failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
        }));
      }),
    );
    return perQueue
      .flat()
      .sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? ''))
      .slice(0, limit);
  }

  /** Moves a failed job back to waiting (404 when there is no such job, 422 when it is not failed). */
  async retry(queue: QueueName, jobId: string): Promise<void> {
    const job = await this.queues.queue(queue).getJob(jobId);
    if (!job) throw new NotFoundException('No such job');
    if (!(await job.isFailed())) throw new UnprocessableEntityException('Only a failed job can be retried');
    await job.retry('failed');
  }
}
