/**
 * The staff and admin areas' own navigation (a list of links under the page's header), until the
 * layout carries a staff navigation of its own. Pure.
 */
import type { AuthUser } from '../../../auth/auth-user';

export interface NavLink {
  href: string;
  key: string;
  current: boolean;
}

const STAFF_LINKS = [
  { href: '/staff/cohorts', key: 'admin.nav.cohorts' },
  { href: '/staff/reports', key: 'admin.nav.reports' },
];
const ADMIN_LINKS = [
  { href: '/admin/users', key: 'admin.nav.users' },
  { href: '/admin/programmes', key: 'admin.nav.programmes' },
  { href: '/admin/emails', key: 'admin.nav.emails' },
  { href: '/admin/digests/preview', key: 'admin.nav.digests' },
  { href: '/admin/queues', key: 'admin.nav.queues' },
];

export function staffNav(user: Pick<AuthUser, 'role'>, current: string): NavLink[] {
  const links = user.role === 'admin' ? [...STAFF_LINKS, ...ADMIN_LINKS] : STAFF_LINKS;
  return links.map((l) => ({ ...l, current: l.href === current }));
}
