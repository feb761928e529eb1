import { Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { endOfParisDay, parisDate } from '../domain/business-calendar';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import { enqueueEmails } from '../notifications/email-outbox.repository';
import type { OutboxEmail } from '../notifications/outbox/outbox-email';
import { JobHandlerRegistry } from '../queue/job-handler.registry';
import { QueueService } from '../queue/queue.service';
import { appendCaseEvent } from '../timeline/case-events';
import { CHASE_STEPS, chaseStepDue, latestSendDayDue } from '../domain/referral-rules';
import { ReferralsRepository } from './referrals.repository';

const SCAN_EVERY_MS = 60_000;

/**
 * Chases a partner's silence (a BullMQ job scheduler, every minute): `referral-reminder` to the
 * partner's contacts 5 and 10 business days after sending, `referral-escalated` to the case's
 * assignee (or the advisor who referred) after 15. Each step is marked on the referral
 * (`chased_step`) in the transaction that writes its emails, whose dedupe keys name the step:
 * two scans at once, or one run twice, send nothing twice. The sender skips a reminder whose
 * referral was answered before it left.
 */
@Injectable()
export class ReferralRemindersService implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly transactions: Transactions,
    private readonly repository: ReferralsRepository,
    private readonly clock: Clock,
    private readonly registry: JobHandlerRegistry,
    private readonly queues: QueueService,
  ) {}

  onModuleInit(): void {
    this.registry.register('referrals.scan', async () => {
      await this.scan();
    });
  }

  onApplicationBootstrap(): void {
    this.queues.schedule('referrals-scan', { every: SCAN_EVERY_MS }, { name: 'referrals.scan', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }

  /** One scan; returns how many emails it wrote. Safe to run any number of times, anywhere. */
  async scan(): Promise<{ emails: number }> {
    const now = this.clock.now();
    // only referrals sent early enough for the first step can be due
    const sentBy = endOfParisDay(latestSendDayDue(parisDate(now), CHASE_STEPS[0].afterBusinessDays));
    return this.transactions.run(async (em) => {
      let emails = 0;
      for (const r of await this.repository.unanswered(em, sentBy)) {
        const due = chaseStepDue(r.sent_at, r.chased_step, now);
        if (!due) continue;
        // the case is locked before its timeline grows; one busy now (a consent or an answer
        // being written) is left to the next scan rather than waited for in the other order
        if (due.kind === 'escalation' && !(await this.repository.tryLockCase(em, r.application_id))) continue;
        await this.repository.markChased(em, r.id, due.step);
        const data = { referralId: r.id, businessDays: due.afterBusinessDays };
        const batch: OutboxEmail[] = [];
        if (due.kind === 'reminder') {
          for (const contact of await this.repository.activeContactIds(em, r.partner_id)) {
            batch.push({ template: 'referral-reminder', recipientId: contact, eventKey: `${r.id}:${due.step}`, applicationId: r.application_id, data });
          }
        } else {
          await appendCaseEvent(em, { applicationId: r.application_id, at: now, type: 'referral_escalated', actor: null, public: false, data: { referralId: r.id, partnerId: r.partner_id, businessDays: due.afterBusinessDays } }, { caseLocked: true });
          const advisor = r.assignee_id ?? r.referred_by;
          if (advisor) batch.push({ template: 'referral-escalated', recipientId: advisor, eventKey: r.id, applicationId: r.application_id, data });
        }
        emails += await enqueueEmails(em, batch, now);
      }
      return { emails };
    });
  }
}
