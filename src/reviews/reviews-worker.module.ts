import { Injectable, Module, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { addCalendarDays, parisDate } from '../cases/business-calendar';
import { Clock } from '../common/clock';
import { EmailComposer, type Composition, type EmailRow, type Recipient } from '../notifications/email-composer';
import { NotificationsWorkerModule } from '../notifications/notifications-worker.module';
import { enqueueEmails } from '../notifications/outbox/email-outbox';
import type { BaseEmailContext, TemplateContexts } from '../notifications/templates/template-contexts';
import { JobHandlerRegistry } from '../queue/job-handler.registry';
import { QueueService } from '../queue/queue.service';
import { compareDays } from '../cases/business-calendar';
import { reminderDay, REMINDER_BUSINESS_DAYS_BEFORE } from '../domain/review-rules';
import { ReviewsRepository } from './reviews.repository';

const SCAN_LOCK = 724_130_019;
const SCAN_EVERY_MS = 60_000;

/**
 * Composes `review-invited` and `review-reminder` at send time, and skips them when they became
 * moot: the review was withdrawn (both), or submitted or recused (the reminder).
 */
@Injectable()
export class ReviewEmailsComposer implements OnModuleInit {
  constructor(
    private readonly composer: EmailComposer,
    private readonly repository: ReviewsRepository,
  ) {}

  onModuleInit(): void {
    this.composer.register('review-invited', (em, e, r, base) => this.compose(em, e, r, base, 'review-invited'));
    this.composer.register('review-reminder', (em, e, r, base) => this.compose(em, e, r, base, 'review-reminder'));
  }

  private async compose(em: EntityManager, e: EmailRow, r: Recipient, base: BaseEmailContext, template: 'review-invited' | 'review-reminder'): Promise<Composition> {
    const review = typeof e.data.reviewId === 'string' ? await this.repository.findWithCase(em, e.data.reviewId) : null;
    if (!review || review.reviewer_id !== r.id) return { send: false, why: 'the review is gone' };
    if (review.status === 'withdrawn') return { send: false, why: 'the review was withdrawn' };
    const programme = await this.repository.programme(em, review.programme);
    const common = {
      ...base,
      review: { id: review.id, dueOn: review.due_on },
      application: { id: review.application_id, reference: review.reference, startupName: review.startup_name },
      programmeName: programme?.name[base.locale] ?? review.programme,
    };
    if (template === 'review-reminder') {
      if (review.status !== 'invited' && review.status !== 'open') return { send: false, why: `the review is ${review.status}` };
      return { send: true, context: { ...common, declared: review.status === 'open' } satisfies TemplateContexts['review-reminder'] };
    }
    const inviter: { full_name: string }[] = await em.query('SELECT full_name FROM users WHERE id = $1 AND erased_at IS NULL', [e.data.invitedBy ?? null]);
    const account: { has_password: boolean }[] = await em.query('SELECT password_hash IS NOT NULL AS has_password FROM users WHERE id = $1', [r.id]);
    return { send: true, context: { ...common, invitedByName: inviter[0]?.full_name ?? null, newAccount: account[0]?.has_password === false } satisfies TemplateContexts['review-invited'] };
  }
}

/**
 * Every minute: a `review-reminder` to each reviewer whose review is still pending (invited or
 * open) on the day 2 business days before it is due, or later up to the due date; once per
 * review (its dedupe key), and not for a review invited on or after that day.
 */
@Injectable()
export class ReviewRemindersJob implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: ReviewsRepository,
    private readonly clock: Clock,
    private readonly registry: JobHandlerRegistry,
    private readonly queues: QueueService,
  ) {}

  onModuleInit(): void {
    this.registry.register('reviews.reminders', async () => {
      await this.scan();
    });
  }

  onApplicationBootstrap(): void {
    this.queues.schedule('reviews-reminders', { every: SCAN_EVERY_MS }, { name: 'reviews.reminders', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }

  /** One scan; returns how many reminders it wrote. Safe to run any number of times. */
  async scan(): Promise<number> {
    const now = this.clock.now();
    const today = parisDate(now);
    return this.dataSource.transaction(async (em) => {
      const [{ locked }]: { locked: boolean }[] = await em.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [SCAN_LOCK]);
      if (!locked) return 0;
      // a due date whose reminder day has come is at most this far ahead (weekends and holidays included)
      const horizon = addCalendarDays(today, REMINDER_BUSINESS_DAYS_BEFORE + 12);
      const rows = await this.repository.pendingDueBetween(em, today, horizon);
      const due = rows.filter((r) => {
        const day = reminderDay(r.due_on);
        return compareDays(day, today) <= 0 && compareDays(parisDate(r.created_at), day) < 0;
      });
      return enqueueEmails(
        em,
        due.map((r) => ({ template: 'review-reminder' as const, recipientId: r.reviewer_id, eventKey: r.id, applicationId: r.application_id, data: { reviewId: r.id } })),
        now,
      );
    });
  }
}

/** Worker side of reviews: their emails' composer and the reminder scan. */
@Module({ imports: [NotificationsWorkerModule], providers: [ReviewsRepository, ReviewEmailsComposer, ReviewRemindersJob], exports: [ReviewRemindersJob] })
export class ReviewsWorkerModule {}
