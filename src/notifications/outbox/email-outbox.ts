import type { EntityManager } from 'typeorm';
import type { TemplateName } from '../templates/template-contexts';

export interface OutboxEmail {
  template: TemplateName;
  recipientId: string;
  /** the logical event this email tells about; with template and recipient it makes the dedupe key */
  eventKey: string;
  applicationId?: string | null;
  /** ids only: the sender re-reads the database */
  data?: Record<string, string | number | boolean | null>;
  /** not before this instant (default: now) */
  availableAt?: Date;
  /** a key given by the caller instead of template:eventKey:recipient (digests: `digest:<userId>:<isoWeek>`) */
  dedupeKey?: string;
}

export function dedupeKey(email: Pick<OutboxEmail, 'template' | 'eventKey' | 'recipientId' | 'dedupeKey'>): string {
  return email.dedupeKey ?? `${email.template}:${email.eventKey}:${email.recipientId}`;
}

/**
 * Writes emails into the outbox inside the caller's transaction: they exist if and only if
 * their cause committed. A second write of the same logical email is a no-op.
 * Returns how many rows were actually new.
 *
 * Locks it takes: the new rows' unique keys, and KEY SHARE on the users and cases they reference
 * (the foreign-key checks). Those never conflict with the row locks that serialise work on a case
 * or an advisor, which are all FOR NO KEY UPDATE (see docs/notifications.md "Emails", lock order: this is what made
 * the million-case benchmark deadlock when they were FOR UPDATE).
 */
export async function enqueueEmails(em: EntityManager, emails: OutboxEmail[], now: Date): Promise<number> {
  if (emails.length === 0) return 0;
  // one stable order (by dedupe key): two transactions writing overlapping emails wait on each
  // other's keys in the same order instead of deadlocking (the unique index makes a second
  // writer of a key wait for the first's commit)
  const sorted = [...emails].sort((a, b) => (dedupeKey(a) < dedupeKey(b) ? -1 : dedupeKey(a) > dedupeKey(b) ? 1 : 0));
  const params: unknown[] = [];
  const tuples = sorted.map((e) => {
    params.push(dedupeKey(e), e.template, e.recipientId, e.applicationId ?? null, JSON.stringify(e.data ?? {}), e.availableAt ?? now);
    const n = params.length;
    return `($${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
  });
  // no NOTIFY here: PostgreSQL serialises the commits of every transaction that notifies (one
  // global lock held through the WAL flush), which capped submissions; the relay polls instead
  const [{ n }]: { n: number }[] = await em.query(
    `WITH inserted AS (
       INSERT INTO emails (dedupe_key, template, recipient_id, application_id, data, available_at) VALUES ${tuples.join(', ')}
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id)
     SELECT count(*)::int AS n FROM inserted`,
    params,
  );
  return n;
}
