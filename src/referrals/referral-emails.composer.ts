import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Composers, Composition, EmailRow, Recipient } from '../notifications/email-composer';
import type { BaseEmailContext, ReferralOutcomeName } from '../notifications/templates/template-contexts';
import { ReferralsRepository, type ReferralFacts } from './referrals.repository';

/**
 * Composes the referral emails at send time from the referral as it is then, and skips those
 * that became moot: a consent request already answered, a referral or reminder to a contact no
 * longer of that organisation, a reminder or escalation for a referral answered meanwhile, an
 * answer overtaken by a later one.
 */
@Injectable()
export class ReferralEmailsComposer {
  constructor(private readonly repository: ReferralsRepository) {}

  readonly composers: Composers<'referral-consent' | 'referral-received' | 'referral-reminder' | 'referral-answered' | 'referral-escalated'> = {
    'referral-consent': (em, e, r, base) => this.consent(em, e, r, base),
    'referral-received': (em, e, r, base) => this.received(em, e, r, base),
    'referral-reminder': (em, e, r, base) => this.reminder(em, e, r, base),
    'referral-answered': (em, e, r, base) => this.answered(em, e, r, base),
    'referral-escalated': (em, e, r, base) => this.escalated(em, e, base),
  };

  private facts(em: EntityManager, id: unknown): Promise<ReferralFacts | null> {
    return typeof id === 'string' ? this.repository.emailFacts(em, id) : Promise.resolve(null);
  }

  private isContact(em: EntityManager, partnerId: string, userId: string): Promise<boolean> {
    return this.repository.isContact(em, partnerId, userId);
  }

  private async consent(em: EntityManager, e: EmailRow, r: Recipient, base: BaseEmailContext): Promise<Composition<'referral-consent'>> {
    const f = await this.facts(em, e.data.referralId);
    if (!f || f.owner_id !== r.id) return { send: false, why: 'referral not found' };
    if (f.status !== 'awaiting_consent') return { send: false, why: `the founder already answered (${f.status})` };
    return {
      send: true,
      context: { ...base, application: f.application, referralId: f.id, partnerName: f.partner_name, partnerKind: f.partner_kind, advisorName: f.advisor_name, note: f.note },
    };
  }

  private async received(em: EntityManager, e: EmailRow, r: Recipient, base: BaseEmailContext): Promise<Composition<'referral-received'>> {
    const f = await this.facts(em, e.data.referralId);
    if (!f || !f.sent_at) return { send: false, why: 'referral not found or not sent' };
    if (!(await this.isContact(em, f.partner_id, r.id))) return { send: false, why: 'no longer a contact of this partner' };
    return { send: true, context: { ...base, application: f.application, referralId: f.id, partnerName: f.partner_name, advisorName: f.advisor_name, note: f.note, sentAt: f.sent_at } };
  }

  private async reminder(em: EntityManager, e: EmailRow, r: Recipient, base: BaseEmailContext): Promise<Composition<'referral-reminder'>> {
    const f = await this.facts(em, e.data.referralId);
    if (!f || !f.sent_at) return { send: false, why: 'referral not found or not sent' };
    if (f.status !== 'sent') return { send: false, why: `the partner answered meanwhile (${f.status})` };
    if (!(await this.isContact(em, f.partner_id, r.id))) return { send: false, why: 'no longer a contact of this partner' };
    return { send: true, context: { ...base, application: f.application, referralId: f.id, partnerName: f.partner_name, sentAt: f.sent_at, businessDays: Number(e.data.businessDays) } };
  }

  private async answered(em: EntityManager, e: EmailRow, r: Recipient, base: BaseEmailContext): Promise<Composition<'referral-answered'>> {
    const f = await this.facts(em, e.data.referralId);
    if (!f || !f.answered_at) return { send: false, why: 'referral not found or not answered' };
    const outcome = e.data.outcome as ReferralOutcomeName;
    // a meeting settled (accepted or declined) before its email left: the later answer tells it
    if (f.status !== outcome) return { send: false, why: `the answer changed to ${f.status} before the email left` };
    return {
      send: true,
      context: {
        ...base,
        audience: e.data.audience === 'staff' ? 'staff' : 'founder',
        application: f.application,
        referralId: f.id,
        partnerName: f.partner_name,
        outcome,
        reason: f.reason,
        answeredAt: f.updated_at,
      },
    };
  }

  private async escalated(em: EntityManager, e: EmailRow, base: BaseEmailContext): Promise<Composition<'referral-escalated'>> {
    const f = await this.facts(em, e.data.referralId);
    if (!f || !f.sent_at) return { send: false, why: 'referral not found or not sent' };
    if (f.status !== 'sent') return { send: false, why: `the partner answered meanwhile (${f.status})` };
    return { send: true, context: { ...base, application: f.application, referralId: f.id, partnerName: f.partner_name, sentAt: f.sent_at, businessDays: Number(e.data.businessDays) } };
  }
}
