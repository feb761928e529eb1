import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull, Repository } from 'typeorm';
import { preparedQuery } from '../database/prepared-query';
import type { CursorKey } from '../common/pagination/cursor';
import { Locale, Role, User } from './user.entity';

/** The account a request runs as, read on every request by the API's guard and the pages' guard. */
export interface SessionAccountRow {
  id: string;
  role: Role;
  email: string;
  full_name: string;
  locale: Locale;
  programmes: string[];
  email_verified: boolean;
  /** raised by a trigger whenever the account's saved inbox views change (see SavedViewsVersion1795825500000) */
  saved_views_version: number;
}

/** The columns of a new account (the entity's, as UsersService fills them in). */
export type NewUser = Pick<
  User,
  'email' | 'passwordHash' | 'fullName' | 'role' | 'locale' | 'active' | 'capacity' | 'programmes' | 'languages' | 'weeklyDigest' | 'emailVerifiedAt' | 'tokenVersion'
>;

/**
 * The one home of the `users` table. The entity (`User`) maps it for the account screens and
 * their partial updates; everything else is parameterised SQL written out here. UsersService
 * orchestrates (hashes passwords, checks the last admin, sends invitations) and passes `em`
 * explicitly inside its transactions.
 */
@Injectable()
export class UsersRepository {
  private readonly users: Repository<User>;

  constructor(private readonly dataSource: DataSource) {
    this.users = dataSource.getRepository(User);
  }

  /**
   * The account of a session or an access token, if it may still be used: active, not erased, at
   * the token version it was issued with, and (for an access token, `tokenId`) not logged out
   * alone; null otherwise. The API's guard and the pages' guard both ask it on every request, so
   * it runs as a prepared statement (see preparedQuery), in one round trip. A session has no
   * token id of its own: nothing to look up among the revoked ones.
   */
  async sessionAccount(id: string, tokenVersion: number, tokenId: string | null): Promise<SessionAccountRow | null> {
    // two statements rather than one with a null token id: PostgreSQL planned that one afresh at
    // every web page (a null folds the revocation check away, so the generic plan never won)
    const account = `SELECT u.id, u.role, u.email, u.full_name, u.locale, u.programmes, u.email_verified_at IS NOT NULL AS email_verified, u.saved_views_version
       FROM users u
       WHERE u.id = $1 AND u.active AND u.erased_at IS NULL AND u.token_version = $2`;
    const rows =
      tokenId === null
        ? await preparedQuery<SessionAccountRow>(this.dataSource, account, [id, tokenVersion])
        : await preparedQuery<SessionAccountRow>(this.dataSource, `${account}\n         AND NOT EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = $3)`, [id, tokenVersion, tokenId]);
    return rows[0] ?? null;
  }

  /** A sign-in's account by its address, with its password hash (null for an invitation not yet accepted). */
  findForLogin(email: string): Promise<User | null> {
    return this.users.createQueryBuilder('u').addSelect('u.passwordHash').where('u.email = :email AND u.active AND u.erased_at IS NULL', { email }).getOne();
  }

  activeAdminCount(): Promise<number> {
    return this.users.count({ where: { role: 'admin', active: true, erasedAt: IsNull() } });
  }

  /**
   * Creates the address's account as an active admin, or makes its existing account one again,
   * unless an active admin exists by then (several processes may boot at once: one statement,
   * and its WHERE keeps an admin made meanwhile by another process as it is). Null when nothing
   * was written; `inserted` tells a new account from a restored one.
   */
  async restoreAdmin(email: string, passwordHash: string): Promise<{ inserted: boolean } | null> {
    const rows: { inserted: boolean }[] = await this.dataSource.query(
      `INSERT INTO users (email, password_hash, full_name, role, locale, languages, email_verified_at)
       VALUES ($1, $2, 'Administrator', 'admin', 'fr', '{fr,en}', now())
       ON CONFLICT (email) DO UPDATE SET role = 'admin', active = true, password_hash = EXCLUDED.password_hash,
         email_verified_at = coalesce(users.email_verified_at, now()), updated_at = now()
         WHERE NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active AND erased_at IS NULL)
       RETURNING (xmax = 0) AS inserted`,
      [email, passwordHash],
    );
    return rows[0] ?? null;
  }

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<User | null> {
    return em.getRepository(User).findOne({ where: { id } });
  }

  /** Inserts an account and answers its id (a taken address fails with PostgreSQL's unique violation). */
  async insert(em: EntityManager, user: NewUser): Promise<string> {
    const result = await em.getRepository(User).insert(user);
    return result.identifiers[0].id as string;
  }

  /** Locks an account for a new invitation: its role, and whether the invitation is still pending. */
  async lockForInvitation(em: EntityManager, id: string): Promise<{ role: Role; pending: boolean } | null> {
    const rows: { role: Role; pending: boolean }[] = await em.query('SELECT role, password_hash IS NULL AS pending FROM users WHERE id = $1 AND erased_at IS NULL FOR UPDATE', [id]);
    return rows[0] ?? null;
  }

  async passwordHashOf(id: string): Promise<string | null> {
    const rows: { password_hash: string | null }[] = await this.dataSource.query('SELECT password_hash FROM users WHERE id = $1 AND erased_at IS NULL', [id]);
    return rows[0]?.password_hash ?? null;
  }

  /** The new password's hash; every access token issued before is refused; the address counts as verified. */
  async setPassword(em: EntityManager, id: string, passwordHash: string, now: Date): Promise<void> {
    await em.query(
      'UPDATE users SET password_hash = $2, token_version = token_version + 1, email_verified_at = COALESCE(email_verified_at, $3), updated_at = $3 WHERE id = $1',
      [id, passwordHash, now],
    );
  }

  async lockActiveByEmail(em: EntityManager, email: string): Promise<{ id: string; hasPassword: boolean } | null> {
    const rows: { id: string; has_password: boolean }[] = await em.query(
      'SELECT id, password_hash IS NOT NULL AS has_password FROM users WHERE email = $1 AND active AND erased_at IS NULL FOR UPDATE',
      [email],
    );
    return rows[0] ? { id: rows[0].id, hasPassword: rows[0].has_password } : null;
  }

  async lockState(em: EntityManager, id: string): Promise<{ active: boolean; hasPassword: boolean; erased: boolean } | null> {
    const rows: { active: boolean; has_password: boolean; erased: boolean }[] = await em.query(
      'SELECT active, password_hash IS NOT NULL AS has_password, erased_at IS NOT NULL AS erased FROM users WHERE id = $1 FOR UPDATE',
      [id],
    );
    return rows[0] ? { active: rows[0].active, hasPassword: rows[0].has_password, erased: rows[0].erased } : null;
  }

  async markEmailVerified(em: EntityManager, id: string, now: Date): Promise<void> {
    await em.query('UPDATE users SET email_verified_at = COALESCE(email_verified_at, $2), updated_at = $2 WHERE id = $1', [id, now]);
  }

  async stopWeeklyDigest(id: string): Promise<void> {
    await this.dataSource.query('UPDATE users SET weekly_digest = false, updated_at = now() WHERE id = $1 AND erased_at IS NULL', [id]);
  }

  async revokeAllTokens(id: string): Promise<void> {
    await this.dataSource.query('UPDATE users SET token_version = token_version + 1 WHERE id = $1', [id]);
  }

  /** A partial update of the entity's columns (an admin's edit, a user's preferences). */
  async update(id: string, changes: Partial<User>, em: EntityManager = this.dataSource.manager): Promise<void> {
    await em.getRepository(User).update({ id }, changes);
  }

  /** Every active admin's id, their rows locked in id order (the last-admin check). */
  async lockActiveAdmins(em: EntityManager): Promise<{ id: string }[]> {
    return em.query(`SELECT id FROM users WHERE role = 'admin' AND active AND erased_at IS NULL ORDER BY id FOR UPDATE`);
  }

  /** A page of staff accounts (founders are nobody's list to read), oldest first, after the keyset `after`. */
  listStaff(role: Role | undefined, after: CursorKey | null, limit: number): Promise<User[]> {
    const qb = this.users.createQueryBuilder('u').where("u.erased_at IS NULL AND u.role <> 'founder'");
    if (role) qb.andWhere('u.role = :role', { role });
    if (after) qb.andWhere('(u.created_at, u.id) > (:at::timestamptz, :id::uuid)', { at: after[0], id: after[1] });
    return qb.orderBy('u.created_at', 'ASC').addOrderBy('u.id', 'ASC').limit(limit).getMany();
  }

  /** Who a founder is, for the staff reading their case. */
  async contact(id: string): Promise<{ id: string; full_name: string; email: string; locale: Locale } | null> {
    const rows = await preparedQuery<{ id: string; full_name: string; email: string; locale: Locale }>(this.dataSource, 'SELECT id, full_name, email, locale FROM users WHERE id = $1', [id]);
    return rows[0] ?? null;
  }

  /** A user's name through the caller's transaction (an email composed at send time); null when there is none. */
  async nameOf(em: EntityManager, id: string | null | undefined): Promise<string | null> {
    if (!id) return null;
    const rows: { full_name: string }[] = await em.query('SELECT full_name FROM users WHERE id = $1', [id]);
    return rows[0]?.full_name ?? null;
  }

  /** The active managers of a programme, in id order. */
  managersOf(em: EntityManager, programme: string): Promise<{ id: string }[]> {
    return em.query(`SELECT id FROM users WHERE role = 'programme_manager' AND $1 = ANY(programmes) AND active AND erased_at IS NULL ORDER BY id`, [programme]);
  }
}
