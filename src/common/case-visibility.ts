import type { EntityManager } from 'typeorm';
import type { ApplicationRow } from '../applications/application.view';
import type { AuthUser } from '../auth/auth-user';

/**
 * A case that `ApplicationsService.seen` found its viewer may see, earlier in the same request: a page
 * that shows many parts of one case (the staff's case page) checks once and hands this to each
 * part's service, which then reads its part without checking again (each check was a query).
 */
export interface SeenCase {
  readonly row: ApplicationRow;
  readonly viewer: Pick<AuthUser, 'id' | 'role'>;
}

/** A case named by id (checked where it is read) or already seen by this user. */
export type CaseRef = string | SeenCase;

/**
 * Who may see a case, for the folders below `applications` that serve a case's parts (its
 * timeline, its documents): a founder their own applications, staff every submitted one.
 * `ApplicationsModule` provides it (it is the rule's home); the lower folders inject this token
 * instead of importing the applications service, so that the folders keep one direction.
 */
export abstract class CaseVisibility {
  /**
   * The case's row when `user` may see it, else 404, read through the caller's transaction;
   * `lock` takes the row FOR NO KEY UPDATE (the lock every case write takes).
   */
  abstract findVisible(em: EntityManager, id: string, user: AuthUser, lock?: boolean): Promise<ApplicationRow>;
  /** The same, read outside any transaction (a page of the case's parts). */
  abstract visible(id: string, user: AuthUser): Promise<ApplicationRow>;
}

/** `row`, which `user` was found to see, as the proof the parts' services accept. */
export function seenBy(row: ApplicationRow, user: Pick<AuthUser, 'id' | 'role'>): SeenCase {
  return { row, viewer: { id: user.id, role: user.role } };
}

/**
 * The row of a case `user` may see: a SeenCase of this user's is taken as it is, anything else
 * is checked through `visibility` (404 when they may not see it).
 */
export async function visibleRow(visibility: Pick<CaseVisibility, 'visible'>, ref: CaseRef, user: AuthUser): Promise<ApplicationRow> {
  if (typeof ref !== 'string' && ref.viewer.id === user.id && ref.viewer.role === user.role) return ref.row;
  return visibility.visible(typeof ref === 'string' ? ref : ref.row.id, user);
}

/** The id of a case `user` may see, as visibleRow. */
export async function visibleId(visibility: Pick<CaseVisibility, 'visible'>, ref: CaseRef, user: AuthUser): Promise<string> {
  return (await visibleRow(visibility, ref, user)).id;
}
