import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two index changes measured on the million-case database (`npm run bench:1m`, then
 * `pg_stat_user_indexes`; the figures are in docs/reports.md "Indexes"):
 *
 * - `applications_open_load_idx (assignee_id) WHERE open` goes: 2 scans in a whole benchmark run,
 *   while `applications_inbox_assignee_idx (assignee_id, status, …)` answered 33,169 and serves
 *   the same questions (an advisor's open cases, per status) as an index-only scan. Every
 *   submission and every move into an open status paid for an entry in it.
 * - `emails_relay_fresh_idx` is new: the relay's common question, "queued rows never handed to
 *   the queue", reads it alone. Before, the relay read `emails_relay_idx`, which also holds every
 *   row already relayed and waiting for its sender: 25,486 relay passes read 157 million index
 *   entries (6,000 a pass) while 5,000 emails were on their way. The rows the relay must hand out
 *   again (a lease that lapsed, a relay that went stale) are looked for on the timer only, still
 *   through `emails_relay_idx`.
 */
export class LeanerIndexes1795825400000 implements MigrationInterface {
  name = 'LeanerIndexes1795825400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX applications_open_load_idx`);
    await q.query(`CREATE INDEX emails_relay_fresh_idx ON emails (available_at, id) WHERE status = 'queued' AND relayed_at IS NULL`);
    await q.query(`CREATE INDEX emails_relay_again_idx ON emails (available_at, id) WHERE status = 'queued' AND relayed_at IS NOT NULL`);
    await q.query(`DROP INDEX emails_relay_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX emails_relay_idx ON emails (available_at) WHERE status = 'queued'`);
    await q.query(`DROP INDEX emails_relay_again_idx`);
    await q.query(`DROP INDEX emails_relay_fresh_idx`);
    await q.query(`CREATE INDEX applications_open_load_idx ON applications (assignee_id) WHERE status IN ('submitted', 'in_review', 'info_requested')`);
  }
}
