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

export interface EnrolmentCandidate {
  applicationId: string;
  reference: string;
  startupName: string;
}

/**
 * The cases accepted into `programme` that no cohort of it holds yet: whom a manager can enrol
 * (the enrolment itself still checks status, programme and seats under lock). Oldest decision first.
 */
export function enrolmentCandidates(em: EntityManager, programme: string, limit = 500): Promise<EnrolmentCandidate[]> {
  return em.query(
    `SELECT a.id AS "applicationId", a.reference, a.startup_name AS "startupName"
     FROM applications a
     -- inbox_programme is the decided programme once decided: the inbox's (programme, status) index serves this
     WHERE a.inbox_programme = $1 AND a.status = 'accepted' AND a.programme = $1
       AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.application_id = a.id AND e.programme = $1)
     ORDER BY a.decided_at NULLS LAST, a.reference
     LIMIT $2`,
    [programme, limit],
  );
}
