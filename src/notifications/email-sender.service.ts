import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { Clock } from '../common/clock';
import { Coalescer } from '../common/coalescer';
import { addToLogContext, runWithLogContext } from '../common/logging/log-context';
import { JobHandlerRegistry } from '../queue/job-handler.registry';
import { EmailComposer, Recipient } from './email-composer';
import { EmailClaim, EmailOutboxRepository, EmailOutcome, EmailToSend } from './email-outbox.repository';
import { AUTOMATIC_HEADERS, isPermanentSmtpError, MailTransport, messageIdFor } from './mail/mail-transport';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { TemplateRendererProvider } from './template-renderer.provider';

/** A transient failure that exhausted the job's quick retries is handed back to the relay, later. */
export const REQUEUE_DELAY_MS = 5 * 60 * 1000;
/** After this long without success an email is given up (failed). */
export const GIVE_UP_AFTER_MS = 24 * 3600 * 1000;

/** An email read, still worth sending, rendered: ready to be claimed. */
interface ReadyEmail {
  email: EmailToSend;
  recipient: Recipient;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
}

/** An email whose attempt did not go through: recorded, and what BullMQ should do about it. */
interface FailedAttempt {
  retry: boolean;
  error: Error;
}

/** An accepted send, to record. */
interface Accepted {
  claim: EmailClaim;
  recipientEmail: string;
  smtpMessageId: string;
}

/**
 * Sends a batch of outbox rows (one job of the relay, up to EMAIL_JOB_BATCH rows): read,
 * claim, commit, send, record, with one statement for many emails at each database step.
 *
 * 1. Read the rows and their recipients (one query, no lock), decide whether each is still worth
 *    sending and render it; a row already sent, failed or skipped is never sent again.
 * 2. Claim them: one autocommitted UPDATE takes a lease on each (`lease_id`, `locked_until`,
 *    EMAIL_LEASE_MS) and counts its attempt. A row under another sender's live lease is left to
 *    that sender.
 * 3. Send each over SMTP with no transaction open and no row lock held.
 * 4. Record each accepted send as soon as it is accepted, guarded by its lease id: the first one
 *    starts an UPDATE at once, those accepted meanwhile (by any job of this process) go together
 *    in the next (Coalescer). A slow exchange never holds back the record of another email. A
 *    failure is recorded on its own, and decides whether BullMQ retries the job.
 *
 * The one remaining window: the SMTP server accepted a message and the process died (or lost
 * the database, or outlived its lease) before its record committed. The lease then lapses, the
 * relay hands the row out again and it is sent again — as attempt 2, with the same Message-ID
 * (`<emailId@PUBLIC_URL host>`), so receiving systems that de-duplicate on it drop the copy.
 * `attempts` counts every claim, so it never under-reports. See docs/notifications.md "Emails".
 */
@Injectable()
export class EmailSenderService implements OnModuleInit {
  private readonly logger = new Logger('EmailSender');
  /** accepted sends, recorded in groups: answers whether each was (false: its lease lapsed and another sender took the row) */
  private readonly ledger = new Coalescer<Accepted, boolean>(async (sent) => {
    const recorded = await this.outbox.recordSent(sent, this.clock.now());
    return sent.map((s) => recorded.has(s.claim.id));
  });

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
      // a job of an older release carries one id
      await this.sendBatch('emailIds' in payload ? payload.emailIds : [payload.emailId], job);
    });
  }

  /**
   * Sends the emails `ids` (a job's batch). Once each attempt is recorded, throws for BullMQ: the
   * first transient error when one is worth a quick retry of the job (the emails done meanwhile
   * are not sent again: they are no longer queued), an UnrecoverableError when the failures are
   * for good.
   */
  async sendBatch(ids: readonly string[], job?: Job): Promise<void> {
    const now = this.clock.now();
    const rows = await this.outbox.findForSending(ids);
    // 1. read, decide, render: each email with its own id on its log lines
    const ready: ReadyEmail[] = [];
    await Promise.all(
      rows.map((email) =>
        this.about(email, async () => {
          const prepared = await this.prepare(email, now);
          if (prepared) ready.push(prepared);
        }),
      ),
    );
    if (ready.length === 0) return;

    // 2. claim the batch in one statement; what it leaves out was sent, skipped or claimed since we read it
    const claims = new Map((await this.outbox.claim(ready.map((r) => r.email.id), this.config.emailLeaseMs)).map((c) => [c.id, c]));

    // 3. send, with no transaction open; 4. record each accepted send (grouped with others)
    const failures: FailedAttempt[] = [];
    await Promise.all(
      ready.map((r) => {
        const claim = claims.get(r.email.id);
        if (!claim) return undefined;
        return this.about(r.email, async () => {
          addToLogContext({ attempt: claim.attempts });
          let smtpMessageId: string;
          try {
            const info = await this.transport.send({
              to: r.recipient.email,
              subject: r.subject,
              html: r.html,
              text: r.text,
              headers: { ...AUTOMATIC_HEADERS, ...r.headers },
              messageId: messageIdFor(r.email.id, this.config.publicUrl),
              emailId: r.email.id,
              attempt: claim.attempts,
            });
            smtpMessageId = info.messageId;
          } catch (error) {
            const failure = await this.failed(claim, r.email, r.recipient.email, error as Error, job);
            failures.push(failure);
            return;
          }
          const recorded = await this.ledger.add({ claim, recipientEmail: r.recipient.email, smtpMessageId });
          if (recorded) this.logger.log(`${r.email.template} sent`);
          else this.notRecorded(claim, 'sent', r.email.template);
        });
      }),
    );

    const retry = failures.find((f) => f.retry);
    if (retry) throw retry.error;
    if (failures.length > 0) throw new UnrecoverableError(failures.map((f) => f.error.message).join('; '));
  }

  /** Runs `fn` with the email's id (and its case's) on every log line it writes. */
  private about<T>(email: EmailToSend, fn: () => T): T {
    return runWithLogContext({ emailId: email.id, ...(email.application_id ? { caseId: email.application_id } : {}) }, fn);
  }

  /**
   * The email rendered, when it is still to be sent; null when it is not queued any more, someone
   * else holds it, or it was skipped now (not worth sending any more).
   */
  private async prepare(email: EmailToSend, now: Date): Promise<ReadyEmail | null> {
    if (email.status !== 'queued') return null;
    // someone else is sending it: they record the outcome, or their lease lapses and the relay hands it out again
    if (email.leased) return null;
    if (!email.user_email || email.erased_at || !email.active) {
      await this.outbox.skip(email.id, 'recipient inactive or erased');
      return null;
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
      if (await this.outbox.skip(email.id, composition.why)) this.logger.log(`${email.template} skipped: ${composition.why}`);
      return null;
    }
    const rendered = this.renderer.get().render(email.template, composition.context as never);
    return { email, recipient, subject: rendered.subject, html: rendered.html, text: rendered.text, headers: composition.headers };
  }

  /** Records a failed attempt, and says whether a quick retry of the job should follow. */
  private async failed(claim: EmailClaim, email: EmailToSend, recipientEmail: string, error: Error, job?: Job): Promise<FailedAttempt> {
    const now = this.clock.now();
    const message = error.message.slice(0, 500);
    if (isPermanentSmtpError(error)) {
      await this.record(claim, { kind: 'failed', error: message, recipientEmail }, email.template);
      this.logger.warn(`email ${claim.id} (${email.template}) refused for good at attempt ${claim.attempts}: ${message}`);
      return { retry: false, error: new UnrecoverableError(message) };
    }
    const lastQuickTry = !job || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (lastQuickTry && now.getTime() - email.created_at.getTime() > GIVE_UP_AFTER_MS) {
      await this.record(claim, { kind: 'failed', error: `gave up: ${message}`, recipientEmail: null }, email.template);
    } else if (lastQuickTry) {
      // back to the relay in a while: an SMTP outage of an hour loses nothing
      await this.record(claim, { kind: 'requeue', error: message, availableAt: new Date(now.getTime() + REQUEUE_DELAY_MS) }, email.template);
    } else {
      await this.record(claim, { kind: 'retry', error: message }, email.template);
    }
    // the attempt and its error are recorded; a quick retry (BullMQ's backoff) follows unless this was the last
    return { retry: !lastQuickTry, error };
  }

  private async record(claim: EmailClaim, outcome: EmailOutcome, template: string): Promise<void> {
    if (!(await this.outbox.record(claim, outcome))) this.notRecorded(claim, outcome.kind, template);
  }

  /** The lease lapsed and another sender claimed the row: its record wins (for 'sent', the documented double-send window). */
  private notRecorded(claim: EmailClaim, kind: string, template: string): void {
    this.logger.warn(`email ${claim.id} (${template}): attempt ${claim.attempts} ended (${kind}) after its lease lapsed; not recorded`);
  }
}
