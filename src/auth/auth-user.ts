import type { Locale, Role } from '../users/user.entity';

/** Who is calling, as the guards put it on the request. */
export interface AuthUser {
  id: string;
  role: Role;
  email: string;
  fullName: string;
  locale: Locale;
  programmes: string[];
  /** founders may submit only once their address is verified */
  emailVerified: boolean;
  /** the access token of this request (absent for callers not signed in with a bearer token) */
  session?: { tokenId: string; expiresAt: Date };
}

/**
 * An access token's claims. `ver` is the account's `token_version` when the token was issued:
 * the guard refuses a token whose version is not the account's current one. `jti` names the
 * token so that it alone can be logged out.
 */
export interface JwtClaims {
  sub: string;
  role: Role;
  ver: number;
  jti: string;
  /** set by the signer (seconds since the epoch) */
  exp?: number;
}
