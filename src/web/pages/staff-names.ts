import { Injectable } from '@nestjs/common';
import { StaffDirectory, type StaffMember } from '../../users/staff-directory.repository';

/** How long the pages reuse the list of people a case can be given to. */
export const STAFF_LIST_TTL_MS = 10_000;

/**
 * The people a case can be given to (active advisors and managers), read at most once per
 * STAFF_LIST_TTL_MS per process: the inbox's assignee filter and the case page's "give it" select
 * show it on every page, and it changes when an admin edits an account, not between two clicks.
 * Assignment itself re-checks the account (active, capacity) in its transaction.
 */
@Injectable()
export class StaffNamesService {
  private cached: { at: number; list: Promise<StaffMember[]> } | null = null;

  constructor(private readonly directory: StaffDirectory) {}

  assignable(): Promise<StaffMember[]> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > STAFF_LIST_TTL_MS) {
      const list = this.directory.assignable();
      this.cached = { at: now, list };
      list.catch(() => {
        this.cached = null;
      });
    }
    return this.cached.list;
  }
}
