import { signUnsubscribeToken, TOKEN_LIFETIME_SECONDS, verifyUnsubscribeToken } from './unsubscribe-token';

const SECRET = 'a-secret-of-the-right-length-0123456789';
const NOW = new Date('2026-11-30T07:00:00Z');
const USER = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

describe('unsubscribe tokens', () => {
  it('name the user and the list', () => {
    expect(verifyUnsubscribeToken(SECRET, signUnsubscribeToken(SECRET, USER, NOW), NOW)).toEqual({ ok: true, userId: USER, list: 'weekly-digest' });
  });

  it('refuse a changed payload, a changed signature, another secret, garbage', () => {
    const token = signUnsubscribeToken(SECRET, USER, NOW);
    const [payload, signature] = token.split('.');
    const other = Buffer.from(JSON.stringify({ u: '00000000-0000-4000-8000-000000000000', l: 'weekly-digest', e: 9e9 })).toString('base64url');
    expect(verifyUnsubscribeToken(SECRET, `${other}.${signature}`, NOW)).toEqual({ ok: false, why: 'tampered' });
    expect(verifyUnsubscribeToken(SECRET, `${payload}.${signature.slice(0, -2)}xx`, NOW)).toEqual({ ok: false, why: 'tampered' });
    expect(verifyUnsubscribeToken('another-secret-entirely-0123456789', token, NOW).ok).toBe(false);
    expect(verifyUnsubscribeToken(SECRET, 'garbage', NOW)).toEqual({ ok: false, why: 'malformed' });
    expect(verifyUnsubscribeToken(SECRET, '', NOW)).toEqual({ ok: false, why: 'malformed' });
  });

  it('expire after a year', () => {
    const token = signUnsubscribeToken(SECRET, USER, NOW);
    const later = new Date(NOW.getTime() + (TOKEN_LIFETIME_SECONDS + 1) * 1000);
    expect(verifyUnsubscribeToken(SECRET, token, later)).toEqual({ ok: false, why: 'expired' });
  });
});
