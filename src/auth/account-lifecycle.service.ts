import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ACCOUNT_TOKEN_PATTERN, AccountTokenPurpose, accountTokenState } from '../accounts/account-token';
import { AccountTokensRepository } from '../accounts/account-tokens.repository';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import { FieldValidationException } from '../common/http/validation';
import { enqueueEmails } from '../notifications/outbox/email-outbox';
import { RateLimiterService } from '../redis/rate-limiter.service';
import type { User } from '../users/user.entity';
import { AuthResponse, toUserView, UserView } from '../users/user.view';
import { UsersService } from '../users/users.service';
import { AccessTokenService } from './access-token.service';
import type { AuthUser } from './auth-user';
import { verifyPassword } from '../users/password';

const HOUR = 3600;

/** Rate limits of the account flows (fixed windows in Redis, `Retry-After` on every 429). */
export const ACCOUNT_RATE_LIMITS = {
  /** verification emails asked again, per account and per IP */
  resendPerAccount: { max: 3, windowSeconds: HOUR },
  resendPerIp: { max: 20, windowSeconds: HOUR },
  /** reset emails asked, per address (known or not) and per IP */
  forgotPerAddress: { max: 3, windowSeconds: HOUR },
  forgotPerIp: { max: 20, windowSeconds: HOUR },
  /** password changes (right or wrong current password), per account */
  changePerAccount: { max: 10, windowSeconds: HOUR },
  /** links presented (reset, invitation), per IP, and per account once the link names one */
  linkPerIp: { max: 20, windowSeconds: HOUR },
  linkPerAccount: { max: 10, windowSeconds: HOUR },
} as const;

const REFUSALS: Record<'unknown' | 'used' | 'expired' | 'inactive', string> = {
  unknown: 'token is not a valid link: copy the whole link from the email',
  used: 'token has already been used: this link works once',
  expired: 'token has expired: ask for a new link',
  inactive: 'token belongs to an account that can no longer be used',
};

/**
 * The account lifecycle over any front end (the JSON API and the web pages call the same
 * methods): email verification, password reset and change, logout, staff invitations.
 *
 * One-time links are single-use, expiring, and stored as hashes (accounts/account-token.ts); a
 * forged, used or expired one is a 400 naming `token`. Revocation rides on the account's
 * `token_version`, which the guard compares in the lookup it makes anyway; a single logout
 * denies the token's `jti` in `revoked_tokens`, checked in that same statement.
 */
@Injectable()
export class AccountLifecycleService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly accountTokens: AccountTokensRepository,
    private readonly accessTokens: AccessTokenService,
    private readonly limiter: RateLimiterService,
    private readonly clock: Clock,
  ) {}

  /** Writes a `verify-email` email for the account, in the caller's transaction (sign-up, resend). */
  async sendVerification(em: EntityManager, userId: string, now: Date): Promise<void> {
    const link = await this.accountTokens.create(em, userId, 'verify_email', now);
    await enqueueEmails(em, [{ template: 'verify-email', recipientId: userId, eventKey: link.id, data: { tokenId: link.id } }], now);
  }

  /** A founder asks for the verification email again; nothing is sent when already verified. */
  async resendVerification(user: AuthUser, ip: string): Promise<void> {
    await this.limiter.enforce(`verify-resend:ip:${ip}`, ACCOUNT_RATE_LIMITS.resendPerIp.max, ACCOUNT_RATE_LIMITS.resendPerIp.windowSeconds, 'Too many verification emails asked from this address, try again later');
    await this.limiter.enforce(
      `verify-resend:user:${user.id}`,
      ACCOUNT_RATE_LIMITS.resendPerAccount.max,
      ACCOUNT_RATE_LIMITS.resendPerAccount.windowSeconds,
      `At most ${ACCOUNT_RATE_LIMITS.resendPerAccount.max} verification emails an hour, try again later`,
    );
    const now = this.clock.now();
    await this.transactions.run(async (em) => {
      const account = await this.users.getIn(em, user.id);
      if (account.emailVerifiedAt !== null) return;
      await this.sendVerification(em, user.id, now);
    });
  }

  /** Follows a verification link: the address is the owner's. */
  async verifyEmail(token: string): Promise<UserView> {
    const now = this.clock.now();
    const user = await this.transactions.run(async (em) => {
      const link = await this.spend(em, token, 'verify_email', now);
      const verified = await this.users.markEmailVerified(em, link.userId, now);
      await this.accountTokens.spendAll(em, link.userId, 'verify_email', now);
      return verified;
    });
    return toUserView(user);
  }

  /**
   * Forgotten password: the same 202 whether or not the address has an account (nothing
   * leaks); an active account with a password gets a `password-reset` email.
   */
  async forgotPassword(email: string, ip: string): Promise<void> {
    await this.limiter.enforce(`forgot:ip:${ip}`, ACCOUNT_RATE_LIMITS.forgotPerIp.max, ACCOUNT_RATE_LIMITS.forgotPerIp.windowSeconds, 'Too many password resets asked from this address, try again later');
    await this.limiter.enforce(
      `forgot:email:${email}`,
      ACCOUNT_RATE_LIMITS.forgotPerAddress.max,
      ACCOUNT_RATE_LIMITS.forgotPerAddress.windowSeconds,
      `At most ${ACCOUNT_RATE_LIMITS.forgotPerAddress.max} password resets an hour for one address, try again later`,
    );
    const now = this.clock.now();
    await this.transactions.run(async (em) => {
      const account = await this.users.lockActiveByEmail(em, email);
      // an invitation not yet accepted is completed through its own link, not a reset
      if (!account || !account.hasPassword) return;
      const link = await this.accountTokens.create(em, account.id, 'password_reset', now);
      await enqueueEmails(em, [{ template: 'password-reset', recipientId: account.id, eventKey: link.id, data: { tokenId: link.id } }], now);
    });
  }

  /** Follows a reset link: new password, every earlier token of the account refused, signed in. */
  async resetPassword(token: string, password: string, ip: string): Promise<AuthResponse> {
    return this.setPasswordThroughLink(token, password, ip, 'password_reset');
  }

  /** Accepts an invitation: the invited person chooses their password and arrives signed in. */
  async acceptInvitation(token: string, password: string, ip: string): Promise<AuthResponse> {
    return this.setPasswordThroughLink(token, password, ip, 'invitation');
  }

  /** A signed-in user changes their password; their other tokens stop working. */
  async changePassword(user: AuthUser, currentPassword: string, newPassword: string): Promise<{ accessToken: string }> {
    // a stolen session must not become a way to guess the password
    await this.limiter.enforce(
      `password-change:user:${user.id}`,
      ACCOUNT_RATE_LIMITS.changePerAccount.max,
      ACCOUNT_RATE_LIMITS.changePerAccount.windowSeconds,
      `At most ${ACCOUNT_RATE_LIMITS.changePerAccount.max} password changes an hour, try again later`,
    );
    const hash = await this.users.passwordHashOf(user.id);
    if (hash === null || !(await verifyPassword(currentPassword, hash))) {
      throw new FieldValidationException([{ field: 'currentPassword', messages: ['currentPassword is not your current password'] }]);
    }
    const now = this.clock.now();
    const updated = await this.transactions.run((em) => this.users.setPassword(em, user.id, newPassword, now));
    return { accessToken: await this.accessTokens.sign(updated) };
  }

  /** Logs out this token, or every token of the account. */
  async logout(user: AuthUser, everywhere: boolean): Promise<void> {
    if (everywhere) {
      await this.users.revokeAllTokens(user.id);
      return;
    }
    if (user.session) await this.accountTokens.revokeAccessToken(user.session.tokenId, user.id, user.session.expiresAt);
  }

  private async setPasswordThroughLink(token: string, password: string, ip: string, purpose: 'password_reset' | 'invitation'): Promise<AuthResponse> {
    const what = purpose === 'invitation' ? 'invitations accepted' : 'password resets';
    await this.limiter.enforce(`link:${purpose}:ip:${ip}`, ACCOUNT_RATE_LIMITS.linkPerIp.max, ACCOUNT_RATE_LIMITS.linkPerIp.windowSeconds, `Too many ${what} from this address, try again later`);
    const named = ACCOUNT_TOKEN_PATTERN.test(token) ? await this.accountTokens.find(token, purpose) : null;
    if (named) {
      await this.limiter.enforce(
        `link:${purpose}:user:${named.user_id}`,
        ACCOUNT_RATE_LIMITS.linkPerAccount.max,
        ACCOUNT_RATE_LIMITS.linkPerAccount.windowSeconds,
        `Too many ${what} for this account, try again later`,
      );
    }
    const now = this.clock.now();
    const user = await this.transactions.run(async (em) => {
      const link = await this.spend(em, token, purpose, now);
      const account = await this.users.lockState(em, link.userId);
      if (!account || !account.active || account.erased) throw refusal('inactive');
      if (purpose === 'invitation' && account.hasPassword) throw refusal('used');
      const updated: User = await this.users.setPassword(em, link.userId, password, now);
      await this.accountTokens.spendAll(em, link.userId, purpose, now);
      return updated;
    });
    return this.accessTokens.respond(user);
  }

  /** Marks a presented link used, or refuses it (400 naming `token`). */
  private async spend(em: EntityManager, token: string, purpose: AccountTokenPurpose, now: Date): Promise<{ id: string; userId: string }> {
    const row = ACCOUNT_TOKEN_PATTERN.test(token) ? await this.accountTokens.findForUpdate(em, token, purpose) : null;
    const state = accountTokenState(row, now);
    if (state !== 'valid' || !row) throw refusal(state === 'valid' ? 'unknown' : state);
    await this.accountTokens.spendAll(em, row.user_id, purpose, now);
    return { id: row.id, userId: row.user_id };
  }
}

function refusal(why: keyof typeof REFUSALS): FieldValidationException {
  return new FieldValidationException([{ field: 'token', messages: [REFUSALS[why]] }]);
}
