import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import type { BaseEmailContext, TemplateContexts, TemplateName } from './templates/template-contexts';

/** A row of the emails outbox, as the sender reads it. */
export interface EmailRow {
  id: string;
  template: TemplateName;
  recipient_id: string | null;
  application_id: string | null;
  data: Record<string, string | number | boolean | null>;
  status: string;
  attempts: number;
  created_at: Date;
}

export interface Recipient {
  id: string;
  email: string;
  fullName: string;
  locale: 'fr' | 'en';
  active: boolean;
  weeklyDigest: boolean;
}

/** What to send, or why not any more. */
export type Composition<N extends TemplateName = TemplateName> = { send: true; context: TemplateContexts[N]; headers?: Record<string, string> } | { send: false; why: string };

export type Composer = (em: EntityManager, email: EmailRow, recipient: Recipient, base: BaseEmailContext, now: Date) => Promise<Composition>;

/**
 * Builds each email's template context from the database at send time (jobs carry ids only),
 * and decides whether the email is still relevant: a reminder for a request the founder has
 * answered, or for a case that was decided meanwhile, is not sent.
 * Each domain registers the composers of its templates here at start-up (the cases' emails in
 * `src/cases/case-emails.composer.ts`, the accounts', the digests'): this folder, below them,
 * imports none of them.
 */
@Injectable()
export class EmailComposer {
  private readonly composers = new Map<TemplateName, Composer>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  register(template: TemplateName, composer: Composer): void {
    this.composers.set(template, composer);
  }

  async compose(em: EntityManager, email: EmailRow, recipient: Recipient, now: Date): Promise<Composition> {
    const composer = this.composers.get(email.template);
    if (!composer) return { send: false, why: `no composer for template ${email.template}` };
    const base: BaseEmailContext = { recipientName: recipient.fullName, locale: recipient.locale, publicUrl: this.config.publicUrl };
    return composer(em, email, recipient, base, now);
  }
}
