/**
 * What the staff pages say about a case, from the API's views (pure): the inbox row's
 * service-level badge, the moves offered on the case page (from the state machine), the
 * timeline in words. No Nest import.
 */
import type { ApplicationListItem } from '../../applications/application.view';
import { allowedTransitions, isOpen, type Actor, type CaseStatus, type ProgrammeKind } from '../../domain/case-state-machine';
import type { ServiceLevelState } from '../../domain/service-level';
import type { TimelineEventView } from '../../timeline/timeline.service';
import type { ProgrammeNames } from './application-presenter';

export type Clock = 'firstResponse' | 'decision';

export interface ServiceLevelBadge {
  clock: Clock;
  state: ServiceLevelState;
  dueAt: string | null;
}

const SEVERITY: Readonly<Record<ServiceLevelState, number>> = { breached: 4, missed: 3, at_risk: 2, on_track: 1, met: 0 };

type BadgeInput = Pick<ApplicationListItem, 'status' | 'serviceLevels' | 'firstResponseDueAt' | 'decisionDueAt'>;

/**
 * The one service level an inbox row shows: of the clocks still running (the first response while
 * it is not given, the decision while the case is open), the one in the worse state, the earlier
 * due on a tie; once the case is closed, how its decision clock ended (met or missed).
 */
export function inboxBadge(app: BadgeInput): ServiceLevelBadge | null {
  const levels = app.serviceLevels;
  if (!levels) return null;
  const running: ServiceLevelBadge[] = [];
  if (app.status === 'submitted' && (levels.firstResponse === 'on_track' || levels.firstResponse === 'at_risk' || levels.firstResponse === 'breached')) {
    running.push({ clock: 'firstResponse', state: levels.firstResponse, dueAt: app.firstResponseDueAt });
  }
  if (isOpen(app.status)) running.push({ clock: 'decision', state: levels.decision, dueAt: app.decisionDueAt });
  if (running.length === 0) return { clock: 'decision', state: levels.decision, dueAt: app.decisionDueAt };
  return running.reduce((worst, badge) => {
    const by = SEVERITY[badge.state] - SEVERITY[worst.state];
    if (by !== 0) return by > 0 ? badge : worst;
    return (badge.dueAt ?? '') < (worst.dueAt ?? '') ? badge : worst;
  });
}

export interface MoveOffer {
  to: CaseStatus;
  /** the programme select, filtered by kind, for accepted (internal) and referred (external) */
  programmeKind: ProgrammeKind | null;
  needsReason: boolean;
  /** the reason field is offered (optional) even where the move does not need one */
  offersReason: boolean;
  needsMessage: boolean;
}

/**
 * The moves the state machine allows this role from the case's status, each with the fields it
 * needs (the same rules as `checkTransition`; the founder's and the system's moves are never staff's).
 */
export function movesFor(status: CaseStatus, role: Actor): MoveOffer[] {
  return allowedTransitions(status, role)
    .filter((m) => m.kind !== 'submit' && m.kind !== 'withdraw')
    .map(({ to, kind }) => ({
      to,
      programmeKind: to === 'accepted' ? 'internal' : to === 'referred' ? 'external' : null,
      needsReason: to === 'declined' || kind === 'reopen',
      offersReason: to === 'accepted' || to === 'referred',
      needsMessage: to === 'info_requested',
    }));
}

export interface StaffTimelineItem {
  at: string;
  /** catalogue key of what happened, and its parameters */
  key: string;
  params: Record<string, string>;
  who: string | null;
  internal: boolean;
  detail: string | null;
}

/** Every event of the case as staff read it: who (by name when known), what, and its text. */
export function staffTimelineItem(event: TimelineEventView, people: ReadonlyMap<string, string>, names: ProgrammeNames): StaffTimelineItem {
  const data = event.data;
  const text = (key: string): string | null => (typeof data[key] === 'string' && data[key] !== '' ? (data[key] as string) : null);
  const who = event.actor === null ? null : (people.get(event.actor.id) ?? null);
  const base = { at: event.at, who, internal: !event.public };
  if (event.type === 'status_changed') {
    const to = String(data.to ?? '');
    const programme = text('programme');
    return { ...base, key: `staff.timeline.status.${to}`, params: { programme: programme ? (names.get(programme) ?? programme) : '' }, detail: text('reason') ?? text('message') };
  }
  if (event.type === 'assigned') {
    const to = text('assigneeId') ?? text('to');
    return { ...base, key: to ? 'staff.timeline.assigned' : 'staff.timeline.unassigned', params: { name: to ? (people.get(to) ?? '') : '' }, detail: null };
  }
  if (event.type === 'message_posted') return { ...base, key: 'staff.timeline.message_posted', params: {}, detail: text('message') };
  if (event.type === 'note_added') return { ...base, key: 'staff.timeline.note_added', params: {}, detail: text('note') };
  if (event.type === 'withdrawn') return { ...base, key: 'staff.timeline.withdrawn', params: {}, detail: text('reason') };
  return { ...base, key: `staff.timeline.${KNOWN_EVENTS.has(event.type) ? event.type : 'other'}`, params: {}, detail: null };
}

const KNOWN_EVENTS = new Set(['submitted', 'application_updated', 'enrolled', 'unenrolled', 'auto_assign_attempted', 'sla_at_risk', 'sla_breached', 'document_added', 'document_removed']);
