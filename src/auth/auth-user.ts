import type { Locale, Role } from '../users/user.entity';

/** Who is calling, as the guards put it on the request. */
export interface AuthUser {
  id: string;
  role: Role;
  email: string;
  fullName: string;
  locale: Locale;
  programmes: string[];
}

export interface JwtClaims {
  sub: string;
  role: Role;
}
