import { MigrationInterface, QueryRunner } from 'typeorm';

/** Reports and digests read the timeline by event type and period (the funnel over a year). */
export class ReportIndexes1795824000006 implements MigrationInterface {
  name = 'ReportIndexes1795824000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX case_events_type_at_idx ON case_events (type, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_events_type_at_idx`);
  }
}
