import type { TemplateName } from '../templates/template-contexts';

/** An email as its producer writes it into the outbox (`enqueueEmails`, in the producer's transaction). */
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
}

/**
 * The templates that share one key per recipient and event: the two weekly digests, so that
 * someone whose role changed during the week still gets one digest of that week, not two.
 */
const SHARED_KEYS: Partial<Record<TemplateName, string>> = { 'weekly-digest-advisor': 'digest', 'weekly-digest-manager': 'digest' };

/**
 * The three parts of a dedupe key, in order. The one place the key's format is written: the
 * TypeScript key (dedupeKey) and the SQL one (dedupeKeySql) are both joined from these parts.
 * `template:eventKey:recipient`, or `digest:recipient:isoWeek` for the digests.
 */
function keyParts<T>(template: TemplateName, eventKey: T, recipientId: T, literal: (text: string) => T): [T, T, T] {
  const shared = SHARED_KEYS[template];
  return shared === undefined ? [literal(template), eventKey, recipientId] : [literal(shared), recipientId, eventKey];
}

/** The key of the unique index that makes a second write of the same logical email a no-op. */
export function dedupeKey(email: Pick<OutboxEmail, 'template' | 'eventKey' | 'recipientId'>): string {
  return keyParts(email.template, email.eventKey, email.recipientId, (text) => text).join(':');
}

/**
 * The same key as SQL text, from SQL expressions for the event key and the recipient (e.g.
 * `a.id`, `a.owner_id`): for scans that look for an email already written
 * (`e.dedupe_key = ${dedupeKeySql('draft-reminder', 'a.id', 'a.owner_id')}`).
 */
export function dedupeKeySql(template: TemplateName, eventKeySql: string, recipientSql: string): string {
  if (!/^[a-z-]+$/.test(template)) throw new Error(`not a template name: ${template}`);
  return keyParts(template, eventKeySql, recipientSql, (text) => `'${text}'`).join(` || ':' || `);
}

/**
 * SQL: a timestamptz expression as JavaScript's `Date.toISOString()` writes it
 * (`2026-03-02T09:15:00.000Z`), for keys and event data written from TypeScript.
 */
export function isoInstantSql(expression: string): string {
  return `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
