import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.constants';

/** Start of the `.eml` file names of one email (one file per attempt: `<prefix><attempt>.<epoch ms>.eml`). */
export function mailFilePrefix(emailId: string): string {
  return `_${emailId}_guichet_.`;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /** stable Message-ID, so a re-send after a crash is recognisable downstream */
  messageId: string;
  /** the ledger's id of the email, and which attempt this is (names the `.eml` file) */
  emailId: string;
  attempt: number;
}

/**
 * The stable Message-ID of an outbox email: its id on the host of PUBLIC_URL (RFC 5322 wants a
 * domain the sender controls, so replies and de-duplication never collide with another system's).
 */
export function messageIdFor(emailId: string, publicUrl: string): string {
  return `<${emailId}@${new URL(publicUrl).hostname}>`;
}


/** Every email Guichet sends is automatic (RFC 3834): no out-of-office replies, please. */
export const AUTOMATIC_HEADERS: Readonly<Record<string, string>> = { 'Auto-Submitted': 'auto-generated' };

/** Why a send failed, as far as retrying is concerned. */
export class PermanentMailError extends Error {
  readonly permanent = true;
}

/**
 * SMTP 5xx (and an address the server refuses) will never succeed: stop retrying.
 * Network errors, timeouts and 4xx are transient.
 */
export function isPermanentSmtpError(error: unknown): boolean {
  const e = error as { responseCode?: number; code?: string; command?: string };
  if (typeof e.responseCode === 'number') return e.responseCode >= 500 && e.responseCode < 600;
  return e.code === 'EENVELOPE' && e.responseCode === undefined && /no recipients|invalid/i.test(String((error as Error).message));
}

function smtpOptions(smtpUrl: string): SMTPPool.Options {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    pool: true,
    host: url.hostname,
    port: Number(url.port || (secure ? 465 : 587)),
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    // a local sink (Mailpit, tests) speaks plain SMTP; TLS is still used when the server offers it
    ignoreTLS: url.searchParams.get('ignoreTLS') === 'true',
    tls: { rejectUnauthorized: url.searchParams.get('tlsRejectUnauthorized') !== 'false' },
    maxConnections: 5,
    maxMessages: 1000,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
}

/**
 * Delivers rendered emails: through a pooled SMTP connection when SMTP_URL is set, otherwise
 * as `.eml` files under MAIL_DIR so a newcomer can read what would have been sent.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger(MailTransport.name);
  private readonly transporter: Transporter;
  private readonly toFiles: boolean;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.toFiles = config.smtpUrl === null;
    this.transporter = this.toFiles
      ? nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
      : nodemailer.createTransport(smtpOptions(config.smtpUrl as string));
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const info = (await this.transporter.sendMail({
      from: this.config.mailFrom,
      to: mail.to,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      headers: mail.headers,
      messageId: mail.messageId,
    })) as { messageId: string; message?: Buffer };
    if (this.toFiles && info.message) {
      await mkdir(this.config.mailDir, { recursive: true });
      // one file per attempt, never overwritten: a second send after a crash shows as a second file
      // (the time tells them apart when the crash also lost the attempt count)
      await writeFile(join(this.config.mailDir, `${mailFilePrefix(mail.emailId)}${mail.attempt}.${Date.now()}.eml`), info.message, { flag: 'wx' });
    }
    return { messageId: info.messageId };
  }

  /** Last, once the email jobs in flight have sent their batches (the workers stop in beforeApplicationShutdown). */
  onApplicationShutdown(): void {
    this.transporter.close();
    if (this.toFiles) this.logger.debug('file transport closed');
  }
}
