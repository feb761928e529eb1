import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account lifecycle: verified emails, one-time links (verification, password reset,
 * invitation) and token revocation.
 *
 * - `users.email_verified_at`: when the owner proved the address is theirs (following a
 *   verification link, a reset link or an invitation). Staff that already exist were created by
 *   an admin who chose their password: verified from the start, as staff created with a password
 *   still are. Founders who signed up before this migration have proved nothing: they verify
 *   with `POST /auth/verify-email/resend` before their next submission.
 * - `users.password_hash` becomes nullable: an invited account has no password until the
 *   invitation is accepted, and cannot sign in until then.
 * - `users.token_version`: every access token carries the version it was issued under; a
 *   password change or reset, a logout everywhere, a deactivation or an erasure adds one, which
 *   refuses every earlier token in the lookup the guard already makes.
 * - `account_tokens`: one-time links, stored as the SHA-256 of the token only.
 * - `revoked_tokens`: single tokens logged out before their expiry (their `jti`), until then.
 */
export class AccountLifecycle1795824300000 implements MigrationInterface {
  name = 'AccountLifecycle1795824300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL`);
    await q.query(`ALTER TABLE users ADD COLUMN email_verified_at timestamptz, ADD COLUMN token_version integer NOT NULL DEFAULT 0 CHECK (token_version >= 0)`);
    await q.query(`UPDATE users SET email_verified_at = created_at WHERE role <> 'founder' AND erased_at IS NULL`);
    await q.query(`
      CREATE TABLE account_tokens (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'password_reset', 'invitation')),
        token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
        expires_at timestamptz NOT NULL,
        used_at    timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX account_tokens_hash_key ON account_tokens (token_hash)`);
    await q.query(`CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose)`);
    await q.query(`
      CREATE TABLE revoked_tokens (
        jti        uuid PRIMARY KEY,
        user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX revoked_tokens_expires_idx ON revoked_tokens (expires_at)`);
    await q.query(`CREATE INDEX revoked_tokens_user_idx ON revoked_tokens (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE revoked_tokens`);
    await q.query(`DROP TABLE account_tokens`);
    // an invitation never accepted keeps a hash nothing matches: the account cannot sign in, as before
    await q.query(`UPDATE users SET password_hash = 'invited$' || gen_random_uuid() WHERE password_hash IS NULL`);
    await q.query(`ALTER TABLE users DROP COLUMN token_version, DROP COLUMN email_verified_at`);
    await q.query(`ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL`);
  }
}
