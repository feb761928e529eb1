import { CanActivate, ExecutionContext, ForbiddenException, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import type { Role } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { EVERY_ACCOUNT, INSIDE_ROLES, IS_PUBLIC, ROLES_KEY } from '../common/http/auth.decorators';
import type { AuthUser, JwtClaims } from './auth-user';
import { VerifiedTokens } from './verified-tokens';
import { addToLogContext } from '../common/logging/log-context';

/**
 * Global guard: every route needs a valid bearer token unless marked @Public(), and a role
 * listed by @Roles() when it has one. A route without @Roles() serves founders and staff; outside
 * people (experts, partners) reach only the routes that name them or are marked @EveryAccount(),
 * and get 404 elsewhere: they see what they are given and learn nothing of the rest. The account is re-read on each request so that a
 * deactivated or erased account stops working at once, not when its token expires; so does a
 * token issued before the account's last password change, reset, logout everywhere or
 * deactivation (its version is behind), and a token logged out alone (its `jti` is revoked).
 */
/** `users.token_version` is an integer column: a larger claim names no version and must not reach the query */
const MAX_TOKEN_VERSION = 2 ** 31 - 1;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class AuthGuard implements CanActivate {
  /** tokens whose signature was checked already: see verified-tokens.ts */
  private readonly verified = new VerifiedTokens();

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly accounts: UsersRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header) : null;
    if (!match) throw new UnauthorizedException('Missing or malformed bearer token');
    const claims = this.verified.get(match[1], Date.now()) ?? (await this.verify(match[1]));
    // one round trip, as before revocation existed: the account, its token version and the
    // token's own logout are checked in the same statement
    const row = await this.accounts.sessionAccount(claims.sub, claims.ver, claims.jti);
    if (!row) throw new UnauthorizedException('Invalid or expired token');
    addToLogContext({ userId: row.id });
    request.user = {
      id: row.id,
      role: row.role,
      email: row.email,
      fullName: row.full_name,
      locale: row.locale,
      programmes: row.programmes,
      emailVerified: row.email_verified,
      session: { tokenId: claims.jti, expiresAt: new Date(claims.exp * 1000) },
    };

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(row.role)) {
      if (!(INSIDE_ROLES as readonly Role[]).includes(row.role)) throw new NotFoundException('Not found');
      throw new ForbiddenException(`This action is not available to the ${row.role} role`);
    }
    if (!roles && !(INSIDE_ROLES as readonly Role[]).includes(row.role) && !this.reflector.getAllAndOverride<boolean>(EVERY_ACCOUNT, targets)) throw new NotFoundException('Not found');
    return true;
  }

  /** The token's claims once its signature, expiry and claims are checked (then remembered: see verified-tokens.ts). */
  private async verify(token: string): Promise<JwtClaims & { exp: number }> {
    let claims: JwtClaims;
    try {
      claims = await this.jwt.verifyAsync<JwtClaims>(token);
    } catch {
      throw new UnauthorizedException('Invalid or expired token');
    }
    if (typeof claims.sub !== 'string' || !UUID.test(claims.sub)) throw new UnauthorizedException('Invalid or expired token');
    // tokens without a version or an id predate revocation: they cannot be revoked, so they are refused
    if (!Number.isInteger(claims.ver) || claims.ver < 0 || claims.ver > MAX_TOKEN_VERSION || typeof claims.jti !== 'string' || !UUID.test(claims.jti) || typeof claims.exp !== 'number') {
      throw new UnauthorizedException('Invalid or expired token');
    }
    const checked = claims as JwtClaims & { exp: number };
    this.verified.remember(token, checked);
    return checked;
  }
}
