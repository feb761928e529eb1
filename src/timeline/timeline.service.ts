import { Injectable } from '@nestjs/common';
import { type CaseRef, CaseVisibility, visibleId } from '../common/case-visibility';
import type { AuthUser } from '../auth/auth-user';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { CaseEventRow, CaseEventsRepository } from './case-events.repository';
import { verifyChain } from './event-hash';

export interface TimelineEventView {
  id: string;
  at: string;
  type: string;
  actor: { id: string; role: string } | null;
  public: boolean;
  data: Record<string, unknown>;
}

@Injectable()
export class TimelineService {
  constructor(
    private readonly events: CaseEventsRepository,
    private readonly applications: CaseVisibility,
  ) {}

  /** Every event of a case in order; founders see the public ones only. */
  async list(ref: CaseRef, user: AuthUser, limit = 100, cursor?: string): Promise<Page<TimelineEventView>> {
    const id = await visibleId(this.applications, ref, user);
    const founder = user.role === 'founder';
    const after = decodeCursor(cursor, 1);
    const rows = await this.events.page(id, founder, after ? Number(after[0]) : 0, limit + 1);
    return toPage(rows, limit, (r) => toEventView(r, founder), (r) => [r.seq]);
  }

  /** Re-computes the hash chain of a case (admin). */
  async verify(id: string, user: AuthUser): Promise<{ intact: boolean; events: number; brokenAt?: number }> {
    await this.applications.visible(id, user);
    const rows = await this.events.chain(id);
    const result = verifyChain(
      rows.map((r) => ({
        applicationId: id,
        seq: r.seq,
        at: r.at.toISOString(),
        type: r.type,
        actorId: r.actor_id,
        actorRole: r.actor_role,
        public: r.public,
        data: r.data,
        sealed: r.sealed,
        prevHash: r.prev_hash,
        hash: r.hash,
      })),
    );
    return { intact: result.intact, events: rows.length, ...(result.brokenAt !== undefined ? { brokenAt: result.brokenAt } : {}) };
  }
}

/** Staff-only details never reach a founder even inside a public event. */
const FOUNDER_HIDDEN_KEYS = new Set(['explanation']);

function toEventView(r: CaseEventRow, founder: boolean): TimelineEventView {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(r.data)) if (!(founder && FOUNDER_HIDDEN_KEYS.has(key))) data[key] = value;
  if (r.message_body !== null) data.message = r.message_body;
  if (r.note_body !== null) data.note = r.note_body;
  return {
    id: r.id,
    at: r.at.toISOString(),
    type: r.type,
    actor: r.actor_id && r.actor_role ? { id: r.actor_id, role: r.actor_role } : null,
    public: r.public,
    data,
  };
}
