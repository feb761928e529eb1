import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../database/prepared-query';
import type { Role } from '../users/user.entity';
import { IS_PUBLIC, ROLES_KEY } from './auth.decorators';
import type { AuthUser, JwtClaims } from './auth-user';
import { addToLogContext } from '../common/logging/log-context';

/**
 * Global guard: every route needs a valid bearer token unless marked @Public(), and a role
 * listed by @Roles() when it has one. The account is re-read on each request so that a
 * deactivated or erased account stops working at once, not when its token expires.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header) : null;
    if (!match) throw new UnauthorizedException('Missing or malformed bearer token');
    let claims: JwtClaims;
    try {
      claims = await this.jwt.verifyAsync<JwtClaims>(match[1]);
    } catch {
      throw new UnauthorizedException('Invalid or expired token');
    }
    if (typeof claims.sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(claims.sub)) throw new UnauthorizedException('Invalid or expired token');
    const rows = await preparedQuery<{ id: string; role: Role; email: string; full_name: string; locale: 'fr' | 'en'; programmes: string[] }>(
      this.dataSource,
      'SELECT id, role, email, full_name, locale, programmes FROM users WHERE id = $1 AND active AND erased_at IS NULL',
      [claims.sub],
    );
    const row = rows[0];
    if (!row) throw new UnauthorizedException('Invalid or expired token');
    addToLogContext({ userId: row.id });
    request.user = { id: row.id, role: row.role, email: row.email, fullName: row.full_name, locale: row.locale, programmes: row.programmes };

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(row.role)) throw new ForbiddenException(`This action is not available to the ${row.role} role`);
    return true;
  }
}
