/**
 * The events a webhook can subscribe to, and what each one's `data` holds: ids, references,
 * statuses and programme slugs only, never personal data (no names, emails, texts).
 */
export const WEBHOOK_EVENT_TYPES = ['application.submitted', 'case.status_changed', 'case.assigned', 'review.submitted', 'referral.updated'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WebhookEventData {
  'application.submitted': { applicationId: string; reference: string; status: 'submitted'; recommended: string[]; submittedAt: string };
  'case.status_changed': { applicationId: string; reference: string; from: string; to: string; programme: string | null };
  'case.assigned': { applicationId: string; reference: string; assigneeId: string | null; previousAssigneeId: string | null; auto: boolean };
  'review.submitted': { applicationId: string; reference: string; reviewId: string };
  'referral.updated': { applicationId: string; reference: string; referralId: string; partnerId: string; status: string };
}

export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return typeof value === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/** The exact body that is signed and sent: `{type, timestamp, data}`. */
export function webhookBody<T extends WebhookEventType>(type: T, at: Date, data: WebhookEventData[T]): string {
  return JSON.stringify({ type, timestamp: at.toISOString(), data });
}
