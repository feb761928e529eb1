import { Injectable } from '@nestjs/common';
import { preparedQueryOn } from '../database/prepared-query';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { CursorKey } from '../common/pagination/cursor';
import { leaseIsFree } from '../database/lease';
import { webhookBody, type WebhookEventData, type WebhookEventType } from './webhook-events';

export interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  secret: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  message_id: string;
  event_type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  last_response_excerpt: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

/** A delivery claimed by a dispatcher, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  lease_id: string;
  message_id: string;
  payload: string;
  round_attempts: number;
  round_started_at: Date;
  url: string;
  secret: string;
}

export interface AttemptOutcome {
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

const WEBHOOK_COLUMNS = 'id, url, events, secret, active, created_at, updated_at';
const DELIVERY_COLUMNS = 'id, webhook_id, message_id, event_type, status, attempts, next_attempt_at, last_attempt_at, last_status_code, last_error, last_response_excerpt, delivered_at, created_at';

/**
 * Writes one event for every active webhook subscribed to its type, inside the caller's
 * transaction: the deliveries exist if and only if their cause committed, and the dispatcher
 * (worker) sends them. One statement; with no subscriber it inserts nothing.
 * Every subscriber gets the same `webhook-id` (`msg_<uuid>`) for one event.
 */
export async function enqueueWebhookEvent<T extends WebhookEventType>(em: EntityManager, type: T, data: WebhookEventData[T], now: Date): Promise<void> {
  const { sql, params } = webhookEventInsert(type, data, now, 0);
  // a named statement on the transaction's connection: every case write enqueues one
  await preparedQueryOn(em, sql, params);
}

/**
 * enqueueWebhookEvent's INSERT, for a caller that writes it inside a statement of its own (as a
 * CTE: a submission writes its event, its email and its webhook event in one round trip), its
 * parameters numbered from `$${offset + 1}`.
 */
export function webhookEventInsert<T extends WebhookEventType>(type: T, data: WebhookEventData[T], now: Date, offset: number): { sql: string; params: unknown[] } {
  const p = (n: number): string => `$${offset + n}`;
  return {
    sql: `INSERT INTO webhook_deliveries (webhook_id, message_id, event_type, payload, next_attempt_at, created_at)
     SELECT w.id, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(4)} FROM webhooks w WHERE w.active AND w.events @> ARRAY[${p(2)}]::text[]`,
    params: [`msg_${randomUUID().replace(/-/g, '')}`, type, webhookBody(type, now, data), now],
  };
}

/**
 * Every query on `webhooks` and `webhook_deliveries` (producers write with enqueueWebhookEvent, above).
 * UPDATE/DELETE … RETURNING sit in a CTE: TypeORM answers a bare one as `[rows, count]`.
 */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(input: { url: string; events: string[]; secret: string; active: boolean; createdBy: string }, now: Date): Promise<WebhookRow> {
    const [row]: WebhookRow[] = await this.dataSource.query(
      `INSERT INTO webhooks (url, events, secret, active, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ${WEBHOOK_COLUMNS}`,
      [input.url, input.events, input.secret, input.active, input.createdBy, now],
    );
    return row;
  }

  async list(limit: number, after: CursorKey | null): Promise<WebhookRow[]> {
    const params: unknown[] = [limit + 1];
    let keyset = '';
    if (after) {
      params.push(after[0], after[1]);
      keyset = 'WHERE (created_at, id) < ($2::timestamptz, $3::uuid)';
    }
    return this.dataSource.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks ${keyset} ORDER BY created_at DESC, id DESC LIMIT $1`, params);
  }

  async find(id: string): Promise<WebhookRow | null> {
    const rows: WebhookRow[] = await this.dataSource.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async update(id: string, changes: { url?: string; events?: string[]; active?: boolean }, now: Date): Promise<WebhookRow | null> {
    const rows: WebhookRow[] = await this.dataSource.query(
      `WITH changed AS (UPDATE webhooks SET url = coalesce($2, url), events = coalesce($3, events), active = coalesce($4, active), updated_at = $5
       WHERE id = $1 RETURNING ${WEBHOOK_COLUMNS}) SELECT * FROM changed`,
      [id, changes.url ?? null, changes.events ?? null, changes.active ?? null, now],
    );
    return rows[0] ?? null;
  }

  /** Deletes the webhook and its delivery log; returns false when there was none. */
  async remove(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('WITH gone AS (DELETE FROM webhooks WHERE id = $1 RETURNING id) SELECT id FROM gone', [id]);
    return rows.length > 0;
  }

  async deliveries(webhookId: string, limit: number, after: CursorKey | null): Promise<DeliveryRow[]> {
    const params: unknown[] = [webhookId, limit + 1];
    let keyset = '';
    if (after) {
      params.push(after[0], after[1]);
      keyset = 'AND (created_at, id) < ($3::timestamptz, $4::uuid)';
    }
    return this.dataSource.query(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 ${keyset} ORDER BY created_at DESC, id DESC LIMIT $2`,
      params,
    );
  }

  /**
   * Makes a delivery due now, as a new round of retries (same `webhook-id`). A try in flight
   * loses its lease: its outcome is not recorded, and the delivery is sent again.
   */
  async replay(webhookId: string, deliveryId: string, now: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH replayed AS (UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $3, round_attempts = 0, round_started_at = NULL,
         locked_until = NULL, lease_id = NULL, delivered_at = NULL
       WHERE id = $2 AND webhook_id = $1 RETURNING id) SELECT id FROM replayed`,
      [webhookId, deliveryId, now],
    );
    return rows.length > 0;
  }

  /**
   * Claims up to `limit` due deliveries of active webhooks for `leaseMs` (the lease shape of
   * `database/lease.ts`, as the email sender's; FOR UPDATE SKIP LOCKED:
   * dispatchers side by side never take the same row) and counts the try now, so a try whose
   * worker died is still counted. A row whose lease lapses is due again.
   */
  async claimDue(now: Date, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return this.dataSource.query(
      `WITH claimed AS (UPDATE webhook_deliveries d
       SET locked_until = $2, lease_id = gen_random_uuid(), attempts = d.attempts + 1, round_attempts = d.round_attempts + 1,
           round_started_at = coalesce(d.round_started_at, $1), last_attempt_at = $1
       FROM (SELECT d2.id, w.url, w.secret FROM webhook_deliveries d2 JOIN webhooks w ON w.id = d2.webhook_id AND w.active
             WHERE d2.status = 'pending' AND d2.next_attempt_at <= $1 AND ${leaseIsFree('d2', '$1')}
             ORDER BY d2.next_attempt_at LIMIT $3 FOR UPDATE OF d2 SKIP LOCKED) c
       WHERE d.id = c.id
       RETURNING d.id, d.lease_id, d.message_id, d.payload, d.round_attempts, d.round_started_at, c.url, c.secret)
       SELECT * FROM claimed`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
  }

  /**
   * Records a try's outcome, if the lease is still ours: delivered, or pending until `retryAt`,
   * or failed when `retryAt` is null.
   */
  async record(claim: Pick<ClaimedDelivery, 'id' | 'lease_id'>, outcome: AttemptOutcome, delivered: boolean, retryAt: Date | null, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET
         status = CASE WHEN $3 THEN 'delivered' WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
         delivered_at = CASE WHEN $3 THEN $5::timestamptz ELSE NULL END,
         next_attempt_at = coalesce($4, next_attempt_at),
         last_status_code = $6, last_error = $7, last_response_excerpt = $8, locked_until = NULL, lease_id = NULL
       WHERE id = $1 AND lease_id = $2`,
      [claim.id, claim.lease_id, delivered, retryAt, now, outcome.statusCode, outcome.error, outcome.responseExcerpt],
    );
  }
}
