import { Injectable } from '@nestjs/common';
import { StaffDirectory, type StaffMember } from '../../users/staff-directory.repository';

/** How long the pages reuse the list of people a case can be given to. */
export const STAFF_LIST_TTL_MS = 10_000;
/** How many staff names the pages remember (an inbox page names up to 25 assignees). */
const NAMES_KEPT = 5_000;

/**
 * The people a case can be given to (active advisors and managers), read at most once per
 * STAFF_LIST_TTL_MS per process: the inbox's assignee filter and the case page's "give it" select
 * show it on every page, and it changes when an admin edits an account, not between two clicks.
 * Assignment itself re-checks the account (active, capacity) in its transaction.
 */
@Injectable()
export class StaffNamesService {
  private cached: { at: number; list: Promise<StaffMember[]> } | null = null;
  private readonly names = new Map<string, { at: number; name: string }>();

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

  /**
   * The names of these staff members, as StaffDirectory.namesOf, each read at most once per
   * STAFF_LIST_TTL_MS per process: the inbox names the same assignees page after page, and
   * reading them cost the page a round trip to PostgreSQL after its list (a renamed or erased
   * account shows its new name within the TTL). Only the ids not remembered are read.
   */
  async namesOf(ids: readonly string[]): Promise<Map<string, string>> {
    const now = Date.now();
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const kept = this.names.get(id);
      if (kept && now - kept.at <= STAFF_LIST_TTL_MS) out.set(id, kept.name);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const read = await this.directory.namesOf(missing);
    if (this.names.size + read.size > NAMES_KEPT) this.names.clear();
    for (const [id, name] of read) {
      this.names.set(id, { at: now, name });
      out.set(id, name);
    }
    return out;
  }
}
