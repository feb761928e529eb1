import { createHash, createHmac } from 'node:crypto';

/**
 * One-time links (email verification, password reset, invitation). Pure functions, no Nest.
 *
 * A link's token is `HMAC(key, purpose:rowId)` (base64url, 256 bits), the key derived from the
 * app secret. The database stores only the SHA-256 of the token, never the token: whoever
 * reads the tables cannot use a link. The email sender, which must put the token in the email
 * when it finally sends it (jobs and outbox rows carry ids only), rebuilds it from the row id
 * with the key. Changing JWT_SECRET therefore voids every pending link, as it voids every
 * session.
 */

export const ACCOUNT_TOKEN_PURPOSES = ['verify_email', 'password_reset', 'invitation'] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

const HOUR_MS = 3600 * 1000;
/** How long each kind of link works. */
export const ACCOUNT_TOKEN_LIFETIME_MS: { readonly [P in AccountTokenPurpose]: number } = {
  verify_email: 7 * 24 * HOUR_MS,
  password_reset: HOUR_MS,
  invitation: 7 * 24 * HOUR_MS,
};

/** The page of the web app each link opens (`PUBLIC_URL/<path>?token=…`). */
export const ACCOUNT_TOKEN_PAGES: { readonly [P in AccountTokenPurpose]: string } = {
  verify_email: 'verify-email',
  password_reset: 'password/reset',
  invitation: 'invitation',
};

/** 43 base64url characters: what a well-formed token looks like (anything else is refused unread). */
export const ACCOUNT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function accountTokenKey(secret: string): Buffer {
  // a key of its own: a link token is never a session token nor an unsubscribe token
  return createHmac('sha256', secret).update('guichet:account-token:v1').digest();
}

export function accountToken(key: Buffer, purpose: AccountTokenPurpose, id: string): string {
  return createHmac('sha256', key).update(`${purpose}:${id}`).digest('base64url');
}

/** What the database keeps of a token. */
export function accountTokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function accountTokenLink(publicUrl: string, purpose: AccountTokenPurpose, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/${ACCOUNT_TOKEN_PAGES[purpose]}?token=${encodeURIComponent(token)}`;
}

/** Why a token is refused, in words a person understands (the API answers 400 with it). */
export type AccountTokenRefusal = 'unknown' | 'used' | 'expired';

export function accountTokenState(row: { used_at: Date | null; expires_at: Date } | null, now: Date): 'valid' | AccountTokenRefusal {
  if (!row) return 'unknown';
  if (row.used_at !== null) return 'used';
  if (row.expires_at.getTime() <= now.getTime()) return 'expired';
  return 'valid';
}
