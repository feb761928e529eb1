import type { EntityManager } from 'typeorm';
import type { ApplicationRow } from '../applications/application.view';
import type { AuthUser } from '../auth/auth-user';

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
