import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { addToLogContext } from '../common/logging/log-context';
import { JobHandlerRegistry } from '../queue/job-handler.registry';
import { EmailComposer, EmailRow, Recipient } from './email-composer';
import { AUTOMATIC_HEADERS, isPermanentSmtpError, MailTransport, messageIdFor } from './mail/mail-transport';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { TemplateRendererProvider } from './template-renderer.provider';

/** A transient failure that exhausted the job's quick retries is handed back to the relay, later. */
export const REQUEUE_DELAY_MS = 5 * 60 * 1000;
/** After this long without success an email is given up (failed). */
export const GIVE_UP_AFTER_MS = 24 * 3600 * 1000;


/**
 * Sends one outbox row. The row is locked for the whole send and checked against the ledger
 * (`status`), so an email already sent is never sent again by a retried or duplicated job.
 *
 * The one remaining window: the SMTP server accepted the message and the process died before
 * the `sent` mark committed. The next attempt then sends it again (same Message-ID, `<emailId@PUBLIC_URL host>`, so
 * receiving systems that de-duplicate on it drop the copy). See README "Notifications".
 */
@Injectable()
export class EmailSenderService implements OnModuleInit {
  private readonly logger = new Logger('EmailSender');

  constructor(
    private readonly dataSource: DataSource,
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
    let transientError: Error | null = null;
    let permanentError: UnrecoverableError | null = null;
    const outcome = await this.dataSource.transaction(async (em) => {
      // wait for whoever holds the row (the relay committing, or another sender finishing), then
      // read the ledger: a row already sent is never sent again
      await em.query(`SET LOCAL lock_timeout = '60s'`);
      const rows: EmailRow[] = await em.query('SELECT id, template, recipient_id, application_id, data, status, attempts, created_at FROM emails WHERE id = $1 FOR UPDATE', [emailId]);
      const email = rows[0];
      if (!email) return 'done' as const;
      if (email.application_id) addToLogContext({ caseId: email.application_id });
      if (email.status !== 'queued') return 'done' as const;

      const recipients: { id: string; email: string; full_name: string; locale: 'fr' | 'en'; active: boolean; weekly_digest: boolean; erased_at: Date | null }[] = await em.query(
        'SELECT id, email, full_name, locale, active, weekly_digest, erased_at FROM users WHERE id = $1',
        [email.recipient_id],
      );
      const r = recipients[0];
      if (!r || r.erased_at || !r.active) {
        await em.query(`UPDATE emails SET status = 'skipped', last_error = $2 WHERE id = $1`, [email.id, 'recipient inactive or erased']);
        return 'skipped' as const;
      }
      const recipient: Recipient = { id: r.id, email: r.email, fullName: r.full_name, locale: r.locale, active: r.active, weeklyDigest: r.weekly_digest };
      const composition = await this.composer.compose(em, email, recipient, now);
      if (!composition.send) {
        await em.query(`UPDATE emails SET status = 'skipped', last_error = $2 WHERE id = $1`, [email.id, composition.why]);
        this.logger.log(`${email.template} skipped: ${composition.why}`);
        return 'skipped' as const;
      }
      const rendered = this.renderer.get().render(email.template, composition.context as never);
      try {
        const info = await this.transport.send({
          to: recipient.email,
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          headers: { ...AUTOMATIC_HEADERS, ...composition.headers },
          messageId: messageIdFor(email.id, this.config.publicUrl),
        });
        await em.query(
          `UPDATE emails SET status = 'sent', sent_at = $2, attempts = attempts + 1, recipient_email = $3, smtp_message_id = $4, last_error = NULL WHERE id = $1`,
          [email.id, now, recipient.email, info.messageId],
        );
        this.logger.log(`${email.template} sent`);
        return 'sent' as const;
      } catch (error) {
        const message = (error as Error).message.slice(0, 500);
        if (isPermanentSmtpError(error)) {
          await em.query(`UPDATE emails SET status = 'failed', attempts = attempts + 1, last_error = $2, recipient_email = $3 WHERE id = $1`, [email.id, message, recipient.email]);
          this.logger.warn(`email ${email.id} (${email.template}) refused for good: ${message}`);
          permanentError = new UnrecoverableError(message);
          return 'done' as const;
        }
        const lastQuickTry = !job || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (lastQuickTry && now.getTime() - email.created_at.getTime() > GIVE_UP_AFTER_MS) {
          await em.query(`UPDATE emails SET status = 'failed', attempts = attempts + 1, last_error = $2 WHERE id = $1`, [email.id, `gave up: ${message}`]);
        } else if (lastQuickTry) {
          // back to the relay in a while: an SMTP outage of an hour loses nothing
          await em.query('UPDATE emails SET attempts = attempts + 1, last_error = $2, relayed_at = NULL, available_at = $3 WHERE id = $1', [email.id, message, new Date(now.getTime() + REQUEUE_DELAY_MS)]);
        } else {
          await em.query('UPDATE emails SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [email.id, message]);
        }
        transientError = error as Error;
        return 'busy' as const;
      }
    });
    // thrown only after the transaction committed the attempt and its error
    if (permanentError) throw permanentError;
    if (transientError) {
      // committed the attempt count above; now let BullMQ retry with backoff
      throw transientError;
    }
    return outcome;
  }
}
