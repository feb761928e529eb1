import type { EntityManager } from 'typeorm';

export const ERASED = '[erased]';

/**
 * Whose data a scrub removes: the cases kept for statistics, and on erasure the account that
 * owned them.
 */
export interface ScrubScope {
  /** the account erased with its cases; null when only the cases' content goes (retention) */
  userId: string | null;
  /** the submitted cases whose texts go (drafts are deleted outright: deleteDrafts) */
  applicationIds: string[];
  now: Date;
  /** what replaces a text: `[erased]` on erasure, `[purged]` by retention */
  placeholder: string;
}

/** A scrub of the account's own rows: only run when the scope names the account. */
type AccountScope = ScrubScope & { userId: string };

/**
 * Every column that can hold free text about a founder, and how it is scrubbed: ONE list, so a
 * new table with personal data gets one more entry here (and one more row in
 * docs/personal-data.md), and the erasure test's marker search tells when one is missing.
 * Run only through scrubPersonalData, the one scrub that erasure and retention share.
 */
const PERSONAL_DATA_SCRUBS: ({ where: string; of: 'case'; scrub: (em: EntityManager, scope: ScrubScope) => Promise<unknown> } | { where: string; of: 'account'; scrub: (em: EntityManager, scope: AccountScope) => Promise<unknown> })[] = [
  {
    of: 'case',
    where: 'applications: startup_name, project_summary, siren, website, incorporation_date, funding_sought_eur, recommendations',
    scrub: (em, s) =>
      em.query(
        `UPDATE applications SET startup_name = $2, project_summary = NULL, siren = NULL, website = NULL, incorporation_date = NULL,
           funding_sought_eur = NULL, recommendations = NULL, updated_at = $3 WHERE id = ANY($1::uuid[])`,
        [s.applicationIds, s.placeholder, s.now],
      ),
  },
  { of: 'case', where: 'case_messages.body', scrub: (em, s) => em.query('UPDATE case_messages SET body = $2 WHERE application_id = ANY($1::uuid[])', [s.applicationIds, s.placeholder]) },
  {
    of: 'case',
    where: 'referrals: note (for the partner), reason (the partner\'s answer)',
    scrub: (em, s) => em.query('UPDATE referrals SET note = CASE WHEN note IS NULL THEN NULL ELSE $2 END, reason = CASE WHEN reason IS NULL THEN NULL ELSE $2 END WHERE application_id = ANY($1::uuid[])', [s.applicationIds, s.placeholder]),
  },
  { of: 'case', where: 'case_notes.body', scrub: (em, s) => em.query('UPDATE case_notes SET body = $2 WHERE application_id = ANY($1::uuid[])', [s.applicationIds, s.placeholder]) },
  {
    of: 'case',
    where: 'case_events.data.reason (staff reasons; the salted digest stays in case_events.sealed, so the chain verifies)',
    scrub: async (em, s) => {
      await em.query(`SET LOCAL guichet.erasing = 'on'`);
      await em.query(
        `UPDATE case_events SET
           sealed = jsonb_set(sealed, '{erased}', coalesce(sealed->'erased', '{}'::jsonb)
                    || jsonb_build_object('reason', encode(sha256(convert_to((sealed->>'salt') || ':' || (data->>'reason'), 'UTF8')), 'hex'))),
           data = jsonb_set(data, '{reason}', to_jsonb($2::text))
         WHERE application_id = ANY($1::uuid[]) AND sealed IS NOT NULL AND jsonb_typeof(data->'reason') = 'string'
           AND NOT coalesce(sealed->'erased', '{}'::jsonb) ? 'reason'`,
        [s.applicationIds, s.placeholder],
      );
      await em.query(`SET LOCAL guichet.erasing = 'off'`);
    },
  },
  {
    of: 'case',
    where: 'milestone_progress.note (a manager\'s note on the startup\'s milestone)',
    scrub: (em, s) =>
      em.query(`UPDATE milestone_progress SET note = $2 WHERE note IS NOT NULL AND enrolment_id IN (SELECT id FROM enrolments WHERE application_id = ANY($1::uuid[]))`, [
        s.applicationIds,
        s.placeholder,
      ]),
  },
  {
    of: 'case',
    where: 'digests.content (startup names in stored staff digests)',
    scrub: async (em, s) => {
      if (s.applicationIds.length === 0) return;
      const digests: { id: string; content: unknown }[] = await em.query(
        `SELECT id, content FROM digests WHERE content::text ~ $1 FOR UPDATE`,
        [s.applicationIds.map((id) => id.replace(/-/g, '\\-')).join('|')],
      );
      const ids = new Set(s.applicationIds);
      for (const d of digests) await em.query('UPDATE digests SET content = $2 WHERE id = $1', [d.id, JSON.stringify(scrubDigest(d.content, ids, s.placeholder))]);
    },
  },
  {
    of: 'account',
    where: 'emails.recipient_email, emails.last_error (address of the erased recipient)',
    scrub: (em, s) =>
      em.query(
        `UPDATE emails SET recipient_email = NULL, status = CASE WHEN status = 'queued' THEN 'skipped' ELSE status END,
           last_error = CASE WHEN status = 'queued' THEN 'recipient erased' WHEN last_error IS NULL THEN NULL ELSE $2 END
         WHERE recipient_id = $1`,
        [s.userId, ERASED],
      ),
  },
  {
    of: 'account',
    where: 'users: email, full_name, password_hash (anonymised; the row stays for the statistics that point at it)',
    scrub: (em, s) =>
      em.query(`UPDATE users SET email = $2, full_name = $3, password_hash = 'erased', active = false, weekly_digest = false, erased_at = $4, updated_at = $4, token_version = token_version + 1 WHERE id = $1`, [
        s.userId,
        `erased+${s.userId}@erased.invalid`,
        ERASED,
        s.now,
      ]),
  },
];

/**
 * Scrubs personal data inside the caller's transaction: every `of: 'case'` column of the scope's
 * cases, then, when the scope names an account, the account's own rows. Erasure calls it after
 * locking the account and its cases; retention's purge of closed cases with no account (the
 * founder keeps theirs). The one place the scrubs run.
 */
export async function scrubPersonalData(em: EntityManager, scope: ScrubScope): Promise<void> {
  for (const step of PERSONAL_DATA_SCRUBS) {
    if (step.of === 'case') await step.scrub(em, scope);
    else if (scope.userId !== null) await step.scrub(em, { ...scope, userId: scope.userId });
  }
}

/**
 * Deletes drafts outright (never submitted: nothing of them is kept for statistics), with the
 * emails about them, in the caller's transaction. Their documents are detached first by the
 * caller (the documents' repository lists the keys whose bytes then go).
 */
export async function deleteDrafts(em: EntityManager, ids: string[]): Promise<void> {
  await em.query('DELETE FROM emails WHERE application_id = ANY($1::uuid[])', [ids]);
  await em.query('DELETE FROM applications WHERE id = ANY($1::uuid[])', [ids]);
}

/** A digest's content with every entry about one of `applicationIds` stripped of its startup name. */
export function scrubDigest(content: unknown, applicationIds: Set<string>, placeholder = ERASED): unknown {
  if (Array.isArray(content)) return content.map((item) => scrubDigest(item, applicationIds, placeholder));
  if (content === null || typeof content !== 'object') return content;
  const entry = content as Record<string, unknown>;
  const about = [entry.id, entry.applicationId].some((v) => typeof v === 'string' && applicationIds.has(v));
  return Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, about && k === 'startupName' ? placeholder : scrubDigest(v, applicationIds, placeholder)]));
}
