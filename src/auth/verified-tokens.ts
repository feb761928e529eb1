import type { JwtClaims } from './auth-user';

/**
 * The claims of access tokens whose signature has been checked, so that a token is verified
 * once and not on every request (HMAC and the token's two JSON parts cost about 4 % of a staff
 * inbox request). Only the signature is remembered: the expiry is checked again on every read,
 * as jsonwebtoken checks it, and the account, its token version and the token's own logout are
 * still read on every request (see auth.guard.ts). Bounded: past `capacity` tokens, the oldest
 * remembered is forgotten (and verified again if it comes back).
 */
export class VerifiedTokens {
  private readonly claims = new Map<string, JwtClaims & { exp: number }>();

  constructor(private readonly capacity = 10_000) {}

  /** The token's claims when it was verified before and has not expired since (jsonwebtoken's rule: expired once the current second reaches `exp`). */
  get(token: string, nowMs: number): (JwtClaims & { exp: number }) | undefined {
    const claims = this.claims.get(token);
    if (claims === undefined) return undefined;
    if (Math.floor(nowMs / 1000) >= claims.exp) {
      this.claims.delete(token);
      return undefined;
    }
    return claims;
  }

  /** Remembers a token whose signature and claims have just been checked; one without an expiry, or with a not-before, is not remembered. */
  remember(token: string, claims: JwtClaims): void {
    if (typeof claims.exp !== 'number' || 'nbf' in claims) return;
    if (this.claims.size >= this.capacity) this.claims.delete(this.claims.keys().next().value as string);
    this.claims.set(token, claims as JwtClaims & { exp: number });
  }
}
