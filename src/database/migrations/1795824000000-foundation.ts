import { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts: founders (self-registered) and staff (created by an admin). */
export class Foundation1795824000000 implements MigrationInterface {
  name = 'Foundation1795824000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email            text NOT NULL,
        password_hash    text NOT NULL,
        full_name        text NOT NULL,
        role             text NOT NULL CHECK (role IN ('founder', 'advisor', 'programme_manager', 'admin')),
        locale           text NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
        active           boolean NOT NULL DEFAULT true,
        capacity         integer CHECK (capacity BETWEEN 0 AND 1000),
        programmes       text[] NOT NULL DEFAULT '{}',
        languages        text[] NOT NULL DEFAULT '{}',
        weekly_digest    boolean NOT NULL DEFAULT true,
        last_assigned_at timestamptz,
        erased_at        timestamptz,
        created_at       timestamptz(3) NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_email_lowercase CHECK (email = lower(email))
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await q.query(`CREATE INDEX users_role_idx ON users (role, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE users`);
  }
}
