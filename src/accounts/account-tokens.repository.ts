import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { accountToken, accountTokenHash, accountTokenKey, accountTokenLink, AccountTokenPurpose, ACCOUNT_TOKEN_LIFETIME_MS } from './account-token';

export interface AccountTokenRow {
  id: string;
  user_id: string;
  purpose: AccountTokenPurpose;
  expires_at: Date;
  used_at: Date | null;
}

/**
 * The home of `account_tokens` (one-time links, stored as hashes) and `revoked_tokens` (access
 * tokens logged out before their expiry). The guards read `revoked_tokens` inside their account
 * lookup (UsersRepository.sessionAccount) so that a logout costs no extra round trip per request.
 */
@Injectable()
export class AccountTokensRepository {
  private readonly key: Buffer;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.key = accountTokenKey(config.jwtSecret);
  }

  /** The link an email carries for this row (rebuilt at send time: the token is never stored). */
  linkFor(purpose: AccountTokenPurpose, id: string): string {
    return accountTokenLink(this.config.publicUrl, purpose, accountToken(this.key, purpose, id));
  }

  /**
   * A new link row for the user; the caller writes its email in the same transaction. The id is
   * chosen here because the token is derived from it (account-token.ts); only its hash is stored.
   */
  async create(em: EntityManager, userId: string, purpose: AccountTokenPurpose, now: Date): Promise<{ id: string; expiresAt: Date }> {
    // spent and expired links of this kind have no further use
    await em.query('DELETE FROM account_tokens WHERE user_id = $1 AND purpose = $2 AND (used_at IS NOT NULL OR expires_at <= $3)', [userId, purpose, now]);
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + ACCOUNT_TOKEN_LIFETIME_MS[purpose]);
    await em.query('INSERT INTO account_tokens (id, user_id, purpose, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      id,
      userId,
      purpose,
      accountTokenHash(accountToken(this.key, purpose, id)),
      expiresAt,
      now,
    ]);
    return { id, expiresAt };
  }

  /** The row a presented token names, locked for the caller's transaction. */
  async findForUpdate(em: EntityManager, token: string, purpose: AccountTokenPurpose): Promise<AccountTokenRow | null> {
    const rows: AccountTokenRow[] = await em.query('SELECT id, user_id, purpose, expires_at, used_at FROM account_tokens WHERE token_hash = $1 AND purpose = $2 FOR UPDATE', [
      accountTokenHash(token),
      purpose,
    ]);
    return rows[0] ?? null;
  }

  async find(token: string, purpose: AccountTokenPurpose): Promise<AccountTokenRow | null> {
    const rows: AccountTokenRow[] = await this.dataSource.query('SELECT id, user_id, purpose, expires_at, used_at FROM account_tokens WHERE token_hash = $1 AND purpose = $2', [
      accountTokenHash(token),
      purpose,
    ]);
    return rows[0] ?? null;
  }

  async byId(em: EntityManager, id: unknown): Promise<AccountTokenRow | null> {
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) return null;
    const rows: AccountTokenRow[] = await em.query('SELECT id, user_id, purpose, expires_at, used_at FROM account_tokens WHERE id = $1', [id]);
    return rows[0] ?? null;
  }

  /** Spends every still-usable link of this kind of the user (the one just used among them). */
  async spendAll(em: EntityManager, userId: string, purpose: AccountTokenPurpose, now: Date): Promise<void> {
    await em.query('UPDATE account_tokens SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL', [userId, purpose, now]);
  }

  /** Erasure: no pending link survives its account. */
  async deleteAllOf(em: EntityManager, userId: string): Promise<void> {
    await em.query('DELETE FROM account_tokens WHERE user_id = $1', [userId]);
    await em.query('DELETE FROM revoked_tokens WHERE user_id = $1', [userId]);
  }

  /**
   * What an account email checks of its recipient at send time (already verified? invitation
   * accepted? which role?). Read here, in the caller's transaction, rather than through the
   * users' repository: this folder sits below `users`, which imports it.
   */
  async recipientState(em: EntityManager, userId: string): Promise<{ verified: boolean; hasPassword: boolean; role: string } | null> {
    const rows: { verified: boolean; has_password: boolean; role: string }[] = await em.query(
      'SELECT email_verified_at IS NOT NULL AS verified, password_hash IS NOT NULL AS has_password, role FROM users WHERE id = $1',
      [userId],
    );
    return rows[0] ? { verified: rows[0].verified, hasPassword: rows[0].has_password, role: rows[0].role } : null;
  }

  /** The name of who sent an invitation (null once their account is erased). */
  async inviterName(em: EntityManager, userId: unknown): Promise<string | null> {
    const rows: { full_name: string }[] = await em.query('SELECT full_name FROM users WHERE id = $1 AND erased_at IS NULL', [userId ?? null]);
    return rows[0]?.full_name ?? null;
  }

  /** Refuses one access token until it would have expired anyway. */
  async revokeAccessToken(jti: string, userId: string, expiresAt: Date): Promise<void> {
    await this.dataSource.query('INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING', [jti, userId, expiresAt]);
    // entries past their token's expiry protect nothing: the signature check refuses those tokens
    await this.dataSource.query('DELETE FROM revoked_tokens WHERE expires_at < now()');
  }
}
