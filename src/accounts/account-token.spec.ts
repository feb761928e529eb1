import { accountToken, accountTokenHash, accountTokenKey, accountTokenLink, accountTokenState, ACCOUNT_TOKEN_PATTERN } from './account-token';

describe('account link tokens', () => {
  const key = accountTokenKey('a secret long enough for the tests 0123');
  const id = '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b';

  it('are 256-bit, URL-safe, stable for one row and purpose, and differ across rows, purposes and secrets', () => {
    const token = accountToken(key, 'password_reset', id);
    expect(token).toMatch(ACCOUNT_TOKEN_PATTERN);
    expect(accountToken(key, 'password_reset', id)).toBe(token);
    expect(accountToken(key, 'verify_email', id)).not.toBe(token);
    expect(accountToken(key, 'password_reset', '0b7e4d21-95c3-4a8f-b6e2-7d1f0c9a3e54')).not.toBe(token);
    expect(accountToken(accountTokenKey('another secret long enough 0123456789'), 'password_reset', id)).not.toBe(token);
  });

  it('are stored as a 32-byte hash that does not contain the token', () => {
    const token = accountToken(key, 'invitation', id);
    const hash = accountTokenHash(token);
    expect(hash).toHaveLength(32);
    expect(hash.toString('base64url')).not.toBe(token);
  });

  it('link to the web page of their purpose', () => {
    expect(accountTokenLink('https://guichet.test/', 'verify_email', 'abc')).toBe('https://guichet.test/verify-email?token=abc');
    expect(accountTokenLink('https://guichet.test', 'password_reset', 'abc')).toBe('https://guichet.test/password/reset?token=abc');
    expect(accountTokenLink('https://guichet.test', 'invitation', 'abc')).toBe('https://guichet.test/invitation?token=abc');
  });

  it('are valid until used or expired, the expiry instant excluded', () => {
    const expiresAt = new Date('2026-12-01T10:00:00Z');
    expect(accountTokenState(null, expiresAt)).toBe('unknown');
    expect(accountTokenState({ used_at: null, expires_at: expiresAt }, new Date('2026-12-01T09:59:59.999Z'))).toBe('valid');
    expect(accountTokenState({ used_at: null, expires_at: expiresAt }, expiresAt)).toBe('expired');
    expect(accountTokenState({ used_at: new Date('2026-12-01T09:00:00Z'), expires_at: expiresAt }, new Date('2026-12-01T09:30:00Z'))).toBe('used');
  });
});
