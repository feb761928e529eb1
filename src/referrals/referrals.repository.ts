import { Injectable } from '@nestjs/common';
import { preparedQuery } from '../database/prepared-query';
import { DataSource, EntityManager } from 'typeorm';
import type { CursorKey } from '../common/pagination/cursor';
import type { CaseRef } from '../notifications/templates/template-contexts';
import { SHARED_STATUSES, type PartnerKind, type ReferralStatus } from '../domain/referral-rules';

export interface PartnerRow {
  id: string;
  name: string;
  kind: PartnerKind;
  programmes: string[];
  created_at: Date;
  updated_at: Date;
}

export interface ContactRow {
  partner_id: string;
  user_id: string;
  email: string;
  full_name: string;
  locale: 'fr' | 'en';
  active: boolean;
  pending: boolean;
}

export interface ReferralRow {
  id: string;
  application_id: string;
  reference: string;
  startup_name: string;
  owner_id: string;
  assignee_id: string | null;
  programme: string | null;
  partner_id: string;
  partner_name: string;
  status: ReferralStatus;
  note: string | null;
  reason: string | null;
  referred_by: string | null;
  referred_by_name: string | null;
  answered_by: string | null;
  chased_step: number;
  created_at: Date;
  consent_at: Date | null;
  sent_at: Date | null;
  answered_at: Date | null;
  updated_at: Date;
}

/** Who may see which referrals, as the SQL filter says it. */
export type ReferralScope = { kind: 'staff' } | { kind: 'founder'; userId: string } | { kind: 'partner'; userId: string };

const PARTNER_COLUMNS = 'p.id, p.name, p.kind, p.programmes, p.created_at, p.updated_at';
const REFERRAL_SELECT = `SELECT r.id, r.application_id, a.reference, a.startup_name, a.owner_id, a.assignee_id, a.programme, r.partner_id, p.name AS partner_name,
    r.status, r.note, r.reason, r.referred_by, u.full_name AS referred_by_name, r.answered_by, r.chased_step, r.created_at, r.consent_at, r.sent_at,
    r.answered_at, r.updated_at
  FROM referrals r JOIN applications a ON a.id = r.application_id JOIN partners p ON p.id = r.partner_id LEFT JOIN users u ON u.id = r.referred_by`;
const SHARED_SQL = `(${SHARED_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** The scope as a WHERE fragment; `$n` is the user id's placeholder. */
function scopeSql(scope: ReferralScope, param: string): string {
  switch (scope.kind) {
    case 'staff':
      return 'TRUE';
    case 'founder':
      return `a.owner_id = ${param}`;
    case 'partner':
      return `r.status IN ${SHARED_SQL} AND r.partner_id = (SELECT c.partner_id FROM partner_contacts c WHERE c.user_id = ${param})`;
  }
}

/** What a referral's emails say, read when each is composed. */
export interface ReferralFacts {
  id: string;
  status: ReferralStatus;
  note: string | null;
  reason: string | null;
  sent_at: Date | null;
  answered_at: Date | null;
  updated_at: Date;
  partner_id: string;
  partner_name: string;
  partner_kind: PartnerKind;
  advisor_name: string | null;
  application: CaseRef;
  owner_id: string;
}

/** Every query on `partners`, `partner_contacts` and `referrals`. */
@Injectable()
export class ReferralsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The pool's manager, for reads outside a transaction through methods that take one. */
  get reads(): EntityManager {
    return this.dataSource.manager;
  }

  // -- partners ---------------------------------------------------------------------------

  async insertPartner(em: EntityManager, input: { name: string; kind: PartnerKind; programmes: string[] }, now: Date): Promise<PartnerRow> {
    const [row]: PartnerRow[] = await em.query(
      `INSERT INTO partners (name, kind, programmes, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id, name, kind, programmes, created_at, updated_at`,
      [input.name, input.kind, input.programmes, now],
    );
    return row;
  }

  async lockPartner(em: EntityManager, id: string): Promise<PartnerRow | null> {
    const rows: PartnerRow[] = await em.query(`SELECT ${PARTNER_COLUMNS} FROM partners p WHERE p.id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  async findPartner(em: EntityManager, id: string): Promise<PartnerRow | null> {
    const rows: PartnerRow[] = await em.query(`SELECT ${PARTNER_COLUMNS} FROM partners p WHERE p.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async updatePartner(em: EntityManager, id: string, changes: { name?: string; kind?: PartnerKind; programmes?: string[] }, now: Date): Promise<void> {
    await em.query(`UPDATE partners SET name = coalesce($2, name), kind = coalesce($3, kind), programmes = coalesce($4, programmes), updated_at = $5 WHERE id = $1`, [
      id,
      changes.name ?? null,
      changes.kind ?? null,
      changes.programmes ?? null,
      now,
    ]);
  }

  async listPartners(limit: number, after: CursorKey | null): Promise<PartnerRow[]> {
    const params: unknown[] = [limit + 1];
    let keyset = '';
    if (after) {
      params.push(after[0], after[1]);
      keyset = 'WHERE (lower(p.name), p.id) > ($2::text, $3::uuid)';
    }
    return this.dataSource.query(`SELECT ${PARTNER_COLUMNS} FROM partners p ${keyset} ORDER BY lower(p.name), p.id LIMIT $1`, params);
  }

  async allPartners(): Promise<{ id: string; name: string }[]> {
    return this.dataSource.query('SELECT id, name FROM partners ORDER BY lower(name), id');
  }

  /** The partners serving a programme (for the staff's "send to partner" form). */
  async partnersServing(programme: string): Promise<{ id: string; name: string }[]> {
    return this.dataSource.query('SELECT id, name FROM partners WHERE $1 = ANY(programmes) ORDER BY lower(name), id', [programme]);
  }

  async contacts(em: EntityManager, partnerIds: string[]): Promise<ContactRow[]> {
    if (partnerIds.length === 0) return [];
    return em.query(
      `SELECT c.partner_id, u.id AS user_id, u.email, u.full_name, u.locale, u.active, u.password_hash IS NULL AS pending
       FROM partner_contacts c JOIN users u ON u.id = c.user_id
       WHERE c.partner_id = ANY($1::uuid[]) AND u.erased_at IS NULL ORDER BY u.full_name, u.id`,
      [partnerIds],
    );
  }

  /** The account with this email, with the organisation it is a contact of (if any). */
  async accountByEmail(em: EntityManager, email: string): Promise<{ id: string; role: string; partner_id: string | null } | null> {
    const rows: { id: string; role: string; partner_id: string | null }[] = await em.query(
      `SELECT u.id, u.role, c.partner_id FROM users u LEFT JOIN partner_contacts c ON c.user_id = u.id WHERE lower(u.email) = lower($1) AND u.erased_at IS NULL FOR UPDATE OF u`,
      [email],
    );
    return rows[0] ?? null;
  }

  async linkContact(em: EntityManager, partnerId: string, userId: string, now: Date): Promise<void> {
    await em.query('INSERT INTO partner_contacts (partner_id, user_id, created_at) VALUES ($1, $2, $3)', [partnerId, userId, now]);
    // a contact taken off earlier and put back is usable again
    await em.query(`UPDATE users SET active = true WHERE id = $1 AND role = 'partner'`, [userId]);
  }

  /** Takes contacts off an organisation; their `partner` accounts are deactivated (they had nothing else). */
  async unlinkContacts(em: EntityManager, partnerId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await em.query('DELETE FROM partner_contacts WHERE partner_id = $1 AND user_id = ANY($2::uuid[])', [partnerId, userIds]);
    await em.query(`UPDATE users SET active = false, token_version = token_version + 1 WHERE id = ANY($1::uuid[]) AND role = 'partner'`, [userIds]);
  }

  /** The organisation a partner account is a contact of. */
  async partnerOf(userId: string): Promise<string | null> {
    const rows: { partner_id: string }[] = await this.dataSource.query('SELECT partner_id FROM partner_contacts WHERE user_id = $1', [userId]);
    return rows[0]?.partner_id ?? null;
  }

  async programmeKinds(em: EntityManager, slugs: string[]): Promise<Map<string, string>> {
    const rows: { slug: string; kind: string }[] = await em.query('SELECT slug, kind FROM programmes WHERE slug = ANY($1)', [slugs]);
    return new Map(rows.map((r) => [r.slug, r.kind]));
  }

  // -- referrals --------------------------------------------------------------------------

  async insertReferral(em: EntityManager, input: { applicationId: string; partnerId: string; note: string | null; referredBy: string }, now: Date): Promise<string | null> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO referrals (application_id, partner_id, status, note, referred_by, created_at, updated_at)
       VALUES ($1, $2, 'awaiting_consent', $3, $4, $5, $5) ON CONFLICT (application_id, partner_id) WHERE status <> 'refused' DO NOTHING RETURNING id`,
      [input.applicationId, input.partnerId, input.note, input.referredBy, now],
    );
    return rows[0]?.id ?? null;
  }

  /** One referral within the scope (null when it does not exist or may not be seen). */
  async find(em: EntityManager, id: string, scope: ReferralScope, lock = false): Promise<ReferralRow | null> {
    const params: unknown[] = [id];
    if (scope.kind !== 'staff') params.push(scope.userId);
    const rows: ReferralRow[] = await em.query(`${REFERRAL_SELECT} WHERE r.id = $1 AND ${scopeSql(scope, '$2')}${lock ? ' FOR UPDATE OF r' : ''}`, params);
    return rows[0] ?? null;
  }

  async list(scope: ReferralScope, filters: { partnerId?: string; status?: ReferralStatus; applicationId?: string }, limit: number, after: CursorKey | null): Promise<ReferralRow[]> {
    const params: unknown[] = [limit + 1];
    const where: string[] = [];
    if (scope.kind !== 'staff') {
      params.push(scope.userId);
      where.push(scopeSql(scope, `$${params.length}`));
    }
    if (filters.partnerId) {
      params.push(filters.partnerId);
      where.push(`r.partner_id = $${params.length}`);
    }
    if (filters.status) {
      params.push(filters.status);
      where.push(`r.status = $${params.length}`);
    }
    if (filters.applicationId) {
      params.push(filters.applicationId);
      where.push(`r.application_id = $${params.length}`);
    }
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(r.created_at, r.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    // a named statement (one per combination of filters): planning the joins cost ten times the read
    return preparedQuery<ReferralRow>(this.dataSource, `${REFERRAL_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.created_at DESC, r.id DESC LIMIT $1`, params);
  }

  async setConsent(em: EntityManager, id: string, status: 'sent' | 'refused', now: Date): Promise<void> {
    await em.query(`UPDATE referrals SET status = $2, consent_at = $3, sent_at = CASE WHEN $2 = 'sent' THEN $3::timestamptz END, updated_at = $3 WHERE id = $1`, [id, status, now]);
  }

  async setAnswer(em: EntityManager, id: string, outcome: ReferralStatus, reason: string | null, answeredBy: string, now: Date): Promise<void> {
    await em.query(
      `UPDATE referrals SET status = $2, reason = $3, answered_by = $4, answered_at = coalesce(answered_at, $5), updated_at = $5 WHERE id = $1`,
      [id, outcome, reason, answeredBy, now],
    );
  }

  /** Sent, unanswered referrals sent at or before `sentBy` and not yet chased to the end. */
  async unanswered(em: EntityManager, sentBy: Date): Promise<{ id: string; application_id: string; partner_id: string; sent_at: Date; chased_step: number; assignee_id: string | null; referred_by: string | null }[]> {
    return em.query(
      `SELECT r.id, r.application_id, r.partner_id, r.sent_at, r.chased_step, a.assignee_id, r.referred_by
       FROM referrals r JOIN applications a ON a.id = r.application_id
       WHERE r.status = 'sent' AND r.chased_step < 3 AND r.sent_at <= $1 FOR UPDATE OF r SKIP LOCKED`,
      [sentBy],
    );
  }

  async tryLockCase(em: EntityManager, applicationId: string): Promise<boolean> {
    const rows: unknown[] = await em.query('SELECT 1 FROM applications WHERE id = $1 FOR UPDATE SKIP LOCKED', [applicationId]);
    return rows.length > 0;
  }

  async markChased(em: EntityManager, id: string, step: number): Promise<void> {
    await em.query('UPDATE referrals SET chased_step = greatest(chased_step, $2) WHERE id = $1', [id, step]);
  }

  /** Active contacts of an organisation (recipients of its emails). */
  async activeContactIds(em: EntityManager, partnerId: string): Promise<string[]> {
    const rows: { id: string }[] = await em.query(
      `SELECT u.id FROM partner_contacts c JOIN users u ON u.id = c.user_id WHERE c.partner_id = $1 AND u.active AND u.erased_at IS NULL`,
      [partnerId],
    );
    return rows.map((r) => r.id);
  }

  async sentBetween(start: Date, end: Date): Promise<{ partner_id: string; status: ReferralStatus; sent_at: Date; answered_at: Date | null }[]> {
    return this.dataSource.query('SELECT partner_id, status, sent_at, answered_at FROM referrals WHERE sent_at >= $1 AND sent_at < $2', [start, end]);
  }

  async documents(applicationId: string): Promise<{ id: string; kind: string; filename: string; content_type: string; size: string; sha256: string; created_at: Date }[]> {
    return this.dataSource.query('SELECT id, kind, filename, content_type, size, sha256, created_at FROM documents WHERE application_id = $1 ORDER BY created_at, id', [applicationId]);
  }

  async founder(userId: string): Promise<{ full_name: string; email: string } | null> {
    const rows: { full_name: string; email: string }[] = await this.dataSource.query('SELECT full_name, email FROM users WHERE id = $1 AND erased_at IS NULL', [userId]);
    return rows[0] ?? null;
  }

  async emailFacts(em: EntityManager, id: string): Promise<ReferralFacts | null> {
    const rows: (Omit<ReferralFacts, 'application'> & { application_id: string; reference: string; startup_name: string })[] = await em.query(
      `SELECT r.id, r.status, r.note, r.reason, r.sent_at, r.answered_at, r.updated_at, r.partner_id, p.name AS partner_name, p.kind AS partner_kind,
              u.full_name AS advisor_name, a.id AS application_id, a.reference, a.startup_name, a.owner_id
       FROM referrals r JOIN partners p ON p.id = r.partner_id JOIN applications a ON a.id = r.application_id
       LEFT JOIN users u ON u.id = r.referred_by AND u.erased_at IS NULL WHERE r.id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    return { ...row, application: { id: row.application_id, reference: row.reference, startupName: row.startup_name } };
  }

  async isContact(em: EntityManager, partnerId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await em.query('SELECT 1 FROM partner_contacts WHERE partner_id = $1 AND user_id = $2', [partnerId, userId]);
    return rows.length > 0;
  }
}
