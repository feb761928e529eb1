import { Injectable, Module, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import { addCalendarDays, compareDays, parisDate } from '../domain/business-calendar';
import { reminderDay, REMINDER_BUSINESS_DAYS_BEFORE } from '../domain/review-rules';
import type { Composers, Composition, EmailRow, Recipient } from '../notifications/email-composer';
import { enqueueEmails } from '../notifications/email-outbox.repository';
import type { BaseEmailContext, TemplateContexts } from '../notifications/templates/template-contexts';
import { JobHandlerRegistry } from '../queue/job-handler.registry';
import { QueueService } from '../queue/queue.service';
import { ReviewsRepository } from './reviews.repository';

const SCAN_EVERY_MS = 60_000;

/**
 * Composes `review-invited` and `review-reminder` at send time, and skips them when they became
 * moot: the review was withdrawn (both), or submitted or recused (the reminder).
 */
@Injectable()
export class ReviewEmailsComposer {
  constructor(private readonly repository: ReviewsRepository) {}

  readonly composers: Composers<'review-invited' | 'review-reminder'> = {
    'review-invited': (em, e, r, base) => this.compose(em, e, r, base, 'review-invited'),
    'review-reminder': (em, e, r, base) => this.compose(em, e, r, base, 'review-reminder'),
  };

  private compose(em: EntityManager, e: EmailRow, r: Recipient, base: BaseEmailContext, template: 'review-invited'): Promise<Composition<'review-invited'>>;
  private compose(em: EntityManager, e: EmailRow, r: Recipient, base: BaseEmailContext, template: 'review-reminder'): Promise<Composition<'review-reminder'>>;
  private async compose(em: EntityManager, e: EmailRow, r: Recipient, base: BaseEmailContext, template: 'review-invited' | 'review-reminder'): Promise<Composition<'review-invited' | 'review-reminder'>> {
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
    const invitedByName = await this.repository.inviterName(em, typeof e.data.invitedBy === 'string' ? e.data.invitedBy : null);
    const newAccount = (await this.repository.awaitsPassword(em, r.id)) === true;
    return { send: true, context: { ...common, invitedByName, newAccount } satisfies TemplateContexts['review-invited'] };
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
    private readonly transactions: Transactions,
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
    return this.transactions.run(async (em) => {
      if (!(await this.repository.tryReminderScanLock(em))) return 0;
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
@Module({ providers: [ReviewsRepository, ReviewEmailsComposer, ReviewRemindersJob], exports: [ReviewRemindersJob, ReviewEmailsComposer] })
export class ReviewsWorkerModule {}
