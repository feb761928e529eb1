import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { addBusinessDays, addCalendarDays, endOfParisDay, parisDate } from '../domain/business-calendar';
import { atRiskThreshold } from '../domain/service-level';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import { JobHandlerRegistry } from '../queue/job-handler.registry';
import { QueueService } from '../queue/queue.service';
import { appendCaseEvent } from '../timeline/case-events';
import { enqueueEmails } from './email-outbox.repository';
import type { OutboxEmail } from './outbox/outbox-email';
import { RemindersRepository } from './reminders.repository';

export const DRAFT_REMINDER_AFTER_DAYS = 7;
export const INFO_REQUEST_REMINDER_AFTER_BUSINESS_DAYS = 5;
export const MILESTONE_NOTICE_DAYS = 3;
export const SCAN_EVERY_MS = 60_000;

/**
 * Reminders and service-level events, found by a periodic scan (a BullMQ job scheduler, every
 * minute). Every email it writes has a dedupe key naming the very occasion (the draft, the
 * request, the due date), so running the scan twice, or on two workers at once, sends nothing
 * twice; the sender re-checks at send time that the reminder is still relevant.
 */
@Injectable()
export class RemindersService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Reminders');

  constructor(
    private readonly transactions: Transactions,
    private readonly repository: RemindersRepository,
    private readonly clock: Clock,
    private readonly registry: JobHandlerRegistry,
    private readonly queues: QueueService,
  ) {}

  onModuleInit(): void {
    this.registry.register('reminders.scan', async () => {
      await this.scan();
    });
  }

  onApplicationBootstrap(): void {
    // idempotent, and never blocks the boot (see QueueService.schedule)
    this.queues.schedule('reminders-scan', { every: SCAN_EVERY_MS }, { name: 'reminders.scan', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }

  /** One scan; returns how many emails it wrote. Safe to run any number of times. */
  async scan(): Promise<{ emails: number; events: number }> {
    const now = this.clock.now();
    return this.transactions.run(async (em) => {
      if (!(await this.repository.tryScanLock(em))) return { emails: 0, events: 0 };
      let emails = 0;
      let events = 0;
      emails += await this.draftReminders(em, now);
      emails += await this.infoRequestReminders(em, now);
      emails += await this.milestonesDue(em, now);
      const warned = await this.serviceLevels(em, now, 'at_risk');
      const breached = await this.serviceLevels(em, now, 'breached');
      emails += warned.emails + breached.emails;
      events += warned.events + breached.events;
      return { emails, events };
    });
  }

  /** A draft untouched for 7 days, once per draft. */
  private async draftReminders(em: EntityManager, now: Date): Promise<number> {
    const rows = await this.repository.draftsToRemind(em, new Date(now.getTime() - DRAFT_REMINDER_AFTER_DAYS * 24 * 3600 * 1000));
    return enqueueEmails(
      em,
      rows.map((r) => ({ template: 'draft-reminder', recipientId: r.owner_id, eventKey: r.id, applicationId: r.id, data: { updatedAt: r.updated_at.toISOString() } })),
      now,
    );
  }

  /** No answer 5 business days after a request for information, once per request. */
  private async infoRequestReminders(em: EntityManager, now: Date): Promise<number> {
    // the latest request day whose 5th business day after is today or before
    const today = parisDate(now);
    let day = today;
    while (addBusinessDays(day, INFO_REQUEST_REMINDER_AFTER_BUSINESS_DAYS) > today) day = addCalendarDays(day, -1);
    const rows = await this.repository.waitingOnFounder(em, endOfParisDay(day));
    return enqueueEmails(
      em,
      rows
        .filter((r) => r.message_id !== null)
        .map((r) => ({
          template: 'info-request-reminder',
          recipientId: r.owner_id,
          eventKey: `${r.id}:${r.paused_at.toISOString()}`,
          applicationId: r.id,
          data: { messageId: r.message_id, pausedAt: r.paused_at.toISOString() },
        })),
      now,
    );
  }

  /** A milestone due within 3 days, still pending: the founder and the programme's managers, once. */
  private async milestonesDue(em: EntityManager, now: Date): Promise<number> {
    const today = parisDate(now);
    const rows = await this.repository.pendingMilestonesDue(em, today, addCalendarDays(today, MILESTONE_NOTICE_DAYS));
    if (rows.length === 0) return 0;
    const managers = await this.repository.programmeManagers(em);
    const emails: OutboxEmail[] = [];
    for (const r of rows) {
      const eventKey = `${r.milestone_id}:${r.enrolment_id}`;
      emails.push({ template: 'milestone-due', recipientId: r.owner_id, eventKey, applicationId: r.application_id, data: { milestoneId: r.milestone_id, enrolmentId: r.enrolment_id, audience: 'founder' } });
      for (const m of managers.filter((x) => x.programmes.includes(r.programme))) {
        emails.push({ template: 'milestone-due', recipientId: m.id, eventKey, applicationId: r.application_id, data: { milestoneId: r.milestone_id, enrolmentId: r.enrolment_id, audience: 'manager' } });
      }
    }
    return enqueueEmails(em, emails, now);
  }

  /**
   * A clock becoming at risk (email to the assignee) or breached (email to the programme's
   * managers, or every admin when the case has no programme); each recorded once on the timeline.
   */
  private async serviceLevels(em: EntityManager, now: Date, state: 'at_risk' | 'breached'): Promise<{ emails: number; events: number }> {
    const eventType = state === 'breached' ? 'sla_breached' : 'sla_at_risk';
    const rows = await this.repository.clocksReaching(em, state, now, atRiskThreshold(now));
    if (rows.length === 0) return { emails: 0, events: 0 };
    const managers = state === 'breached' ? await this.repository.managersAndAdmins(em) : [];
    const emails: OutboxEmail[] = [];
    // cases locked in id order (appendCaseEvent), as every multi-case locker does
    for (const row of rows) {
      const dueAt = row.due_at.toISOString();
      await appendCaseEvent(em, { applicationId: row.id, at: now, type: eventType, actor: null, public: false, data: { serviceLevel: row.kind, dueAt } });
      const eventKey = `${row.id}:${row.kind}:${dueAt}`;
      const data = { serviceLevel: row.kind, dueAt };
      if (state === 'at_risk') {
        if (row.assignee_id) emails.push({ template: 'sla-warning', recipientId: row.assignee_id, eventKey, applicationId: row.id, data });
        continue;
      }
      const programmeManagers = row.inbox_programme ? managers.filter((m) => m.role === 'programme_manager' && m.programmes.includes(row.inbox_programme as string)) : [];
      const recipients = programmeManagers.length > 0 ? programmeManagers : managers.filter((m) => m.role === 'admin');
      for (const m of recipients) emails.push({ template: 'sla-breached', recipientId: m.id, eventKey, applicationId: row.id, data });
    }
    return { emails: await enqueueEmails(em, emails, now), events: rows.length };
  }
}
