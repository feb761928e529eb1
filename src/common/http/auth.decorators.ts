import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '../../domain/roles';
import type { AuthUser } from '../../auth/auth-user';

export const IS_PUBLIC = 'guichet:public';
export const ROLES_KEY = 'guichet:roles';
export const EVERY_ACCOUNT = 'guichet:every-account';

/** The route needs no token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Only these roles may ever call the route (403 for the others). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/**
 * The route serves every signed-in account, outside people (`expert`, `partner`) included: one's
 * own profile, preferences, password, logout. A route with neither this nor @Roles() serves
 * founders and staff only; outside people get 404 there, as for anything not given to them.
 */
export const EveryAccount = (): MethodDecorator & ClassDecorator => SetMetadata(EVERY_ACCOUNT, true);

/** The staff roles and the campus's own people (founders and staff), from `src/domain/roles.ts`. */
export { STAFF_ROLES as STAFF, INSIDE_ROLES } from '../../domain/roles';

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<{ user: AuthUser }>().user;
});
