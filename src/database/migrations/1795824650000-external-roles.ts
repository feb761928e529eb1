import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two roles for people outside the campus team: `expert` (an outside reviewer who scores the
 * applications they are given for a selection committee) and `partner` (a contact person of an
 * incubator or cluster that receives referrals). Both arrive by invitation, never by sign-up.
 */
export class ExternalRoles1795824650000 implements MigrationInterface {
  name = 'ExternalRoles1795824650000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_check`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('founder', 'advisor', 'programme_manager', 'admin', 'expert', 'partner'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_check`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('founder', 'advisor', 'programme_manager', 'admin'))`);
  }
}
