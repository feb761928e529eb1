import { createHmac, timingSafeEqual } from 'node:crypto';

export const DIGEST_LIST = 'weekly-digest';
/** An unsubscribe link keeps working for a year: people click old emails. */
export const TOKEN_LIFETIME_SECONDS = 365 * 24 * 3600;

interface Claims {
  /** user id */
  u: string;
  /** list */
  l: string;
  /** expiry, seconds since epoch */
  e: number;
}

function key(secret: string): Buffer {
  // a key of its own, derived from the app secret: an unsubscribe token is never a login token
  return createHmac('sha256', secret).update('guichet:unsubscribe:v1').digest();
}

export function signUnsubscribeToken(secret: string, userId: string, now: Date, list = DIGEST_LIST): string {
  const payload = Buffer.from(JSON.stringify({ u: userId, l: list, e: Math.floor(now.getTime() / 1000) + TOKEN_LIFETIME_SECONDS } satisfies Claims)).toString('base64url');
  const signature = createHmac('sha256', key(secret)).update(payload).digest('base64url');
  return `${payload}.${signature}`;
}

/** The user and list a token names, or why it is refused. */
export function verifyUnsubscribeToken(secret: string, token: string, now: Date): { ok: true; userId: string; list: string } | { ok: false; why: 'malformed' | 'tampered' | 'expired' } {
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[\w-]+$/.test(parts[0]) || !/^[\w-]+$/.test(parts[1])) return { ok: false, why: 'malformed' };
  const expected = createHmac('sha256', key(secret)).update(parts[0]).digest();
  const given = Buffer.from(parts[1], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'tampered' };
  let claims: Claims;
  try {
    claims = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Claims;
  } catch {
    return { ok: false, why: 'malformed' };
  }
  if (typeof claims.u !== 'string' || typeof claims.l !== 'string' || typeof claims.e !== 'number') return { ok: false, why: 'malformed' };
  if (claims.e * 1000 < now.getTime()) return { ok: false, why: 'expired' };
  return { ok: true, userId: claims.u, list: claims.l };
}
