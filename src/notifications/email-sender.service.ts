import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { Clock } from '../common/clock';
import { addToLogContext } from '../common/logging/log-context';
import { JobHandlerRegistry } from '../queue/job-handler.registry';
import { EmailComposer, Recipient } from './email-composer';
import { EmailClaim, EmailOutboxRepository, EmailOutcome } from './email-outbox.repository';
import { AUTOMATIC_HEADERS, isPermanentSmtpError, MailTransport, messageIdFor } from './mail/mail-transport';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { TemplateRendererProvider } from './template-renderer.provider';

/** A transient failure that exhausted the job's quick retries is handed back to the relay, later. */
export const REQUEUE_DELAY_MS = 5 * 60 * 1000;
/** After this long without success an email is given up (failed). */
export const GIVE_UP_AFTER_MS = 24 * 3600 * 1000;


/**
 * Sends one outbox row: claim, commit, send, record.
 *
 * 1. Read the row and its recipient (no lock), decide whether it is still worth sending and
 *    render it; a row already sent, failed or skipped is never sent again.
 * 2. Claim it: one autocommitted UPDATE takes a lease (`lease_id`, `locked_until`, EMAIL_LEASE_MS)
 *    and counts the attempt. Another sender holding a live lease makes this job stand down.
 * 3. Send over SMTP with no transaction open and no row lock held.
 * 4. Record the outcome in one UPDATE guarded by the lease id.
 *
 * The one remaining window: the SMTP server accepted the message and the process died (or lost
 * the database, or outlived its lease) before the record. The lease then lapses, the relay hands
 * the row out again and it is sent again — as attempt 2, with the same Message-ID
 * (`<emailId@PUBLIC_URL host>`), so receiving systems that de-duplicate on it drop the copy.
 * `attempts` counts every claim, so it never under-reports. See docs/notifications.md "Emails".
 */
@Injectable()
export class EmailSenderService implements OnModuleInit {
  private readonly logger = new Logger('EmailSender');

  constructor(
    private readonly outbox: EmailOutboxRepository,
    private readonly composer: EmailComposer,
    private readonly renderer: TemplateRendererProvider,
    private readonly transport: MailTransport,
    private readonly registry: JobHandlerRegistry,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register('email.send', async (payload, job) => {
      await this.send(payload.emailId, job);
    });
  }

  async send(emailId: string, job?: Job): Promise<'sent' | 'skipped' | 'busy' | 'done'> {
    const now = this.clock.now();
    const email = await this.outbox.findForSending(emailId);
    if (!email) return 'done';
    if (email.application_id) addToLogContext({ caseId: email.application_id });
    if (email.status !== 'queued') return 'done';
    // someone else is sending it: they record the outcome, or their lease lapses and the relay hands it out again
    if (email.leased) return 'busy';

    if (!email.user_email || email.erased_at || !email.active) {
      return (await this.outbox.skip(email.id, 'recipient inactive or erased')) ? 'skipped' : 'busy';
    }
    const recipient: Recipient = {
      id: email.recipient_id as string,
      email: email.user_email,
      fullName: email.full_name ?? '',
      locale: email.locale ?? 'fr',
      active: true,
      weeklyDigest: email.weekly_digest ?? false,
    };
    // the composers read the case as it is now, outside any transaction (reads only)
    const composition = await this.composer.compose(this.outbox.reads, email, recipient, now);
    if (!composition.send) {
      if (!(await this.outbox.skip(email.id, composition.why))) return 'busy';
      this.logger.log(`${email.template} skipped: ${composition.why}`);
      return 'skipped';
    }
    const rendered = this.renderer.get().render(email.template, composition.context as never);

    const claim = await this.outbox.claim(email.id, this.config.emailLeaseMs);
    if (!claim) return 'busy'; // sent, skipped or claimed by another sender since we read it
    let messageId: string;
    try {
      const info = await this.transport.send({
        to: recipient.email,
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        headers: { ...AUTOMATIC_HEADERS, ...composition.headers },
        messageId: messageIdFor(email.id, this.config.publicUrl),
        emailId: email.id,
        attempt: claim.attempts,
      });
      messageId = info.messageId;
    } catch (error) {
      return this.failed(claim, email.template, email.created_at, recipient.email, error as Error, job);
    }
    await this.record(claim, { kind: 'sent', recipientEmail: recipient.email, smtpMessageId: messageId }, email.template);
    addToLogContext({ attempt: claim.attempts });
    this.logger.log(`${email.template} sent`);
    return 'sent';
  }

  /** Records a failed attempt, then throws for BullMQ: UnrecoverableError when it is for good, the error itself for a quick retry. */
  private async failed(claim: EmailClaim, template: string, createdAt: Date, recipientEmail: string, error: Error, job?: Job): Promise<never> {
    const now = this.clock.now();
    const message = error.message.slice(0, 500);
    if (isPermanentSmtpError(error)) {
      await this.record(claim, { kind: 'failed', error: message, recipientEmail }, template);
      this.logger.warn(`email ${claim.id} (${template}) refused for good at attempt ${claim.attempts}: ${message}`);
      throw new UnrecoverableError(message);
    }
    const lastQuickTry = !job || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (lastQuickTry && now.getTime() - createdAt.getTime() > GIVE_UP_AFTER_MS) {
      await this.record(claim, { kind: 'failed', error: `gave up: ${message}`, recipientEmail: null }, template);
    } else if (lastQuickTry) {
      // back to the relay in a while: an SMTP outage of an hour loses nothing
      await this.record(claim, { kind: 'requeue', error: message, availableAt: new Date(now.getTime() + REQUEUE_DELAY_MS) }, template);
    } else {
      await this.record(claim, { kind: 'retry', error: message }, template);
    }
    // the attempt and its error are recorded; now let BullMQ retry with backoff
    throw error;
  }

  private async record(claim: EmailClaim, outcome: EmailOutcome, template: string): Promise<void> {
    const recorded = await this.outbox.record(claim, outcome, this.clock.now());
    if (!recorded) {
      // the lease lapsed and another sender claimed the row: its record wins (for 'sent', the documented double-send window)
      this.logger.warn(`email ${claim.id} (${template}): attempt ${claim.attempts} ended (${outcome.kind}) after its lease lapsed; not recorded`);
    }
  }
}
