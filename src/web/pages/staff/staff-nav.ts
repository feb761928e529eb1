/**
 * The staff's navigation, under the page's header on every staff and admin page: their workspace's
 * pages, the administration's for admins. Pure: the layout renders it (with the saved views).
 */
export interface NavLink {
  href: string;
  key: string;
  current: boolean;
}

const STAFF_LINKS = [
  { href: '/staff/inbox', key: 'staff.nav.inbox' },
  { href: '/staff/cohorts', key: 'staff.nav.cohorts' },
  { href: '/staff/reports', key: 'staff.nav.reports' },
];
const ADMIN_LINKS = [
  { href: '/admin/users', key: 'staff.nav.users' },
  { href: '/admin/programmes', key: 'staff.nav.programmes' },
  { href: '/admin/emails', key: 'staff.nav.emails' },
  { href: '/admin/digests/preview', key: 'staff.nav.digests' },
  { href: '/admin/queues', key: 'staff.nav.queues' },
  { href: '/admin/webhooks', key: 'staff.nav.webhooks' },
];

/**
 * The links for this role, the one whose area holds `path` marked current (a case page belongs to
 * the inbox); `inboxIsCurrent` false when a saved view is the current page instead.
 */
export function staffNav(user: { role: string }, path: string, inboxIsCurrent = true): NavLink[] {
  const links = user.role === 'admin' ? [...STAFF_LINKS, ...ADMIN_LINKS] : STAFF_LINKS;
  const area = path.startsWith('/staff/cases/') ? '/staff/inbox' : path;
  return links.map((l) => ({ ...l, current: (area === l.href || area.startsWith(`${l.href}/`)) && (l.href !== '/staff/inbox' || inboxIsCurrent) }));
}
