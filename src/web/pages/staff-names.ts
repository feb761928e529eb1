import { Injectable } from '@nestjs/common';
import { StaffDirectory } from '../../users/staff-directory.repository';

/** How long the pages reuse a staff member's name. */
export const STAFF_NAMES_TTL_MS = 10_000;
/** How many staff names the pages remember (an inbox page names up to 25 assignees). */
const NAMES_KEPT = 5_000;

/**
 * Staff names for the pages, each read at most once per STAFF_NAMES_TTL_MS per process. A page
 * never lists the whole staff (ten thousand advisors at a large campus): a colleague is named by
 * email in the forms (StaffDirectory.byEmail) and shown by name.
 */
@Injectable()
export class StaffNamesService {
  private readonly names = new Map<string, { at: number; name: string | null }>();

  constructor(private readonly directory: StaffDirectory) {}

  /**
   * The names of these staff members, as StaffDirectory.namesOf, each read at most once per
   * STAFF_NAMES_TTL_MS per process: the inbox names the same assignees page after page, and
   * reading them cost the page a round trip to PostgreSQL after its list (a renamed or erased
   * account shows its new name within the TTL). Only the ids not remembered are read; an id that
   * is no staff account (a founder in a case's timeline) is remembered as such, or every case
   * page would read it again.
   */
  async namesOf(ids: readonly string[]): Promise<Map<string, string>> {
    const now = Date.now();
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const kept = this.names.get(id);
      if (kept && now - kept.at <= STAFF_NAMES_TTL_MS) {
        if (kept.name !== null) out.set(id, kept.name);
      } else missing.push(id);
    }
    if (missing.length === 0) return out;
    const read = await this.directory.namesOf(missing);
    if (this.names.size + missing.length > NAMES_KEPT) this.names.clear();
    for (const id of missing) {
      const name = read.get(id) ?? null;
      this.names.set(id, { at: now, name });
      if (name !== null) out.set(id, name);
    }
    return out;
  }
}
