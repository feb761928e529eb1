/**
 * The one registry of queues and jobs, with each job's payload type. Payloads carry ids only,
 * never personal or health data: the job re-reads the database.
 */
export const QUEUES = {
  system: 'system',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayloads {
  /** does nothing: measures the queue itself (bench) and proves the worker is alive */
  'system.ping': { sentAt: string };
}
export type JobName = keyof JobPayloads;

/** Which queue carries which job. */
export const JOB_QUEUE: { [J in JobName]: QueueName } = {
  'system.ping': QUEUES.system,
};
