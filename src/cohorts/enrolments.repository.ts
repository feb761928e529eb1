import type { EntityManager } from 'typeorm';

/**
 * Frees every seat an application holds (its decision was undone: a case that leaves `accepted`
 * is no longer in the programme, so it cannot stay in its cohort). Answers what was freed, for the
 * timeline and the programme's managers. The caller holds the case's row lock; cohort rows are
 * locked in id order, as an enrolment does, so a seat count read meanwhile is never stale.
 */
export async function releaseSeatsOf(em: EntityManager, applicationId: string): Promise<{ cohortId: string; cohort: string; programme: string }[]> {
  await em.query('SELECT id FROM cohorts WHERE id IN (SELECT cohort_id FROM enrolments WHERE application_id = $1) ORDER BY id FOR UPDATE', [applicationId]);
  return em.query(
    `WITH removed AS (DELETE FROM enrolments WHERE application_id = $1 RETURNING cohort_id)
     SELECT c.id AS "cohortId", c.name AS cohort, c.programme FROM removed r JOIN cohorts c ON c.id = r.cohort_id`,
    [applicationId],
  );
}
