import { Inject, Injectable, Logger } from '@nestjs/common';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AccountTokensRepository } from '../accounts/account-tokens.repository';
import { toApplicationView } from '../applications/application.view';
import { DocumentCleanupService } from '../documents/document-cleanup.service';
import { toDocumentView } from '../documents/document.view';
import { DocumentsRepository } from '../documents/documents.repository';
import type { AuthUser } from '../auth/auth-user';
import { loginBuckets } from '../auth/auth.service';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { Transactions } from '../database/transactions';
import { assertLegalMove, isOpen } from '../domain/case-state-machine';
import { RateLimiterService } from '../redis/rate-limiter.service';
import { RedisService } from '../redis/redis.service';
import { mailFilePrefix } from '../notifications/mail/mail-transport';
import { appendCaseEvent } from '../timeline/case-events';
import { enqueueWebhookEvent } from '../webhooks/webhooks.repository';
import { deleteDrafts, ERASED, scrubPersonalData } from './personal-data.repository';
import { PrivacyRepository } from './privacy.repository';

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
    private readonly transactions: Transactions,
    private readonly repository: PrivacyRepository,
    private readonly clock: Clock,
    private readonly limiter: RateLimiterService,
    private readonly redis: RedisService,
    private readonly accountTokens: AccountTokensRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly documents: DocumentsRepository,
    private readonly documentCleanup: DocumentCleanupService,
  ) {}

  async export(user: AuthUser): Promise<Record<string, unknown>> {
    await this.limiter.take([{ bucket: `export:${user.id}`, max: EXPORTS_PER_HOUR, windowSeconds: 3600 }], 'closed', `At most ${EXPORTS_PER_HOUR} exports per hour`);
    const now = this.clock.now();
    const account = await this.repository.account(user.id);
    const applications = await this.repository.ownedApplications(user.id);
    const ids = applications.map((a) => a.id);
    const messages = await this.repository.messages(ids);
    const events = await this.repository.publicEvents(ids);
    const emails = await this.repository.emailsTo(user.id);
    const enrolments = await this.repository.enrolments(ids);
    const documents = await this.documents.listForApplications(this.repository.reads, ids);
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
   * cases are withdrawn, then scrubPersonalData scrubs every column it lists (the account
   * anonymised, application texts, messages, notes, staff reasons in the timeline, milestone
   * notes, stored digests, the email log's address), and the documents' rows are deleted. Then
   * the documents' bytes are deleted (what fails is retried by the document sweep: the keys were
   * listed in the same transaction). Then, best effort (the database is already clean): every
   * `.eml` file of an email to the founder or about their cases (staff emails quote them) is
   * deleted, and the login counters dropped. The queue's jobs stay: they carry email ids only,
   * several emails each, and the founder's queued emails are skipped by the scrub, so their jobs
   * send them nothing.
   */
  async erase(user: AuthUser): Promise<void> {
    const now = this.clock.now();
    const erased = await this.transactions.run(async (em) => {
      const account = await this.repository.lockAccount(em, user.id);
      const apps = await this.repository.lockOwnedCases(em, user.id);
      const drafts = apps.filter((a) => a.status === 'draft').map((a) => a.id);
      const kept = apps.filter((a) => a.status !== 'draft').map((a) => a.id);

      // every email to them or about their cases (for the jobs and the .eml files), and the
      // staff digests that named their cases
      const emails = await this.repository.emailsToForget(em, user.id, apps.map((a) => a.id));
      // every document goes, rows now and bytes right after commit (or at the next sweep)
      const documentKeys = await this.documents.detach(em, { applicationIds: apps.map((a) => a.id) }, now);
      await deleteDrafts(em, drafts);

      // open cases are withdrawn on the founder's behalf: the machine's `system` move
      for (const app of apps.filter((a) => isOpen(a.status))) {
        assertLegalMove(app.status, 'withdrawn', 'system');
        await this.repository.withdraw(em, app.id, now);
        await appendCaseEvent(em, { applicationId: app.id, at: now, type: 'withdrawn', actor: null, public: true, data: { from: app.status, to: 'withdrawn', reason: 'account erased' } });
        await enqueueWebhookEvent(em, 'case.status_changed', { applicationId: app.id, reference: app.reference, from: app.status, to: 'withdrawn', programme: app.programme ?? app.top_programme }, now);
      }
      // pending verification, reset and invitation links go, and every token of the account is refused
      await this.accountTokens.deleteAllOf(em, user.id);
      await scrubPersonalData(em, { userId: user.id, applicationIds: kept, now, placeholder: ERASED });
      return { emails, email: account.email, documentKeys };
    });
    await this.documentCleanup.deleteBytes(erased.documentKeys);

    await Promise.allSettled([this.removeMailFiles(erased.emails.map((e) => e.id)), this.redis.client.del(this.redis.key('rl', loginBuckets(erased.email, '').account))]);
    this.logger.log(`account ${user.id} erased`);
  }

  /** Deletes the `.eml` files (every attempt) of these emails from MAIL_DIR (file transport only). */
  private async removeMailFiles(emailIds: string[]): Promise<void> {
    if (this.config.smtpUrl !== null || emailIds.length === 0) return;
    const prefixes = emailIds.map((id) => mailFilePrefix(id));
    const files = await readdir(this.config.mailDir).catch(() => [] as string[]);
    await Promise.all(files.filter((f) => prefixes.some((p) => f.startsWith(p))).map((f) => unlink(join(this.config.mailDir, f)).catch(() => undefined)));
  }

}

