/**
 * The one registry of queues and jobs, with each job's payload type. Payloads carry ids only,
 * never personal or health data: the job re-reads the database.
 */
export const QUEUES = {
  system: 'system',
  emails: 'emails',
  scheduler: 'scheduler',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayloads {
  /** does nothing: measures the queue itself (bench) and proves the worker is alive */
  'system.ping': { sentAt: string };
  /** render and send a batch of rows of the `emails` outbox (a job of an older release: one row) */
  'email.send': { emailIds: string[] } | { emailId: string };
  /** find reminders and service-level events that are due, and write their emails (idempotent) */
  'reminders.scan': Record<string, never>;
  /** fan the current ISO week's digests out (idempotent per user and week) */
  'digests.run': Record<string, never>;
  /** daily: warn founders, then purge abandoned drafts and old closed cases */
  'retention.run': Record<string, never>;
  /** daily: roll the funnel report's past days up (src/reports/funnel-rollup.ts) */
  'reports.rollup': Record<string, never>;
  /** every 10 minutes: delete document bytes that no row names (src/documents/document-cleanup.service.ts) */
  'documents.sweep': Record<string, never>;
  /** every minute: chase partners' silence on referrals (src/referrals/referral-reminders.service.ts) */
  'referrals.scan': Record<string, never>;
  /** every minute: write the review reminders that are due (src/reviews/reviews-worker.module.ts; idempotent) */
  'reviews.reminders': Record<string, never>;
}
export type JobName = keyof JobPayloads;

/** Which queue carries which job. */
export const JOB_QUEUE: { [J in JobName]: QueueName } = {
  'system.ping': QUEUES.system,
  'email.send': QUEUES.emails,
  'reminders.scan': QUEUES.scheduler,
  'digests.run': QUEUES.scheduler,
  'retention.run': QUEUES.scheduler,
  'reports.rollup': QUEUES.scheduler,
  'documents.sweep': QUEUES.scheduler,
  'referrals.scan': QUEUES.scheduler,
  'reviews.reminders': QUEUES.scheduler,
};
