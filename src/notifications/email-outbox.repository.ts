import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { leaseIsFree } from '../database/lease';
import type { EmailRow } from './email-composer';
import { dedupeKey, type OutboxEmail } from './outbox/outbox-email';

/** An outbox row as the sender reads it before claiming it, with its recipient's account (null: no such user). */
export interface EmailToSend extends EmailRow {
  /** another sender holds a live lease on it */
  leased: boolean;
  user_email: string | null;
  full_name: string | null;
  locale: 'fr' | 'en' | null;
  active: boolean | null;
  weekly_digest: boolean | null;
  erased_at: Date | null;
}

/** A claim on one outbox row: the attempt it counts (1 for the first), and the lease that guards its record. */
export interface EmailClaim {
  id: string;
  lease_id: string;
  attempts: number;
}

/** What became of one attempt the SMTP server did not accept, recorded under its lease (accepted ones: `recordSent`). */
export type EmailOutcome =
  | { kind: 'failed'; error: string; recipientEmail: string | null }
  /** transient: a quick retry of the same job follows */
  | { kind: 'retry'; error: string }
  /** transient, quick retries exhausted: back to the relay at `availableAt` */
  | { kind: 'requeue'; error: string; availableAt: Date };

/**
 * Writes emails into the outbox inside the caller's transaction: they exist if and only if
 * their cause committed. A second write of the same logical email (same dedupe key) is a no-op.
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
  const keyed = emails.map((e) => ({ key: dedupeKey(e), e })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const params: unknown[] = [];
  const tuples = keyed.map(({ key, e }) => {
    params.push(key, e.template, e.recipientId, e.applicationId ?? null, JSON.stringify(e.data ?? {}), e.availableAt ?? now);
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

/**
 * The one home of the `emails` outbox: producers write with `enqueueEmails` (above) in their own
 * transaction; the sender and the relay read, claim and record here; the email log reads through
 * EmailLogRepository.
 *
 * Claim, send, record: no statement here is held open across SMTP. Each one is a single
 * autocommitted statement; a lease (`lease_id`, `locked_until`) stands in for the row lock the
 * sender used to keep during the exchange. Leases are timed by the database's clock (`now()`),
 * the one clock every worker shares: a worker's skewed (or, in tests, manual) clock never makes
 * a live lease look lapsed.
 */
@Injectable()
export class EmailOutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The pool's manager, for what the composers read at send time (outside any transaction, reads only). */
  get reads(): EntityManager {
    return this.dataSource.manager;
  }

  /** The rows of a batch and their recipients in one round trip; no lock taken. Rows that do not exist are left out. */
  async findForSending(ids: readonly string[]): Promise<EmailToSend[]> {
    return this.dataSource.query(
      `SELECT e.id, e.template, e.recipient_id, e.application_id, e.data, e.status, e.attempts, e.created_at, NOT ${leaseIsFree('e', 'now()')} AS leased,
              u.email AS user_email, u.full_name, u.locale, u.active, u.weekly_digest, u.erased_at
       FROM emails e LEFT JOIN users u ON u.id = e.recipient_id WHERE e.id = ANY($1::uuid[]) ORDER BY e.id`,
      [ids],
    );
  }

  /**
   * Marks a row skipped (not worth sending any more), unless it was sent meanwhile or someone
   * holds a live lease on it. No attempt is counted: nothing went to the SMTP server.
   */
  async skip(id: string, why: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH skipped AS (UPDATE emails SET status = 'skipped', last_error = $2
       WHERE id = $1 AND status = 'queued' AND ${leaseIsFree('emails', 'now()')} RETURNING id) SELECT id FROM skipped`,
      [id, why],
    );
    return rows.length > 0;
  }

  /**
   * Claims the queued rows of a batch for `leaseMs` and counts their attempts now (committed
   * before any byte goes to the SMTP server, so an attempt whose worker died is still counted), in
   * one statement. Rows not queued any more, or under another sender's live lease, are left out
   * of the answer. Two claims of overlapping batches (a batch relayed again while its first job
   * still runs) are the same short statement over the same rows, read the same way: the later one
   * waits for the earlier to commit, then leaves out what it claimed.
   */
  async claim(ids: readonly string[], leaseMs: number): Promise<EmailClaim[]> {
    return this.dataSource.query(
      `WITH claimed AS (UPDATE emails SET lease_id = gen_random_uuid(), locked_until = now() + $2 * interval '1 millisecond', attempts = attempts + 1
       WHERE id = ANY($1::uuid[]) AND status = 'queued' AND ${leaseIsFree('emails', 'now()')}
       RETURNING id, lease_id, attempts) SELECT * FROM claimed`,
      [ids, leaseMs],
    );
  }

  /**
   * Records the sends of a batch that the SMTP server accepted, in one statement, each only if
   * its lease is still its claim's. Answers the ids recorded (one missing: its lease lapsed and
   * another sender took the row over).
   */
  async recordSent(sent: readonly { claim: EmailClaim; recipientEmail: string; smtpMessageId: string }[], now: Date): Promise<Set<string>> {
    if (sent.length === 0) return new Set();
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH recorded AS (
         UPDATE emails e SET status = 'sent', sent_at = $1, recipient_email = s.recipient_email, smtp_message_id = s.smtp_message_id, last_error = NULL,
           lease_id = NULL, locked_until = NULL
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS s(id, lease_id, recipient_email, smtp_message_id)
         WHERE e.id = s.id AND e.lease_id = s.lease_id RETURNING e.id)
       SELECT id FROM recorded`,
      [now, sent.map((s) => s.claim.id), sent.map((s) => s.claim.lease_id), sent.map((s) => s.recipientEmail), sent.map((s) => s.smtpMessageId)],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Records one attempt's outcome and releases the lease, only if the lease is still this claim's
   * (false: it lapsed and another sender took the row over).
   */
  async record(claim: EmailClaim, outcome: EmailOutcome): Promise<boolean> {
    const guard = 'WHERE id = $1 AND lease_id = $2';
    const release = 'lease_id = NULL, locked_until = NULL';
    let sql: string;
    let params: unknown[];
    switch (outcome.kind) {
      case 'failed':
        sql = `UPDATE emails SET status = 'failed', last_error = $3, recipient_email = coalesce($4, recipient_email), ${release} ${guard}`;
        params = [claim.id, claim.lease_id, outcome.error, outcome.recipientEmail];
        break;
      case 'retry':
        sql = `UPDATE emails SET last_error = $3, ${release} ${guard}`;
        params = [claim.id, claim.lease_id, outcome.error];
        break;
      case 'requeue':
        sql = `UPDATE emails SET last_error = $3, relayed_at = NULL, available_at = $4, ${release} ${guard}`;
        params = [claim.id, claim.lease_id, outcome.error, outcome.availableAt];
        break;
    }
    const rows: unknown[] = await this.dataSource.query(`WITH recorded AS (${sql} RETURNING id) SELECT id FROM recorded`, params);
    return rows.length > 0;
  }

  /**
   * The relay's common batch, locked in the caller's transaction (SKIP LOCKED: relays side by side
   * never take the same row, and never wait): due rows never handed to the queue (a requeued row is
   * among them), read through `emails_relay_fresh_idx`, which holds nothing else. Ordered by
   * (available_at, id), the one order in which anything locks several outbox rows.
   */
  async lockFreshRelayBatch(em: EntityManager, now: Date, limit: number): Promise<{ id: string; relay_count: number }[]> {
    return em.query(
      `SELECT id, relay_count FROM emails
       WHERE status = 'queued' AND relayed_at IS NULL AND available_at <= $1
       ORDER BY available_at, id LIMIT ${Number(limit)} FOR UPDATE SKIP LOCKED`,
      [now],
    );
  }

  /**
   * The rows to hand out again, same locking and order: handed out long ago and still queued
   * (their job was lost), or whose sender's lease lapsed (its worker died). Read through
   * `emails_relay_again_idx` (queued rows already relayed).
   */
  async lockRelayAgainBatch(em: EntityManager, now: Date, staleBefore: Date, limit: number): Promise<{ id: string; relay_count: number }[]> {
    return em.query(
      `SELECT id, relay_count FROM emails
       WHERE status = 'queued' AND relayed_at IS NOT NULL AND available_at <= $1 AND (relayed_at < $2 OR locked_until <= now())
       ORDER BY available_at, id LIMIT ${Number(limit)} FOR UPDATE SKIP LOCKED`,
      [now, staleBefore],
    );
  }

  /**
   * Marks a batch handed to the queue. A lapsed lease is cleared (its `lease_id` stays, so a
   * sender that outlived its lease can still record until a new claim replaces it).
   */
  async markRelayed(em: EntityManager, ids: string[], now: Date): Promise<void> {
    await em.query(
      `UPDATE emails SET relayed_at = $2, relay_count = relay_count + 1, locked_until = CASE WHEN locked_until <= now() THEN NULL ELSE locked_until END
       WHERE id = ANY($1::uuid[])`,
      [ids, now],
    );
  }
}
