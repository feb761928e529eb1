import type { JwtClaims } from './auth-user';
import { VerifiedTokens } from './verified-tokens';

const claims = (exp: number, extra: object = {}): JwtClaims => ({ sub: '00000000-0000-4000-8000-000000000001', role: 'advisor', ver: 0, jti: '00000000-0000-4000-8000-000000000002', exp, ...extra });

describe('VerifiedTokens', () => {
  it('answers a remembered token until the second of its expiry, as jsonwebtoken decides', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('t', claims(1000));
    expect(tokens.get('t', 999_999)?.exp).toBe(1000);
    // jsonwebtoken: expired once floor(now / 1000) >= exp
    expect(tokens.get('t', 1_000_000)).toBeUndefined();
    // and forgotten: a later read does not find it either
    expect(tokens.get('t', 999_999)).toBeUndefined();
  });

  it('knows nothing of a token it was not given', () => {
    expect(new VerifiedTokens().get('unknown', 0)).toBeUndefined();
  });

  it('does not remember a token without an expiry or with a not-before', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('no-exp', { ...claims(1000), exp: undefined });
    tokens.remember('nbf', claims(1000, { nbf: 10 }));
    expect(tokens.get('no-exp', 0)).toBeUndefined();
    expect(tokens.get('nbf', 0)).toBeUndefined();
  });

  it('forgets the oldest token past its capacity', () => {
    const tokens = new VerifiedTokens(2);
    tokens.remember('a', claims(1000));
    tokens.remember('b', claims(1000));
    tokens.remember('c', claims(1000));
    expect(tokens.get('a', 0)).toBeUndefined();
    expect(tokens.get('b', 0)).toBeDefined();
    expect(tokens.get('c', 0)).toBeDefined();
  });
});
