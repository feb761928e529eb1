import { Inject, Injectable, Logger } from '@nestjs/common';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AccountTokensRepository } from '../accounts/account-tokens.repository';
import { APPLICATION_COLUMNS, ApplicationRow, toApplicationView } from '../applications/application.view';
import { DocumentCleanupService } from '../documents/document-cleanup.service';
import { toDocumentView } from '../documents/document.view';
import { DocumentsRepository } from '../documents/documents.repository';
import type { AuthUser } from '../auth/auth-user';
import { loginBuckets } from '../auth/auth.service';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { QueueService } from '../queue/queue.service';
import { RateLimiterService } from '../redis/rate-limiter.service';
import { RedisService } from '../redis/redis.service';
import { mailFilePrefix } from '../notifications/mail/mail-transport';
import { appendCaseEvent } from '../timeline/case-events';
import { enqueueWebhookEvent } from '../webhooks/webhook-outbox';
import { ERASED, ErasureScope, PERSONAL_DATA_SCRUBS } from './personal-data';

export const EXPORTS_PER_HOUR = 5;

/**
 * Founders' data rights (GDPR art. 15, 17, 20). Export gathers everything held about the
 * founder; erasure removes or irreversibly anonymises their personal data everywhere it lives
 * (see docs/personal-data.md "Columns and stores"), keeping only what anonymous statistics need (statuses, dates,
 * stage, TRL, domains, needs, programmes), so funnel reports and service-level figures hold.
 */
@Injectable()
export class PrivacyService {
  private readonly logger = new Logger('Privacy');

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly limiter: RateLimiterService,
    private readonly redis: RedisService,
    private readonly queues: QueueService,
    private readonly accountTokens: AccountTokensRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly documents: DocumentsRepository,
    private readonly documentCleanup: DocumentCleanupService,
  ) {}

  async export(user: AuthUser): Promise<Record<string, unknown>> {
    await this.limiter.take([{ bucket: `export:${user.id}`, max: EXPORTS_PER_HOUR, windowSeconds: 3600 }], 'closed', `At most ${EXPORTS_PER_HOUR} exports per hour`);
    const now = this.clock.now();
    const em = this.dataSource.manager;
    const [account]: { id: string; email: string; full_name: string; locale: 'fr' | 'en'; weekly_digest: boolean; created_at: Date; updated_at: Date }[] = await em.query(
      'SELECT id, email, full_name, locale, weekly_digest, created_at, updated_at FROM users WHERE id = $1',
      [user.id],
    );
    const applications: ApplicationRow[] = await em.query(`SELECT ${APPLICATION_COLUMNS} FROM applications a WHERE a.owner_id = $1 ORDER BY a.created_at`, [user.id]);
    const ids = applications.map((a) => a.id);
    const messages: { application_id: string; id: string; author_role: string; body: string; created_at: Date }[] = await em.query(
      'SELECT application_id, id, author_role, body, created_at FROM case_messages WHERE application_id = ANY($1::uuid[]) ORDER BY created_at',
      [ids],
    );
    const events: { application_id: string; id: string; at: Date; type: string; actor_role: string | null; data: unknown }[] = await em.query(
      'SELECT application_id, id, at, type, actor_role, data FROM case_events WHERE application_id = ANY($1::uuid[]) AND public ORDER BY application_id, seq',
      [ids],
    );
    const emails: { id: string; template: string; status: string; created_at: Date; sent_at: Date | null; application_id: string | null }[] = await em.query(
      'SELECT id, template, status, created_at, sent_at, application_id FROM emails WHERE recipient_id = $1 ORDER BY created_at',
      [user.id],
    );
    const enrolments: { application_id: string; cohort: string; programme: string; starts_on: string; ends_on: string; created_at: Date }[] = await em.query(
      `SELECT e.application_id, c.name AS cohort, c.programme, to_char(c.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(c.ends_on, 'YYYY-MM-DD') AS ends_on, e.created_at
       FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id WHERE e.application_id = ANY($1::uuid[])`,
      [ids],
    );
    const documents = await this.documents.listForApplications(em, ids);
    return {
      exportedAt: now.toISOString(),
      account: {
        id: account.id,
        email: account.email,
        fullName: account.full_name,
        locale: account.locale,
        createdAt: account.created_at.toISOString(),
        updatedAt: account.updated_at.toISOString(),
      },
      preferences: { weeklyDigest: account.weekly_digest, locale: account.locale },
      applications: applications.map((a) => ({
        ...toApplicationView(a, user.locale, now),
        messages: messages.filter((m) => m.application_id === a.id).map((m) => ({ id: m.id, from: m.author_role === 'founder' ? 'you' : 'campus', body: m.body, at: m.created_at.toISOString() })),
        timeline: events.filter((e) => e.application_id === a.id).map((e) => ({ id: e.id, at: e.at.toISOString(), type: e.type, actorRole: e.actor_role, data: e.data })),
        enrolments: enrolments.filter((e) => e.application_id === a.id).map((e) => ({ cohort: e.cohort, programme: e.programme, startsOn: e.starts_on, endsOn: e.ends_on, enrolledAt: e.created_at.toISOString() })),
        // the bytes: GET /api/v1/documents/:id/content
        documents: documents.filter((d) => d.application_id === a.id).map((d) => ({ ...toDocumentView(d), contentPath: `/api/v1/documents/${d.id}/content` })),
      })),
      emails: emails.map((e) => ({ id: e.id, template: e.template, status: e.status, applicationId: e.application_id, createdAt: e.created_at.toISOString(), sentAt: e.sent_at?.toISOString() ?? null })),
    };
  }

  /**
   * Erases the founder's account. In one transaction: drafts (and their emails) are deleted, open
   * cases are withdrawn, then every column listed in PERSONAL_DATA_SCRUBS is scrubbed (the account
   * anonymised, application texts, messages, notes, staff reasons in the timeline, milestone
   * notes, stored digests, the email log's address), and the documents' rows are deleted. Then
   * the documents' bytes are deleted (what fails is retried by the document sweep: the keys were
   * listed in the same transaction). Then, best effort (the database is already clean, and jobs
   * carry ids only): pending jobs are removed from Redis, every `.eml` file of an email to the
   * founder or about their cases (staff emails quote them) is deleted, and the login counters
   * dropped.
   */
  async erase(user: AuthUser): Promise<void> {
    const now = this.clock.now();
    const erased = await this.dataSource.transaction(async (em) => {
      const [account]: { email: string }[] = await em.query('SELECT email FROM users WHERE id = $1 FOR UPDATE', [user.id]);
      const apps: { id: string; status: string; reference: string; programme: string | null; top_programme: string | null }[] = await em.query(
        'SELECT id, status, reference, programme, top_programme FROM applications WHERE owner_id = $1 FOR UPDATE',
        [user.id],
      );
      const drafts = apps.filter((a) => a.status === 'draft').map((a) => a.id);
      const kept = apps.filter((a) => a.status !== 'draft').map((a) => a.id);

      // every email to them or about their cases (for the jobs and the .eml files), and the
      // staff digests that named their cases
      const emails: { id: string; relay_count: number }[] = await em.query(
        `SELECT id, relay_count FROM emails
         WHERE recipient_id = $1 OR application_id = ANY($2::uuid[])
            OR (data->>'digestId')::uuid IN (SELECT id FROM digests WHERE content::text ~ $3)`,
        [user.id, apps.map((a) => a.id), apps.length > 0 ? apps.map((a) => a.id).join('|') : '^$never'],
      );
      // every document goes, rows now and bytes right after commit (or at the next sweep)
      const documentKeys = await this.documents.detach(em, { applicationIds: apps.map((a) => a.id) }, now);
      await em.query('DELETE FROM emails WHERE application_id = ANY($1::uuid[])', [drafts]);
      await em.query('DELETE FROM applications WHERE id = ANY($1::uuid[])', [drafts]);

      for (const app of apps.filter((a) => ['submitted', 'in_review', 'info_requested'].includes(a.status))) {
        await em.query(`UPDATE applications SET status = 'withdrawn', withdrawn_at = $2, paused_at = NULL, version = version + 1, updated_at = $2 WHERE id = $1`, [app.id, now]);
        await appendCaseEvent(em, { applicationId: app.id, at: now, type: 'withdrawn', actor: null, public: true, data: { from: app.status, to: 'withdrawn', reason: 'account erased' } });
        await enqueueWebhookEvent(em, 'case.status_changed', { applicationId: app.id, reference: app.reference, from: app.status, to: 'withdrawn', programme: app.programme ?? app.top_programme }, now);
      }
      // pending verification, reset and invitation links go, and every token of the account is refused
      await this.accountTokens.deleteAllOf(em, user.id);
      const scope: ErasureScope = { userId: user.id, applicationIds: kept, now, placeholder: ERASED };
      for (const step of PERSONAL_DATA_SCRUBS) await step.scrub(em, scope);
      return { emails, email: account.email, documentKeys };
    });
    await this.documentCleanup.deleteBytes(erased.documentKeys);

    await Promise.allSettled([this.removeJobs(erased.emails), this.removeMailFiles(erased.emails.map((e) => e.id)), this.redis.client.del(this.redis.key('rl', loginBuckets(erased.email, '').account))]);
    this.logger.log(`account ${user.id} erased`);
  }

  /** Deletes the `.eml` files (every attempt) of these emails from MAIL_DIR (file transport only). */
  private async removeMailFiles(emailIds: string[]): Promise<void> {
    if (this.config.smtpUrl !== null || emailIds.length === 0) return;
    const prefixes = emailIds.map((id) => mailFilePrefix(id));
    const files = await readdir(this.config.mailDir).catch(() => [] as string[]);
    await Promise.all(files.filter((f) => prefixes.some((p) => f.startsWith(p))).map((f) => unlink(join(this.config.mailDir, f)).catch(() => undefined)));
  }

  private async removeJobs(emails: { id: string; relay_count: number }[]): Promise<void> {
    const queue = this.queues.queue('emails');
    for (const email of emails) {
      for (let round = 1; round <= email.relay_count; round++) await queue.remove(`email-${email.id}-${round}`).catch(() => 0);
    }
  }
}

