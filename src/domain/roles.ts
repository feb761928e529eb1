/**
 * The roles of an account, defined once. `expert` and `partner` accounts come by invitation:
 * outside reviewers and partner organisations' contacts.
 */
export const ROLES = ['founder', 'advisor', 'programme_manager', 'admin', 'expert', 'partner'] as const;
export type Role = (typeof ROLES)[number];

/** The campus's staff: they work the cases. */
export const STAFF_ROLES = ['advisor', 'programme_manager', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

/** The campus's own people (founders and staff): what a route without `@Roles()` serves. */
export const INSIDE_ROLES = ['founder', ...STAFF_ROLES] as const satisfies readonly Role[];

export function isStaffRole(role: string): role is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(role);
}
