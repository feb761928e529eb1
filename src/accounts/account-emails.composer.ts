import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Composers, Composition, EmailRow, Recipient } from '../notifications/email-composer';
import type { BaseEmailContext, InvitedRole } from '../notifications/templates/template-contexts';
import { accountTokenState } from './account-token';
import { AccountTokensRepository } from './account-tokens.repository';

/**
 * Composes the account emails at send time. The link is rebuilt from the row id (the token is
 * never stored); an email whose link can no longer work (used, expired, or its purpose already
 * met) is skipped rather than sent. The composition root gives these composers to the
 * notifications' EmailComposer (EMAIL_COMPOSERS).
 */
@Injectable()
export class AccountEmailsComposer {
  constructor(private readonly accountTokens: AccountTokensRepository) {}

  readonly composers: Composers<'verify-email' | 'password-reset' | 'invitation'> = {
    'verify-email': (em, e, r, base, now) => this.verifyEmail(em, e, r, base, now),
    'password-reset': (em, e, r, base, now) => this.passwordReset(em, e, r, base, now),
    invitation: (em, e, r, base, now) => this.invitation(em, e, r, base, now),
  };

  private async link(em: EntityManager, e: EmailRow, r: Recipient, now: Date): Promise<{ id: string; expiresAt: Date } | { why: string }> {
    const row = await this.accountTokens.byId(em, e.data.tokenId);
    if (!row || row.user_id !== r.id) return { why: 'the link is gone' };
    const state = accountTokenState(row, now);
    if (state !== 'valid') return { why: `the link is ${state}` };
    return { id: row.id, expiresAt: row.expires_at };
  }

  private account(em: EntityManager, id: string): Promise<{ verified: boolean; hasPassword: boolean; role: string } | null> {
    return this.accountTokens.recipientState(em, id);
  }

  private async verifyEmail(em: EntityManager, e: EmailRow, r: Recipient, base: BaseEmailContext, now: Date): Promise<Composition<'verify-email'>> {
    const link = await this.link(em, e, r, now);
    if ('why' in link) return { send: false, why: link.why };
    if ((await this.account(em, r.id))?.verified) return { send: false, why: 'the address is already verified' };
    return { send: true, context: { ...base, verifyUrl: this.accountTokens.linkFor('verify_email', link.id), email: r.email, expiresAt: link.expiresAt } };
  }

  private async passwordReset(em: EntityManager, e: EmailRow, r: Recipient, base: BaseEmailContext, now: Date): Promise<Composition<'password-reset'>> {
    const link = await this.link(em, e, r, now);
    if ('why' in link) return { send: false, why: link.why };
    return { send: true, context: { ...base, resetUrl: this.accountTokens.linkFor('password_reset', link.id), email: r.email, expiresAt: link.expiresAt } };
  }

  private async invitation(em: EntityManager, e: EmailRow, r: Recipient, base: BaseEmailContext, now: Date): Promise<Composition<'invitation'>> {
    const link = await this.link(em, e, r, now);
    if ('why' in link) return { send: false, why: link.why };
    const account = await this.account(em, r.id);
    if (!account || account.hasPassword) return { send: false, why: 'the invitation was already accepted' };
    const invitedByName = await this.accountTokens.inviterName(em, e.data.invitedBy);
    return {
      send: true,
      context: {
        ...base,
        invitationUrl: this.accountTokens.linkFor('invitation', link.id),
        email: r.email,
        role: account.role as InvitedRole,
        invitedByName,
        expiresAt: link.expiresAt,
      },
    };
  }
}
