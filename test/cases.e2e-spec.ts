import { auth } from './support/cases';
import { COMPLETE_APPLICATION, HHSF_PROFILE } from './support/fixtures';
import { ADMIN, createStaff, createTestApp, login, registerFounder, TestApp } from './support/test-app';

/**
 * The advisors' case workflow over HTTP (issue 4): the state machine with its status codes and
 * role checks, optimistic concurrency, capacity-aware assignment that explains itself, notes and
 * messages, what founders may see of the timeline, service-level clocks and the pause, and the
 * hash-chained, append-only timeline.
 */

const API = '/api/v1';
type Person = { token: string; id: string; email: string };
type Res = { status: number; body: any };

const STATES = ['submitted', 'in_review', 'info_requested', 'accepted', 'referred', 'declined', 'withdrawn'] as const;
type State = (typeof STATES)[number];
const TARGETS = ['draft', 'submitted', 'in_review', 'info_requested', 'accepted', 'referred', 'declined', 'withdrawn'] as const;
type Target = (typeof TARGETS)[number];

/** Everything each target could need, so that only the state and the role decide. */
const FULL_INPUT: Record<Target, Record<string, string>> = {
  draft: {},
  submitted: {},
  in_review: { reason: 'Second look after new evidence' },
  info_requested: { message: 'Could you send your latest results?' },
  accepted: { programme: 'poc-funding' },
  referred: { programme: 'external-incubator' },
  declined: { reason: 'Outside the campus scope' },
  withdrawn: { reason: 'staff cannot withdraw' },
};

/**
 * What an advisor gets for each move, given every input it may need (the contract's "States"):
 * a decision is only taken from in_review, so a submitted case is first taken into review.
 */
const ADVISOR: Record<State, Record<Target, number>> = {
  submitted: { draft: 422, submitted: 403, in_review: 200, info_requested: 200, accepted: 422, referred: 422, declined: 422, withdrawn: 403 },
  in_review: { draft: 422, submitted: 403, in_review: 422, info_requested: 200, accepted: 200, referred: 200, declined: 200, withdrawn: 403 },
  info_requested: { draft: 422, submitted: 403, in_review: 200, info_requested: 422, accepted: 422, referred: 422, declined: 422, withdrawn: 403 },
  accepted: { draft: 422, submitted: 403, in_review: 403, info_requested: 422, accepted: 422, referred: 422, declined: 422, withdrawn: 403 },
  referred: { draft: 422, submitted: 403, in_review: 403, info_requested: 422, accepted: 422, referred: 422, declined: 422, withdrawn: 403 },
  declined: { draft: 422, submitted: 403, in_review: 403, info_requested: 422, accepted: 422, referred: 422, declined: 422, withdrawn: 403 },
  withdrawn: { draft: 422, submitted: 403, in_review: 422, info_requested: 422, accepted: 422, referred: 422, declined: 422, withdrawn: 403 },
};
/** Programme managers and admins may also reopen a decision. */
const MANAGER: Record<State, Record<Target, number>> = {
  ...ADVISOR,
  accepted: { ...ADVISOR.accepted, in_review: 200 },
  referred: { ...ADVISOR.referred, in_review: 200 },
  declined: { ...ADVISOR.declined, in_review: 200 },
};


describe('case workflow', () => {
  let t: TestApp;
  let adminToken: string;
  let advisor: Person; // covers no programme: never auto-assigned in this file
  let advisor2: Person;
  let manager: Person;
  let founderFr: Person;
  let founderEn: Person;

  beforeAll(async () => {
    // Tuesday 27 April 2027, 10:00 in Paris. The API role only: no background worker, so the
    // periodic reminders scan cannot append service-level events between exact timeline checks.
    t = await createTestApp({ now: '2027-04-27T08:00:00Z', env: { APP_ROLE: 'api' } });
    adminToken = await login(t.http, ADMIN.email, ADMIN.password);
    [advisor, advisor2, manager, founderFr, founderEn] = await Promise.all([
      createStaff(t.http, adminToken, { role: 'advisor', fullName: 'Arthur Advisor' }),
      createStaff(t.http, adminToken, { role: 'advisor', fullName: 'Agnès Advisor' }),
      createStaff(t.http, adminToken, { role: 'programme_manager', fullName: 'Pauline Manager', programmes: ['poc-funding'] }),
      registerFounder(t.http, { locale: 'fr' }),
      registerFounder(t.http, { locale: 'en' }),
    ]);
  });
  afterAll(() => t.close());

  // --- helpers -----------------------------------------------------------------------------

  async function get(id: string, token = adminToken): Promise<any> {
    return (await t.http.get(`${API}/applications/${id}`).set(...auth(token)).expect(200)).body;
  }

  async function submit(founder: Person = founderFr, overrides: Record<string, unknown> = {}): Promise<{ id: string; version: number; founder: Person; body: any }> {
    const draft = await t.http.post(`${API}/applications`).set(...auth(founder.token)).send({ ...COMPLETE_APPLICATION, ...overrides }).expect(201);
    const res = await t.http.post(`${API}/applications/${draft.body.id}/submit`).set(...auth(founder.token)).send({}).expect(200);
    return { id: res.body.id, version: res.body.version, founder, body: res.body };
  }

  function transition(id: string, token: string, body: Record<string, unknown>): Promise<Res> {
    return t.http.post(`${API}/applications/${id}/transitions`).set(...auth(token)).send(body) as unknown as Promise<Res>;
  }

  /** Moves as staff with the current version; must succeed. */
  async function move(id: string, to: Target, token = adminToken, extra: Record<string, unknown> = FULL_INPUT[to]): Promise<any> {
    const res = await transition(id, token, { expectedVersion: (await get(id)).version, to, ...extra });
    if (res.status !== 200) throw new Error(`move to ${to} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** A fresh case in `state`. */
  async function caseIn(state: State, founder: Person = founderFr, overrides: Record<string, unknown> = {}): Promise<{ id: string; version: number; founder: Person }> {
    const c = await submit(founder, overrides);
    if (state === 'in_review') await move(c.id, 'in_review');
    if (state === 'info_requested') await move(c.id, 'info_requested');
    if (state === 'accepted' || state === 'referred' || state === 'declined') {
      await move(c.id, 'in_review');
      await move(c.id, state);
    }
    if (state === 'withdrawn') await t.http.post(`${API}/applications/${c.id}/withdraw`).set(...auth(founder.token)).send({}).expect(200);
    const now = await get(c.id);
    expect(now.status).toBe(state);
    return { id: c.id, version: now.version, founder };
  }

  async function eventCount(id: string): Promise<number> {
    return (await t.db.query('SELECT count(*)::int AS n FROM case_events WHERE application_id = $1', [id])).rows[0].n;
  }

  /** Nothing changed: same status, version and timeline length. */
  async function expectUnchanged(id: string, before: { status: string; version: number; events: number }): Promise<void> {
    const now = await get(id);
    expect({ status: now.status, version: now.version, events: await eventCount(id) }).toEqual(before);
  }

  async function snapshot(id: string): Promise<{ status: string; version: number; events: number }> {
    const now = await get(id);
    return { status: now.status, version: now.version, events: await eventCount(id) };
  }

  async function timeline(id: string, token: string): Promise<any[]> {
    const res = await t.http.get(`${API}/applications/${id}/timeline`).set(...auth(token)).expect(200);
    expect(res.body.nextCursor).toBeNull();
    return res.body.items;
  }

  async function createAdvisor(body: Record<string, unknown>): Promise<string> {
    const res = await t.http
      .post(`${API}/users`)
      .set(...auth(adminToken))
      .send({ role: 'advisor', email: `adv-${Math.random().toString(36).slice(2)}@campus.test`, password: 'staff-password-1234', ...body })
      .expect(201);
    return res.body.id as string;
  }

  // --- the state machine -------------------------------------------------------------------

  describe('transitions', () => {
    const roles: [string, () => Person | { token: string }, Record<State, Record<Target, number>>][] = [
      ['advisor', () => advisor, ADVISOR],
      ['programme_manager', () => manager, MANAGER],
      ['admin', () => ({ token: adminToken }), MANAGER],
    ];

    it.each(roles)('as %s: every from × to pair answers its status code; a refused move changes nothing, a legal one moves the case', async (role, who, table) => {
      const token = who().token;
      // one case per state for the refused moves, one fresh case per legal move
      const bases = Object.fromEntries(await Promise.all(STATES.map(async (s) => [s, await caseIn(s)] as const))) as unknown as Record<State, { id: string; version: number }>;
      const legal = STATES.flatMap((from) => TARGETS.filter((to) => table[from][to] === 200).map((to) => ({ from, to })));
      const fresh = await Promise.all(legal.map(async (m) => ({ ...m, c: await caseIn(m.from) })));

      const outcomes: string[] = [];
      const expected: string[] = [];
      for (const from of STATES) {
        const base = bases[from];
        const before = await snapshot(base.id);
        for (const to of TARGETS) {
          if (table[from][to] === 200) continue;
          const res = await transition(base.id, token, { expectedVersion: base.version, to, ...FULL_INPUT[to] });
          outcomes.push(`${from}→${to}: ${res.status}`);
          expected.push(`${from}→${to}: ${table[from][to]}`);
          expect(res.body.statusCode).toBe(res.status);
        }
        await expectUnchanged(base.id, before);
      }
      for (const { from, to, c } of fresh) {
        const res = await transition(c.id, token, { expectedVersion: c.version, to, ...FULL_INPUT[to] });
        outcomes.push(`${from}→${to}: ${res.status}`);
        expected.push(`${from}→${to}: 200`);
        if (res.status !== 200) continue;
        expect(res.body).toMatchObject({ status: to, version: c.version + 1 });
        // the first staff move out of `submitted` is the first response
        if (from === 'submitted') expect(res.body).toMatchObject({ firstRespondedAt: t.clock.now().toISOString(), serviceLevels: { firstResponse: 'met' } });
        if (to === 'accepted') expect(res.body).toMatchObject({ programme: 'poc-funding', decidedAt: t.clock.now().toISOString() });
        if (to === 'referred') expect(res.body.programme).toBe('external-incubator');
        if (to === 'declined') expect(res.body).toMatchObject({ programme: null, decidedAt: t.clock.now().toISOString() });
        if (from === 'accepted' || from === 'referred' || from === 'declined') expect(res.body).toMatchObject({ programme: null, decidedAt: null });
        const events = await timeline(c.id, token);
        const last = events[events.length - 1];
        expect(last).toMatchObject({ type: 'status_changed', actor: { role }, public: true, data: { from, to } });
        if (to === 'declined' || from === 'accepted' || from === 'referred' || from === 'declined') expect(last.data.reason).toBe(FULL_INPUT[to].reason);
        if (to === 'info_requested') expect(last.data.message).toBe(FULL_INPUT.info_requested.message);
      }
      expect(outcomes).toEqual(expected);
    });

    it('lets the founder withdraw while open, and only then', async () => {
      for (const state of STATES) {
        const c = await caseIn(state);
        const before = await snapshot(c.id);
        const res = await t.http.post(`${API}/applications/${c.id}/withdraw`).set(...auth(c.founder.token)).send({ reason: 'Joined another incubator' });
        if (state === 'submitted' || state === 'in_review' || state === 'info_requested') {
          expect([state, res.status, res.body.status]).toEqual([state, 200, 'withdrawn']);
          expect(res.body.version).toBe(c.version + 1);
        } else {
          expect([state, res.status]).toEqual([state, 422]);
          await expectUnchanged(c.id, before);
        }
      }
      // another founder cannot even see it
      const c = await caseIn('submitted');
      await t.http.post(`${API}/applications/${c.id}/withdraw`).set(...auth(founderEn.token)).send({}).expect(404);
    });

    it.each([
      ['in_review', 'accepted without a programme', { to: 'accepted' }, 'programme'],
      ['in_review', 'accepted into an external programme', { to: 'accepted', programme: 'external-incubator' }, 'programme'],
      ['in_review', 'referred without a programme', { to: 'referred' }, 'programme'],
      ['in_review', 'referred to an internal programme', { to: 'referred', programme: 'startup-studio' }, 'programme'],
      ['in_review', 'accepted into an unknown programme', { to: 'accepted', programme: 'moon-base' }, 'programme'],
      ['in_review', 'declined without a reason', { to: 'declined' }, 'reason'],
      ['in_review', 'declined with a blank reason', { to: 'declined', reason: '   ' }, 'reason'],
      ['in_review', 'info_requested without a message', { to: 'info_requested' }, 'message'],
      ['submitted', 'info_requested with an empty message', { to: 'info_requested', message: '' }, 'message'],
      ['accepted', 'reopened without a reason', { to: 'in_review' }, 'reason'],
      ['declined', 'reopened with a blank reason', { to: 'in_review', reason: ' ' }, 'reason'],
      ['in_review', 'an unknown status', { to: 'archived' }, 'to'],
    ])('answers 400 naming the field for a case %s %s, and changes nothing', async (state, _what, body, field) => {
      const c = await caseIn(state as State);
      const before = await snapshot(c.id);
      const res = await transition(c.id, manager.token, { expectedVersion: c.version, ...body });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
      await expectUnchanged(c.id, before);
    });

    it('checks the role before the inputs, and the state before the inputs', async () => {
      const accepted = await caseIn('accepted');
      const asked = await caseIn('info_requested');
      const open = await caseIn('in_review');
      const snapshots = await Promise.all([accepted, asked, open].map((c) => snapshot(c.id)));
      // an advisor may never reopen: 403 even without a reason
      const reopen = await transition(accepted.id, advisor.token, { expectedVersion: accepted.version, to: 'in_review' });
      expect(reopen.status).toBe(403);
      expect(reopen.body.message).toMatch(/advisor/);
      // deciding while waiting on the founder is illegal: 422 even without a programme
      expect((await transition(asked.id, advisor.token, { expectedVersion: asked.version, to: 'accepted' })).status).toBe(422);
      expect((await transition(asked.id, advisor.token, { expectedVersion: asked.version, to: 'declined' })).status).toBe(422);
      // staff never withdraw or submit, whatever they send
      expect((await transition(open.id, adminToken, { expectedVersion: open.version, to: 'withdrawn' })).status).toBe(403);
      expect((await transition(open.id, adminToken, { expectedVersion: open.version, to: 'submitted' })).status).toBe(403);
      const illegal = await transition(open.id, adminToken, { expectedVersion: open.version, to: 'draft' });
      expect(illegal.status).toBe(422);
      expect(illegal.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
      for (const [i, c] of [accepted, asked, open].entries()) await expectUnchanged(c.id, snapshots[i]);
    });

    it('keeps the staff routes from founders (403) and the founder routes from staff (403), changing nothing', async () => {
      const c = await caseIn('submitted');
      const before = await snapshot(c.id);
      const f = c.founder.token;
      await t.http.post(`${API}/applications/${c.id}/transitions`).set(...auth(f)).send({ expectedVersion: c.version, to: 'in_review' }).expect(403);
      await t.http.post(`${API}/applications/${c.id}/transitions`).set(...auth(f)).send({ expectedVersion: c.version, to: 'withdrawn' }).expect(403);
      await t.http.post(`${API}/applications/${c.id}/assign`).set(...auth(f)).send({ expectedVersion: c.version, assigneeId: advisor.id }).expect(403);
      await t.http.post(`${API}/applications/${c.id}/auto-assign`).set(...auth(f)).send({}).expect(403);
      await t.http.post(`${API}/applications/${c.id}/notes`).set(...auth(f)).send({ body: 'let me in' }).expect(403);
      await t.http.get(`${API}/applications/${c.id}/timeline/verify`).set(...auth(f)).expect(403);
      await t.http.get(`${API}/applications/${c.id}/timeline/verify`).set(...auth(advisor.token)).expect(403);
      await t.http.get(`${API}/applications/${c.id}/timeline/verify`).set(...auth(manager.token)).expect(403);
      await t.http.post(`${API}/applications/${c.id}/withdraw`).set(...auth(advisor.token)).send({}).expect(403);
      await t.http.post(`${API}/applications/${c.id}/transitions`).send({ expectedVersion: c.version, to: 'in_review' }).expect(401);
      // another founder sees nothing of it
      await t.http.get(`${API}/applications/${c.id}/timeline`).set(...auth(founderEn.token)).expect(404);
      await t.http.get(`${API}/applications/${c.id}/messages`).set(...auth(founderEn.token)).expect(404);
      await t.http.post(`${API}/applications/${c.id}/messages`).set(...auth(founderEn.token)).send({ body: 'hello' }).expect(404);
      await expectUnchanged(c.id, before);
      // staff do not see drafts, so cannot move them
      const draft = await t.http.post(`${API}/applications`).set(...auth(founderFr.token)).send({ startupName: 'Still a draft' }).expect(201);
      await t.http.post(`${API}/applications/${draft.body.id}/transitions`).set(...auth(adminToken)).send({ expectedVersion: 1, to: 'in_review' }).expect(404);
      await t.http.post(`${API}/applications/${draft.body.id}/assign`).set(...auth(adminToken)).send({ expectedVersion: 1, assigneeId: advisor.id }).expect(404);
      await t.http.post(`${API}/applications/${draft.body.id}/notes`).set(...auth(adminToken)).send({ body: 'x' }).expect(404);
    });

    it('shows staff who the founder is (name, email, locale), and founders none of it', async () => {
      const c = await caseIn('submitted', founderEn);
      const me = (await t.http.get(`${API}/me`).set(...auth(founderEn.token)).expect(200)).body;
      for (const token of [advisor.token, manager.token, adminToken]) {
        expect((await get(c.id, token)).founder).toEqual({ id: founderEn.id, fullName: me.fullName, email: founderEn.email, locale: 'en' });
      }
      // a staff write answers with the same view
      const reviewed = await move(c.id, 'in_review', advisor.token);
      expect(reviewed.founder).toEqual({ id: founderEn.id, fullName: me.fullName, email: founderEn.email, locale: 'en' });
      expect(await get(c.id, founderEn.token)).not.toHaveProperty('founder');
    });

    it('lets a manager reopen and the case be decided again', async () => {
      const c = await caseIn('referred');
      const reopened = await move(c.id, 'in_review', manager.token, { reason: 'The founder came back with a CE mark' });
      expect(reopened).toMatchObject({ status: 'in_review', programme: null, decidedAt: null });
      const accepted = await move(c.id, 'accepted', advisor.token, { programme: 'startup-studio' });
      expect(accepted).toMatchObject({ status: 'accepted', programme: 'startup-studio' });
      const types = (await timeline(c.id, adminToken)).filter((e) => e.type === 'status_changed').map((e) => `${e.data.from}→${e.data.to}`);
      expect(types).toEqual(['submitted→in_review', 'in_review→referred', 'referred→in_review', 'in_review→accepted']);
    });
  });

  // --- optimistic concurrency --------------------------------------------------------------

  describe('concurrency', () => {
    it('answers 409 with the current version to a stale expectedVersion, even when the move is also illegal or forbidden', async () => {
      const c = await caseIn('in_review');
      const before = await snapshot(c.id);
      const stale = c.version - 1;
      for (const body of [
        { to: 'declined', reason: 'fine otherwise' }, // legal
        { to: 'draft' }, // illegal: 422 otherwise
        { to: 'in_review' }, // illegal from in_review
        { to: 'withdrawn' }, // staff may never: 403 otherwise
        { to: 'accepted' }, // missing programme: 400 otherwise
        { to: 'declined', reason: 'x', expectedVersion: c.version + 5 }, // from the future
      ]) {
        const res = await transition(c.id, advisor.token, { expectedVersion: stale, ...body });
        expect([body, res.status]).toEqual([body, 409]);
        expect(res.body).toMatchObject({ statusCode: 409, currentVersion: c.version });
      }
      // a manager's reopen of a decided case, stale
      const decided = await caseIn('declined');
      const reopen = await transition(decided.id, advisor.token, { expectedVersion: decided.version - 1, to: 'in_review' });
      expect(reopen.status).toBe(409);
      expect(reopen.body.currentVersion).toBe(decided.version);
      // assignment is versioned too
      const assign = await t.http.post(`${API}/applications/${c.id}/assign`).set(...auth(advisor.token)).send({ expectedVersion: stale, assigneeId: advisor.id });
      expect(assign.status).toBe(409);
      expect(assign.body.currentVersion).toBe(c.version);
      const auto = await t.http.post(`${API}/applications/${c.id}/auto-assign`).set(...auth(advisor.token)).send({ expectedVersion: stale });
      expect(auto.status).toBe(409);
      expect(auto.body.currentVersion).toBe(c.version);
      // the version is required, and the answer says so (not "must not be less than 1")
      const missing = await transition(c.id, advisor.token, { to: 'declined', reason: 'x' });
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual([{ field: 'expectedVersion', messages: ['expectedVersion is required'] }]);
      // a wrong value still gets the rule it breaks
      const zero = await transition(c.id, advisor.token, { to: 'declined', reason: 'x', expectedVersion: 0 });
      expect(zero.body.errors).toEqual([{ field: 'expectedVersion', messages: [expect.stringContaining('must not be less than 1')] }]);
      await expectUnchanged(c.id, before);
    });

    it('lets exactly one of many parallel moves made with the same version through; the others get 409', async () => {
      for (const from of ['submitted', 'in_review'] as const) {
        const c = await caseIn(from);
        const events = await eventCount(c.id);
        // every attempt is legal from its state (a submitted case is taken into review or asked, not decided)
        const decisionsOrReview = (decision: Record<string, unknown>): Record<string, unknown> => (from === 'submitted' ? { to: 'in_review' } : decision);
        const attempts: [Person | { token: string }, Record<string, unknown>][] = [
          [advisor, decisionsOrReview({ to: 'declined', reason: 'Too early' })],
          [advisor2, decisionsOrReview({ to: 'accepted', programme: 'poc-funding' })],
          [manager, decisionsOrReview({ to: 'referred', programme: 'external-incubator' })],
          [{ token: adminToken }, { to: 'info_requested', message: 'Which lab?' }],
          [advisor, { to: 'info_requested', message: 'Budget?' }],
          [advisor2, decisionsOrReview({ to: 'declined', reason: 'Duplicate' })],
          [manager, decisionsOrReview({ to: 'accepted', programme: 'startup-studio' })],
          [{ token: adminToken }, decisionsOrReview({ to: 'referred', programme: 'competitiveness-cluster' })],
        ];
        const results = await Promise.all(attempts.map(([who, body]) => transition(c.id, who.token, { expectedVersion: c.version, ...body })));
        const codes = results.map((r) => r.status).sort();
        expect(codes).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
        const winner = results.find((r) => r.status === 200)!;
        for (const loser of results.filter((r) => r.status === 409)) expect(loser.body.currentVersion).toBe(c.version + 1);
        const now = await get(c.id);
        expect(now).toMatchObject({ version: c.version + 1, status: winner.body.status });
        expect(await eventCount(c.id)).toBe(events + 1);
      }
    });

    it('lets one of a parallel assignment and transition on the same version through', async () => {
      const c = await caseIn('submitted');
      const results = await Promise.all([
        t.http.post(`${API}/applications/${c.id}/assign`).set(...auth(advisor.token)).send({ expectedVersion: c.version, assigneeId: advisor.id }),
        t.http.post(`${API}/applications/${c.id}/assign`).set(...auth(advisor2.token)).send({ expectedVersion: c.version, assigneeId: advisor2.id }),
        transition(c.id, manager.token, { expectedVersion: c.version, to: 'in_review' }),
        transition(c.id, advisor.token, { expectedVersion: c.version, to: 'info_requested', message: 'Which lab?' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
      expect((await get(c.id)).version).toBe(c.version + 1);
    });
  });

  // --- assignment --------------------------------------------------------------------------

  describe('assignment', () => {
    it('never gives anyone more than their capacity under parallel auto-assignments, and explains why the rest stay unassigned', async () => {
      // the only advisors covering the Human Health Startup Factory: two, capacity 2 each, French
      const [x, y] = await Promise.all([
        createAdvisor({ fullName: 'Xavier Factory', programmes: ['human-health-startup-factory'], languages: ['fr'], capacity: 2 }),
        createAdvisor({ fullName: 'Yasmine Factory', programmes: ['human-health-startup-factory'], languages: ['fr'], capacity: 2 }),
      ]);
      const cases = await Promise.all(Array.from({ length: 6 }, () => submit(founderFr, HHSF_PROFILE)));
      for (const c of cases) expect(c.body.recommendations.eligible[0].programme).toBe('human-health-startup-factory');

      const results = await Promise.all(cases.map((c) => t.http.post(`${API}/applications/${c.id}/auto-assign`).set(...auth(advisor.token)).send({})));
      expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
      const chosen = results.map((r) => r.body.explanation.chosen as string | null);
      expect(chosen.filter((id) => id === x)).toHaveLength(2);
      expect(chosen.filter((id) => id === y)).toHaveLength(2);
      expect(chosen.filter((id) => id === null)).toHaveLength(2);
      for (const r of results) expect(r.body.application.assigneeId).toBe(r.body.explanation.chosen);

      // what the database holds agrees
      const load = await t.db.query(
        `SELECT assignee_id, count(*)::int AS n FROM applications WHERE id = ANY($1::uuid[]) GROUP BY assignee_id`,
        [cases.map((c) => c.id)],
      );
      expect(Object.fromEntries(load.rows.map((r: { assignee_id: string | null; n: number }) => [r.assignee_id ?? 'nobody', r.n]))).toEqual({ [x]: 2, [y]: 2, nobody: 2 });

      // the two left over say why: both covering advisors are full
      for (const r of results.filter((res) => res.body.explanation.chosen === null)) {
        const candidates = r.body.explanation.candidates as { userId: string; eligible: boolean; load: number; capacity: number; reasons: { code: string; text: string }[] }[];
        expect(candidates.every((cand) => !cand.eligible)).toBe(true);
        for (const id of [x, y]) {
          const cand = candidates.find((cc) => cc.userId === id)!;
          expect(cand).toMatchObject({ load: 2, capacity: 2, eligible: false });
          expect(cand.reasons.map((reason) => reason.code)).toEqual(['active', 'advisor', 'programme_expertise', 'speaks_language', 'at_capacity']);
        }
        const events = await timeline(r.body.application.id, advisor.token);
        expect(events[events.length - 1]).toMatchObject({ type: 'auto_assign_attempted', public: false, data: { chosen: null, explanation: r.body.explanation } });
        expect(r.body.application.version).toBe(cases[0].version);
      }

      // a decision frees a slot, which the next auto-assignment takes
      const ofX = cases.find((_, i) => chosen[i] === x)!;
      await move(ofX.id, 'in_review', advisor.token);
      await move(ofX.id, 'declined', advisor.token);
      const leftover = cases.find((_, i) => chosen[i] === null)!;
      const again = await t.http.post(`${API}/applications/${leftover.id}/auto-assign`).set(...auth(advisor.token)).send({}).expect(200);
      expect(again.body.explanation.chosen).toBe(x);
    });

    it('never lets parallel manual assignments push someone over capacity', async () => {
      const w = await createAdvisor({ fullName: 'Wendy Manual', capacity: 2 });
      const cases = await Promise.all(Array.from({ length: 5 }, () => submit(founderFr)));
      const results = await Promise.all(
        cases.map((c) => t.http.post(`${API}/applications/${c.id}/assign`).set(...auth(advisor.token)).send({ assigneeId: w, expectedVersion: c.version })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 409, 409, 409]);
      for (const r of results.filter((res) => res.status === 409)) expect(r.body).toMatchObject({ code: 'at_capacity', message: expect.stringMatching(/2 of 2/) });
      const held = await t.db.query(`SELECT count(*)::int AS n FROM applications WHERE assignee_id = $1`, [w]);
      expect(held.rows[0].n).toBe(2);
    });

    it('explains every candidate: chosen, more loaded, at capacity, language, expertise, inactive', async () => {
      const caller = await createStaff(t.http, adminToken, { role: 'advisor', locale: 'en', fullName: 'Caller' });
      const poc = { programmes: ['poc-funding'], languages: ['en', 'fr'], capacity: 3 };
      const alice = await createAdvisor({ fullName: 'Alice Chosen', ...poc });
      const fiona = await createAdvisor({ fullName: 'Fiona Second', ...poc });
      const bruno = await createAdvisor({ fullName: 'Bruno Busy', ...poc, capacity: 1 });
      const chloe = await createAdvisor({ fullName: 'Chloé Francophone', ...poc, languages: ['fr'] });
      const david = await createAdvisor({ fullName: 'David Elsewhere', ...poc, programmes: ['startup-studio'] });
      const eve = await createAdvisor({ fullName: 'Eve Inactive', ...poc, active: false });
      const zero = await createAdvisor({ fullName: 'Zoé Zero', ...poc, capacity: 0 });
      // Bruno and Fiona already hold an open case each
      for (const who of [bruno, fiona]) {
        const held = await submit(founderFr);
        await t.http.post(`${API}/applications/${held.id}/assign`).set(...auth(adminToken)).send({ assigneeId: who, expectedVersion: held.version }).expect(200);
      }

      const c = await submit(founderEn); // English-speaking founder; top recommendation poc-funding
      expect(c.body.recommendations.eligible[0].programme).toBe('poc-funding');
      const res = await t.http.post(`${API}/applications/${c.id}/auto-assign`).set(...auth(caller.token)).send({ expectedVersion: c.version }).expect(200);
      const { explanation, application } = res.body;
      expect(explanation.chosen).toBe(alice);
      expect(application).toMatchObject({ assigneeId: alice, version: c.version + 1, firstRespondedAt: null, status: 'submitted' });

      // every advisor of the campus is listed, each once
      const advisors = (await t.db.query(`SELECT id FROM users WHERE role = 'advisor' AND erased_at IS NULL`)).rows.map((r: { id: string }) => r.id);
      const listed = (explanation.candidates as { userId: string }[]).map((cand) => cand.userId);
      expect([...listed].sort()).toEqual([...advisors].sort());
      expect(explanation.candidates[0].userId).toBe(alice);

      const byId = (id: string): { eligible: boolean; load: number; capacity: number | null; reasons: { code: string; text: string }[] } =>
        explanation.candidates.find((cand: { userId: string }) => cand.userId === id);
      const codes = (id: string): string[] => byId(id).reasons.map((r) => r.code);
      expect(byId(alice)).toMatchObject({ eligible: true, load: 0, capacity: 3 });
      expect(codes(alice)).toEqual(['active', 'advisor', 'programme_expertise', 'speaks_language', 'spare_capacity', 'chosen', 'least_loaded']);
      expect(byId(fiona)).toMatchObject({ eligible: true, load: 1 });
      expect(codes(fiona)).toEqual(['active', 'advisor', 'programme_expertise', 'speaks_language', 'spare_capacity', 'more_loaded']);
      expect(byId(bruno)).toMatchObject({ eligible: false, load: 1, capacity: 1 });
      expect(codes(bruno)).toContain('at_capacity');
      expect(byId(chloe).eligible).toBe(false);
      expect(codes(chloe)).toContain('language_mismatch');
      expect(byId(chloe).reasons.find((r) => r.code === 'language_mismatch')!.text).toMatch(/English/); // in the caller's language
      expect(byId(david).eligible).toBe(false);
      expect(codes(david)).toContain('no_programme_expertise');
      expect(byId(eve).eligible).toBe(false);
      expect(codes(eve)).toContain('inactive');
      expect(byId(zero).eligible).toBe(false);
      expect(codes(zero)).toContain('no_capacity');
      // advisors of this file who cover nothing say so
      expect(codes(advisor.id)).toContain('no_programme_expertise');
      for (const cand of explanation.candidates as { eligible: boolean; reasons: { text: string }[] }[]) {
        expect(cand.reasons.length).toBeGreaterThan(0);
        for (const r of cand.reasons) expect(r.text.length).toBeGreaterThan(0);
      }

      // recorded in the timeline, for staff only
      const events = await timeline(c.id, adminToken);
      expect(events[events.length - 1]).toMatchObject({ type: 'assigned', public: false, actor: { id: caller.id, role: 'advisor' }, data: { from: null, to: alice, auto: true, explanation } });
      const founderEvents = await timeline(c.id, founderEn.token);
      expect(founderEvents.map((e) => e.type)).toEqual(['submitted']);
      expect(JSON.stringify(founderEvents)).not.toContain(alice);
      // the explanation (accents, nulls, nested lists) is hashed into the chain like any event
      expect((await t.http.get(`${API}/applications/${c.id}/timeline/verify`).set(...auth(adminToken)).expect(200)).body).toEqual({ intact: true, events: 2 });

      // manual assignment respects capacity and only goes to active staff
      const before = await snapshot(c.id);
      const assign = (assigneeId: unknown, token = advisor.token): Promise<Res> =>
        t.http.post(`${API}/applications/${c.id}/assign`).set(...auth(token)).send({ assigneeId, expectedVersion: before.version }) as unknown as Promise<Res>;
      const full = await assign(bruno);
      expect(full.status).toBe(409);
      expect(full.body.message).toMatch(/capacity/);
      for (const bad of [founderEn.id, eve, '00000000-0000-4000-8000-000000000000', 'not-a-uuid', 42]) {
        const r = await assign(bad);
        expect([bad, r.status]).toEqual([bad, 400]);
        expect(r.body.errors.map((e: { field: string }) => e.field)).toContain('assigneeId');
      }
      await expectUnchanged(c.id, before);

      // give it to Fiona, then take it back
      const given = await assign(fiona);
      expect(given.status).toBe(200);
      expect(given.body).toMatchObject({ assigneeId: fiona, version: before.version + 1, status: 'submitted', firstRespondedAt: null });
      const released = await t.http.post(`${API}/applications/${c.id}/assign`).set(...auth(advisor.token)).send({ assigneeId: null, expectedVersion: before.version + 1 }).expect(200);
      expect(released.body.assigneeId).toBeNull();
      // closed cases are not assigned
      const closed = await caseIn('declined');
      await t.http.post(`${API}/applications/${closed.id}/assign`).set(...auth(advisor.token)).send({ assigneeId: advisor.id, expectedVersion: closed.version }).expect(422);
      await t.http.post(`${API}/applications/${closed.id}/auto-assign`).set(...auth(advisor.token)).send({}).expect(422);
    });

    it('does not count an assignment as the first response', async () => {
      const c = await submit(founderFr);
      await t.http.post(`${API}/applications/${c.id}/assign`).set(...auth(advisor.token)).send({ assigneeId: advisor.id, expectedVersion: c.version }).expect(200);
      await t.http.post(`${API}/applications/${c.id}/auto-assign`).set(...auth(advisor.token)).send({}).expect(200);
      const after = await get(c.id, advisor.token);
      expect(after).toMatchObject({ status: 'submitted', firstRespondedAt: null });
      expect(after.serviceLevels.firstResponse).toBe('on_track');
      // still late five business days later
      const saved = t.clock.now();
      t.clock.set('2027-05-05T08:00:00Z');
      expect((await get(c.id, advisor.token)).serviceLevels.firstResponse).toBe('breached');
      t.clock.set(saved);
    });
  });

  // --- thread, notes and what founders see -------------------------------------------------

  describe('notes, messages and the timeline', () => {
    const NOTE = 'INTERNAL: the team looks thin, check the CTO';

    it('keeps notes and internal events from the founder, shows everything to staff, and runs the info request through the thread', async () => {
      const founder = await registerFounder(t.http, { locale: 'fr' });
      const c = await submit(founder);
      // the founder writes first: not a response, nothing moves
      const hello = await t.http.post(`${API}/applications/${c.id}/messages`).set(...auth(founder.token)).send({ body: 'We can start in June.' }).expect(201);
      expect(hello.body).toMatchObject({ body: 'We can start in June.', author: { id: founder.id, role: 'founder' } });
      expect(await get(c.id)).toMatchObject({ status: 'submitted', firstRespondedAt: null });

      await t.http.post(`${API}/applications/${c.id}/assign`).set(...auth(advisor.token)).send({ assigneeId: advisor.id, expectedVersion: (await get(c.id)).version }).expect(200);
      await t.http.post(`${API}/applications/${c.id}/auto-assign`).set(...auth(advisor.token)).send({}).expect(200);
      const note = await t.http.post(`${API}/applications/${c.id}/notes`).set(...auth(advisor.token)).send({ body: NOTE }).expect(201);
      expect(note.body).toMatchObject({ body: NOTE, author: { id: advisor.id } });
      await t.http.post(`${API}/applications/${c.id}/notes`).set(...auth(advisor.token)).send({ body: '   ' }).expect(400);

      // a staff message is the first response; the case stays where it is
      t.clock.advance(60_000);
      const staffMessage = await t.http.post(`${API}/applications/${c.id}/messages`).set(...auth(advisor2.token)).send({ body: 'Thanks, we are reading it.' }).expect(201);
      expect(staffMessage.body.author).toMatchObject({ id: advisor2.id, role: 'advisor' });
      const answered = await get(c.id);
      expect(answered).toMatchObject({ status: 'submitted', firstRespondedAt: t.clock.now().toISOString() });
      expect(answered.serviceLevels.firstResponse).toBe('met');

      // ask, and the founder's answer brings it back to review
      t.clock.advance(60_000);
      await move(c.id, 'info_requested', advisor.token, { message: 'Please send your clinical protocol.' });
      const waiting = await get(c.id, founder.token);
      expect(waiting.status).toBe('info_requested');
      t.clock.advance(60_000);
      await t.http.post(`${API}/applications/${c.id}/messages`).set(...auth(founder.token)).send({ body: 'Protocol attached.' }).expect(201);
      const resumed = await get(c.id, founder.token);
      expect(resumed).toMatchObject({ status: 'in_review', version: waiting.version + 1 });
      // another message on in_review moves nothing
      t.clock.advance(60_000);
      await t.http.post(`${API}/applications/${c.id}/messages`).set(...auth(founder.token)).send({ body: 'And our deck.' }).expect(201);
      expect((await get(c.id, founder.token)).status).toBe('in_review');

      // staff: every event
      const staff = await timeline(c.id, advisor.token);
      // the auto-assignment either reassigned the case or recorded why nobody fitted (it depends on the advisors' loads)
      expect(['assigned', 'auto_assign_attempted']).toContain(staff[3].type);
      expect(staff.map((e) => e.type)).toEqual([
        'submitted',
        'message_posted',
        'assigned',
        staff[3].type,
        'note_added',
        'message_posted',
        'status_changed',
        'message_posted',
        'status_changed',
        'message_posted',
      ]);
      for (const e of staff) expect(Object.keys(e).sort()).toEqual(['actor', 'at', 'data', 'id', 'public', 'type']);
      expect(staff.find((e) => e.type === 'note_added')).toMatchObject({ public: false, actor: { id: advisor.id, role: 'advisor' }, data: { note: NOTE } });
      expect(staff.filter((e) => !e.public).map((e) => e.type)).toEqual(['assigned', staff[3].type, 'note_added']);
      expect(staff[staff.length - 2]).toMatchObject({ type: 'status_changed', actor: { id: founder.id, role: 'founder' }, data: { from: 'info_requested', to: 'in_review' } });

      // the founder: public events only, no note text anywhere
      const mine = await timeline(c.id, founder.token);
      expect(mine.map((e) => e.type)).toEqual(['submitted', 'message_posted', 'message_posted', 'status_changed', 'message_posted', 'status_changed', 'message_posted']);
      expect(mine.every((e) => e.public)).toBe(true);
      expect(mine.map((e) => e.id)).toEqual(staff.filter((e) => e.public).map((e) => e.id));
      expect(mine[3].data).toMatchObject({ from: 'submitted', to: 'info_requested', message: 'Please send your clinical protocol.' });
      const seenByFounder = [
        mine,
        (await t.http.get(`${API}/applications/${c.id}/messages`).set(...auth(founder.token)).expect(200)).body,
        await get(c.id, founder.token),
        (await t.http.get(`${API}/applications/${c.id}/recommendations`).set(...auth(founder.token)).expect(200)).body,
        (await t.http.get(`${API}/applications`).set(...auth(founder.token)).expect(200)).body,
      ];
      for (const body of seenByFounder) {
        expect(JSON.stringify(body)).not.toContain('INTERNAL');
        expect(JSON.stringify(body)).not.toContain('explanation');
      }
      // the thread holds messages only, oldest first, for both sides
      const thread = (await t.http.get(`${API}/applications/${c.id}/messages`).set(...auth(founder.token)).expect(200)).body.items.map((m: { body: string }) => m.body);
      expect(thread).toEqual(['We can start in June.', 'Thanks, we are reading it.', 'Please send your clinical protocol.', 'Protocol attached.', 'And our deck.']);
      const staffThread = (await t.http.get(`${API}/applications/${c.id}/messages?limit=2`).set(...auth(advisor.token)).expect(200)).body;
      expect(staffThread.items.map((m: { body: string }) => m.body)).toEqual(thread.slice(0, 2));
      expect(staffThread.nextCursor).not.toBeNull();

      // the chain holds after the whole workflow
      const verify = await t.http.get(`${API}/applications/${c.id}/timeline/verify`).set(...auth(adminToken)).expect(200);
      expect(verify.body).toEqual({ intact: true, events: staff.length });
    });

    it('does not let a founder write on a draft', async () => {
      const draft = await t.http.post(`${API}/applications`).set(...auth(founderFr.token)).send({ startupName: 'Quiet draft' }).expect(201);
      await t.http.post(`${API}/applications/${draft.body.id}/messages`).set(...auth(founderFr.token)).send({ body: 'hi' }).expect(422);
      await t.http.post(`${API}/applications/${draft.body.id}/messages`).set(...auth(founderFr.token)).send({ body: '' }).expect(400);
    });
  });

  // --- service levels ----------------------------------------------------------------------

  describe('service levels', () => {
    it('sets the due dates at submission and moves the decision due date by the business days spent waiting on the founder', async () => {
      // Tuesday 27 April 2027, 10:00 Paris
      t.clock.set('2027-04-27T08:00:00Z');
      const founder = await registerFounder(t.http, { locale: 'fr' });
      const c = await submit(founder);
      // 5 business days: 28, 29, 30 April, 3, 4 May (1 May is a Saturday and a holiday)
      expect(c.body).toMatchObject({ submittedAt: '2027-04-27T08:00:00.000Z', firstResponseDueAt: '2027-05-04T21:59:59.999Z', decisionDueAt: '2027-06-10T21:59:59.999Z' });
      const due = async (): Promise<string> => (await get(c.id)).decisionDueAt;

      // Thursday 29 April: ask the founder (the first response, on time)
      t.clock.set('2027-04-29T08:00:00Z');
      await move(c.id, 'info_requested', advisor.token, { message: 'Your ethics approval?' });
      let now = await get(c.id);
      expect(now).toMatchObject({ firstRespondedAt: '2027-04-29T08:00:00.000Z', decisionDueAt: '2027-06-10T21:59:59.999Z' });
      expect(now.serviceLevels).toEqual({ firstResponse: 'met', decision: 'on_track' });

      // Monday 10 May, 15:00: the founder answers. Waiting cost 30 April, 3, 4, 5, 7, 10 May
      // (6 May is Ascension, the 1st and 8th fall on a weekend): 6 business days
      t.clock.set('2027-05-10T13:00:00Z');
      await t.http.post(`${API}/applications/${c.id}/messages`).set(...auth(founder.token)).send({ body: 'Attached.' }).expect(201);
      now = await get(c.id);
      expect(now).toMatchObject({ status: 'in_review', decisionDueAt: '2027-06-18T21:59:59.999Z' });

      // asked and answered the same day: nothing moves
      t.clock.set('2027-05-11T07:00:00Z');
      await move(c.id, 'info_requested', advisor.token, { message: 'One more thing?' });
      t.clock.set('2027-05-11T15:00:00Z');
      await t.http.post(`${API}/applications/${c.id}/messages`).set(...auth(founder.token)).send({ body: 'Done.' }).expect(201);
      expect(await due()).toBe('2027-06-18T21:59:59.999Z');

      // asked Friday 14 May, answered Tuesday 18 May: Whit Monday does not count, 1 day
      t.clock.set('2027-05-14T08:00:00Z');
      await move(c.id, 'info_requested', advisor.token, { message: 'And the budget?' });
      t.clock.set('2027-05-18T08:00:00Z');
      await t.http.post(`${API}/applications/${c.id}/messages`).set(...auth(founder.token)).send({ body: 'Here.' }).expect(201);
      expect(await due()).toBe('2027-06-21T21:59:59.999Z');

      // asked Wednesday 19 May, resumed by staff on Friday 21 May (the answer came by phone): 2 days
      t.clock.set('2027-05-19T08:00:00Z');
      await move(c.id, 'info_requested', advisor.token, { message: 'Call me?' });
      t.clock.set('2027-05-21T08:00:00Z');
      await move(c.id, 'in_review', advisor.token, {});
      expect(await due()).toBe('2027-06-23T21:59:59.999Z');

      // at risk the business day before, breached after; then a late decision is missed
      t.clock.set('2027-06-22T08:00:00Z');
      expect((await get(c.id)).serviceLevels).toEqual({ firstResponse: 'met', decision: 'at_risk' });
      t.clock.set('2027-06-24T08:00:00Z');
      expect((await get(c.id)).serviceLevels).toEqual({ firstResponse: 'met', decision: 'breached' });
      await move(c.id, 'accepted', advisor.token);
      expect((await get(c.id)).serviceLevels).toEqual({ firstResponse: 'met', decision: 'missed' });
    });

    it('marks a first response after the due date as missed', async () => {
      t.clock.set('2027-04-27T08:00:00Z');
      const c = await submit(founderFr);
      t.clock.set('2027-05-04T21:59:00Z'); // last minute of the due day
      expect((await get(c.id)).serviceLevels.firstResponse).toBe('at_risk');
      t.clock.set('2027-05-05T07:00:00Z');
      expect((await get(c.id)).serviceLevels.firstResponse).toBe('breached');
      await move(c.id, 'in_review', advisor.token);
      expect(await get(c.id)).toMatchObject({ firstRespondedAt: '2027-05-05T07:00:00.000Z', serviceLevels: { firstResponse: 'missed', decision: 'on_track' } });
    });
  });

  // --- the append-only, hash-chained timeline -----------------------------------------------

  describe('timeline integrity', () => {
    it('verifies intact after a workflow, and names the first tampered event', async () => {
      const c = await caseIn('in_review');
      await t.http.post(`${API}/applications/${c.id}/notes`).set(...auth(advisor.token)).send({ body: 'fine' }).expect(201);
      await move(c.id, 'declined', advisor.token, { reason: 'Not now' });
      const events = await eventCount(c.id); // submitted, in_review, note, declined
      expect(events).toBe(4);
      const ok = await t.http.get(`${API}/applications/${c.id}/timeline/verify`).set(...auth(adminToken)).expect(200);
      expect(ok.body).toEqual({ intact: true, events: 4 });

      // the database refuses changes and deletions
      await expect(t.db.query(`UPDATE case_events SET data = '{}' WHERE application_id = $1 AND seq = 2`, [c.id])).rejects.toMatchObject({ code: '23001' });
      await expect(t.db.query(`DELETE FROM case_events WHERE application_id = $1`, [c.id])).rejects.toMatchObject({ code: '23001' });
      expect(await eventCount(c.id)).toBe(4);

      // someone with database access rewrites the decline's reason
      await t.db.query('BEGIN');
      await t.db.query(`SET LOCAL guichet.allow_event_rewrite = 'on'`);
      const changed = await t.db.query(`UPDATE case_events SET data = jsonb_set(data, '{reason}', '"Because I said so"') WHERE application_id = $1 AND seq = 4`, [c.id]);
      await t.db.query('COMMIT');
      expect(changed.rowCount).toBe(1);
      const broken = await t.http.get(`${API}/applications/${c.id}/timeline/verify`).set(...auth(adminToken)).expect(200);
      expect(broken.body).toEqual({ intact: false, events: 4, brokenAt: 4 });

      // the setting was local to that transaction
      await expect(t.db.query(`UPDATE case_events SET data = '{}' WHERE application_id = $1 AND seq = 1`, [c.id])).rejects.toMatchObject({ code: '23001' });

      // an earlier change is found first: the second event's actor
      await t.db.query('BEGIN');
      await t.db.query(`SET LOCAL guichet.allow_event_rewrite = 'on'`);
      await t.db.query(`UPDATE case_events SET actor_id = $2 WHERE application_id = $1 AND seq = 2`, [c.id, advisor2.id]);
      await t.db.query('COMMIT');
      const earlier = await t.http.get(`${API}/applications/${c.id}/timeline/verify`).set(...auth(adminToken)).expect(200);
      expect(earlier.body).toEqual({ intact: false, events: 4, brokenAt: 2 });

      // other cases are untouched
      const other = await caseIn('accepted');
      const fine = await t.http.get(`${API}/applications/${other.id}/timeline/verify`).set(...auth(adminToken)).expect(200);
      expect(fine.body).toEqual({ intact: true, events: 3 }); // submitted, in_review, accepted
    });

    it('detects a deleted event', async () => {
      const c = await caseIn('in_review');
      await move(c.id, 'info_requested', advisor.token);
      await t.db.query('BEGIN');
      await t.db.query(`SET LOCAL guichet.allow_event_rewrite = 'on'`);
      await t.db.query(`DELETE FROM case_events WHERE application_id = $1 AND seq = 2`, [c.id]);
      await t.db.query('COMMIT');
      const res = await t.http.get(`${API}/applications/${c.id}/timeline/verify`).set(...auth(adminToken)).expect(200);
      expect(res.body).toEqual({ intact: false, events: 2, brokenAt: 3 });
    });
  });
});
