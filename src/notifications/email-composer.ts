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

/** What to send for template `N` (its own payload, TemplateContexts[N]), or why not any more. */
export type Composition<N extends TemplateName> = { send: true; context: TemplateContexts[N]; headers?: Record<string, string> } | { send: false; why: string };

/** Builds the payload of template `N` at send time (reads only, through `em`). */
export type Composer<N extends TemplateName> = (em: EntityManager, email: EmailRow, recipient: Recipient, base: BaseEmailContext, now: Date) => Promise<Composition<N>>;

/** One composer for each of the templates `N`, each returning its own template's payload. */
export type Composers<N extends TemplateName> = { readonly [K in N]: Composer<K> };

/**
 * Every template's composer: `Record<TemplateName, Composer>` with each composer typed by its
 * template. A template without a composer, or a composer whose payload misses a field of its
 * template's context, does not compile.
 */
export type EmailComposerRegistry = Composers<TemplateName>;

/**
 * The injection token of the registry. The composition root provides it, from the composers
 * each domain exposes (`src/email-composers.module.ts`): this folder, below them, imports none.
 */
export const EMAIL_COMPOSERS = Symbol('EMAIL_COMPOSERS');

/**
 * Builds each email's template context from the database at send time (jobs carry ids only),
 * and decides whether the email is still relevant: a reminder for a request the founder has
 * answered, or for a case that was decided meanwhile, is not sent.
 * It only dispatches: the composers belong to the domains that own the templates (the cases'
 * emails in `src/cases/case-emails.composer.ts`, the accounts', the digests', the retention's,
 * the referrals' and the reviews').
 */
@Injectable()
export class EmailComposer {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EMAIL_COMPOSERS) private readonly composers: EmailComposerRegistry,
  ) {}

  async compose(em: EntityManager, email: EmailRow, recipient: Recipient, now: Date): Promise<Composition<TemplateName>> {
    // a row written by an older release may name a template this one no longer has
    const composer: Composer<TemplateName> | undefined = Object.hasOwn(this.composers, email.template) ? this.composers[email.template] : undefined;
    if (!composer) return { send: false, why: `no composer for template ${email.template}` };
    const base: BaseEmailContext = { recipientName: recipient.fullName, locale: recipient.locale, publicUrl: this.config.publicUrl };
    return composer(em, email, recipient, base, now);
  }
}
