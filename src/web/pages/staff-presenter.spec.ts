import { CASE_STATUSES, checkTransition, type Actor } from '../../domain/case-state-machine';
import { inboxBadge, movesFor, staffTimelineItem } from './staff-presenter';

const DUE_FIRST = '2026-12-07T22:59:59.999Z';
const DUE_DECISION = '2027-01-15T22:59:59.999Z';

describe('inboxBadge', () => {
  const row = (status: string, firstResponse: string, decision: string) =>
    ({ status, serviceLevels: { firstResponse, decision }, firstResponseDueAt: DUE_FIRST, decisionDueAt: DUE_DECISION }) as Parameters<typeof inboxBadge>[0];

  it('shows the worse running clock: the first response while it is not given', () => {
    expect(inboxBadge(row('submitted', 'at_risk', 'on_track'))).toEqual({ clock: 'firstResponse', state: 'at_risk', dueAt: DUE_FIRST });
    expect(inboxBadge(row('submitted', 'on_track', 'breached'))).toEqual({ clock: 'decision', state: 'breached', dueAt: DUE_DECISION });
  });

  it('on a tie, the clock due first', () => {
    expect(inboxBadge(row('submitted', 'on_track', 'on_track'))?.clock).toBe('firstResponse');
  });

  it('once the first response is given, the decision clock', () => {
    expect(inboxBadge(row('in_review', 'met', 'at_risk'))).toEqual({ clock: 'decision', state: 'at_risk', dueAt: DUE_DECISION });
    expect(inboxBadge(row('submitted', 'missed', 'on_track'))).toEqual({ clock: 'decision', state: 'on_track', dueAt: DUE_DECISION });
  });

  it('a closed case: how its decision clock ended; a draft: nothing', () => {
    expect(inboxBadge(row('accepted', 'met', 'missed'))).toEqual({ clock: 'decision', state: 'missed', dueAt: DUE_DECISION });
    expect(inboxBadge({ status: 'draft', serviceLevels: null, firstResponseDueAt: null, decisionDueAt: null })).toBeNull();
  });
});

describe('movesFor', () => {
  it('offers exactly the moves the state machine allows staff, never a founder’s', () => {
    for (const role of ['advisor', 'programme_manager', 'admin'] as Actor[]) {
      for (const from of CASE_STATUSES) {
        const offered = movesFor(from, role).map((m) => m.to);
        const legal = CASE_STATUSES.filter((to) => to !== 'withdrawn' && to !== 'submitted' && checkTransition({ from, to, actor: role, programmeKind: to === 'accepted' ? 'internal' : 'external', reason: 'r', message: 'm' }).ok);
        expect({ role, from, offered }).toEqual({ role, from, offered: legal });
      }
    }
  });

  it('says which fields each move needs', () => {
    const moves = Object.fromEntries(movesFor('in_review', 'advisor').map((m) => [m.to, m]));
    expect(moves.accepted).toMatchObject({ programmeKind: 'internal', needsReason: false, offersReason: true });
    expect(moves.referred).toMatchObject({ programmeKind: 'external' });
    expect(moves.declined).toMatchObject({ programmeKind: null, needsReason: true });
    expect(moves.info_requested).toMatchObject({ needsMessage: true });
    expect(movesFor('declined', 'advisor')).toEqual([]);
    expect(movesFor('declined', 'programme_manager')).toEqual([{ to: 'in_review', programmeKind: null, needsReason: true, offersReason: false, needsMessage: false }]);
  });
});

describe('staffTimelineItem', () => {
  const people = new Map([
    ['u1', 'Claire Martin'],
    ['u2', 'Paul Durand'],
  ]);
  const names = new Map([['poc-funding', 'Financement de preuve de concept']]);
  const event = (type: string, data: Record<string, unknown>, actor: { id: string; role: string } | null = { id: 'u1', role: 'advisor' }, isPublic = true) => ({ id: 'e', at: '2026-12-01T10:00:00.000Z', type, actor, public: isPublic, data });

  it('names the programme of a decision, who made it, and its reason', () => {
    expect(staffTimelineItem(event('status_changed', { to: 'accepted', programme: 'poc-funding', reason: 'Solide' }), people, names)).toEqual({
      at: '2026-12-01T10:00:00.000Z',
      key: 'staff.timeline.status.accepted',
      params: { programme: 'Financement de preuve de concept' },
      who: 'Claire Martin',
      internal: false,
      detail: 'Solide',
    });
  });

  it('names whom a case was assigned to, marks internal events, and keeps an unknown type readable', () => {
    expect(staffTimelineItem(event('assigned', { from: null, to: 'u2' }, { id: 'u1', role: 'advisor' }, false), people, names)).toMatchObject({ key: 'staff.timeline.assigned', params: { name: 'Paul Durand' }, internal: true });
    expect(staffTimelineItem(event('note_added', { note: 'Interne' }, null, false), people, names)).toMatchObject({ key: 'staff.timeline.note_added', who: null, detail: 'Interne' });
    expect(staffTimelineItem(event('something_new', {}), people, names).key).toBe('staff.timeline.other');
  });
});
