import { addCalendarDays, parisDate } from '../domain/business-calendar';
import { checkTransition, type CaseStatus } from '../domain/case-state-machine';
import { decisionDueAfterPause, decisionDueAt, firstResponseDueAt, serviceLevelState } from '../domain/service-level';
import { DEFAULT_CATALOGUE } from '../routing/default-catalogue';
import { verifyChain } from '../timeline/event-hash';
import { CaseFactory, type CaseBatch, type DemoAdvisor } from './demo-cases';
import { DemoCalendar } from './demo-calendar';
import { generateProfilePool } from './demo-profiles';
import { prng } from './random';

const NOW = new Date('2026-11-18T15:30:00Z');
const TODAY = parisDate(NOW);
const calendar = new DemoCalendar(addCalendarDays(TODAY, -770), addCalendarDays(TODAY, 400));
const programmes = DEFAULT_CATALOGUE.map((p) => ({ ...p, rulesVersion: 1 }));

function generate(cases: number, advisors: DemoAdvisor[]): CaseBatch[] {
  const random = prng(7);
  const factory = new CaseFactory({
    random,
    calendar,
    now: NOW,
    windowStartIdx: calendar.index(addCalendarDays(TODAY, -730)),
    profiles: generateProfilePool(random, 200, programmes),
    programmeKinds: new Map(programmes.map((p) => [p.slug, p.kind])),
    rulesVersionsJson: '{}',
    advisors,
    managers: [{ id: '00000000-0000-4000-8000-000000000001', programmes: programmes.map((p) => p.slug) }],
    adminId: '00000000-0000-4000-8000-000000000002',
    cohorts: [],
    founders: [],
    nextFounderNumber: 1,
    newFounders: Math.ceil(cases / 8),
    cases,
    passwordHash: 'x',
  });
  const batches: CaseBatch[] = [];
  let n = 0;
  while (!factory.done) {
    const years = factory.plan(500);
    batches.push(factory.build(years.map((y) => `GU-${y}-${String(++n).padStart(6, '0')}`)));
  }
  return batches;
}

const advisors = (): DemoAdvisor[] =>
  Array.from({ length: 6 }, (_, i) => ({
    id: `00000000-0000-4000-8000-0000000001${String(i).padStart(2, '0')}`,
    programmes: [programmes[i % 6].slug, programmes[(i + 1) % 6].slug, programmes[(i + 3) % 6].slug],
    languages: ['fr', 'en'],
    capacity: 5,
    load: 0,
    lastAssignedMs: 0,
  }));

describe('demo cases', () => {
  const staff = advisors();
  const batches = generate(1500, staff);
  const apps = batches.flatMap((b) => b.applications.id.map((id, i) => Object.fromEntries(Object.entries(b.applications).map(([k, v]) => [k, v[i]])) as Record<string, unknown> & { id: string }));
  const events = batches.flatMap((b) => b.events.application_id.map((_, i) => Object.fromEntries(Object.entries(b.events).map(([k, v]) => [k, v[i]])) as Record<string, unknown>));
  const byCase = new Map<string, Record<string, unknown>[]>();
  for (const e of events) byCase.set(e.application_id as string, [...(byCase.get(e.application_id as string) ?? []), e]);

  it('has cases in every state', () => {
    const statuses = new Set(apps.map((a) => a.status));
    for (const s of ['draft', 'submitted', 'in_review', 'info_requested', 'accepted', 'referred', 'declined', 'withdrawn']) expect(statuses).toContain(s);
  });

  it('chains every timeline as appendCaseEvent does (verifyChain says intact)', () => {
    for (const a of apps.filter((x) => x.status !== 'draft')) {
      const chain = (byCase.get(a.id) ?? []).map((e) => ({
        applicationId: a.id,
        seq: e.seq as number,
        at: e.at as string,
        type: e.type as string,
        actorId: e.actor_id as string | null,
        actorRole: e.actor_role as string | null,
        public: e.public as boolean,
        data: JSON.parse(e.data as string) as unknown,
        prevHash: e.prev_hash as string | null,
        hash: e.hash as string,
      }));
      expect(chain.length).toBeGreaterThan(0);
      expect(verifyChain(chain)).toEqual({ intact: true });
    }
  });

  it('moves every case only through legal transitions, ending in its status', () => {
    for (const a of apps.filter((x) => x.status !== 'draft')) {
      let status: CaseStatus = 'submitted';
      let last = '';
      for (const e of byCase.get(a.id) ?? []) {
        expect((e.at as string) >= last).toBe(true);
        last = e.at as string;
        if (e.type !== 'status_changed' && e.type !== 'withdrawn') continue;
        const data = JSON.parse(e.data as string) as { from: CaseStatus; to: CaseStatus; programme: string | null; reason: string | null; messageId: string | null };
        expect(data.from).toBe(status);
        const kind = programmes.find((p) => p.slug === data.programme)?.kind ?? null;
        const check = checkTransition({ from: status, to: data.to, actor: e.actor_role as 'founder', programmeKind: kind, reason: data.reason ?? undefined, message: data.messageId ? 'm' : undefined });
        expect(check).toMatchObject({ ok: true });
        status = data.to;
      }
      expect(a.status).toBe(status);
    }
  });

  it('gives the due dates the service-level functions give', () => {
    for (const a of apps.filter((x) => x.status !== 'draft').slice(0, 400)) {
      const submitted = new Date(a.submitted_at as string);
      expect(a.first_response_due_at).toBe(firstResponseDueAt(submitted).toISOString());
      // the decision due date, moved by each finished pause
      let due = decisionDueAt(submitted);
      let pausedAt: Date | null = null;
      for (const e of byCase.get(a.id) ?? []) {
        const data = JSON.parse(e.data as string) as { from?: string; to?: string };
        if (e.type === 'status_changed' && data.to === 'info_requested') pausedAt = new Date(e.at as string);
        if (e.type === 'status_changed' && data.from === 'info_requested' && pausedAt) {
          due = decisionDueAfterPause(due, pausedAt, new Date(e.at as string));
          pausedAt = null;
        }
      }
      expect(a.decision_due_at).toBe(due.toISOString());
    }
  });

  it('never gives an advisor more open cases than their capacity', () => {
    const load = new Map<string, number>();
    for (const a of apps) if (['submitted', 'in_review', 'info_requested'].includes(a.status as string) && a.assignee_id) load.set(a.assignee_id as string, (load.get(a.assignee_id as string) ?? 0) + 1);
    for (const adv of staff) expect(load.get(adv.id) ?? 0).toBeLessThanOrEqual(adv.capacity);
  });

  it('logs an at-risk event exactly when serviceLevelState turns at_risk', () => {
    for (const e of events.filter((x) => x.type === 'sla_at_risk').slice(0, 300)) {
      const { dueAt } = JSON.parse(e.data as string) as { dueAt: string };
      const due = new Date(dueAt);
      const from = calendar.atRiskFrom(due);
      expect(serviceLevelState({ dueAt: due, doneAt: null, now: new Date(from) })).toBe('at_risk');
      expect(serviceLevelState({ dueAt: due, doneAt: null, now: new Date(from - 1) })).toBe('on_track');
      expect(new Date(e.at as string).getTime()).toBeGreaterThanOrEqual(from);
    }
  });
});
