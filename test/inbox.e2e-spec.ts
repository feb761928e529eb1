import { auth } from './support/cases';
import { COMPLETE_APPLICATION, HHSF_PROFILE } from './support/fixtures';
import { ADMIN, createStaff, createTestApp, login, registerFounder, TestApp } from './support/test-app';

/**
 * The staff inbox over HTTP (the contract, `GET /applications` for staff; issue 4): every filter
 * and sort with exact ids and order, cursor pagination while cases keep arriving, and the
 * service-level filter as the clock moves. Drafts never reach staff.
 */

const API = '/api/v1';
type Founder = { token: string; id: string; email: string };
type Staff = { token: string; id: string; email: string };


describe('staff inbox', () => {
  let t: TestApp;
  let adminToken: string;
  let founder: Founder;
  /** label of each case id, so failures read as c1, c2… */
  const label = new Map<string, string>();

  beforeAll(async () => {
    // Monday 1 March 2027, 10:00 in Paris; the API role only (no background worker needed here)
    t = await createTestApp({ now: '2027-03-01T09:00:00Z', env: { APP_ROLE: 'api' } });
    adminToken = await login(t.http, ADMIN.email, ADMIN.password);
    founder = await registerFounder(t.http, { locale: 'fr' });
  });
  afterAll(() => t.close());

  async function draft(name: string, overrides: Record<string, unknown> = {}, owner: Founder = founder): Promise<string> {
    const res = await t.http.post(`${API}/applications`).set(...auth(owner.token)).send({ ...COMPLETE_APPLICATION, ...overrides, startupName: name }).expect(201);
    return res.body.id as string;
  }

  /** Creates and submits at the clock's current time; returns the case as the founder sees it. */
  async function submit(name: string, overrides: Record<string, unknown> = {}, owner: Founder = founder): Promise<{ id: string; reference: string; version: number; recommendations: { eligible: { programme: string }[] }; decisionDueAt: string }> {
    const id = await draft(name, overrides, owner);
    const res = await t.http.post(`${API}/applications/${id}/submit`).set(...auth(owner.token)).send({}).expect(200);
    return res.body;
  }

  async function version(id: string, token: string): Promise<number> {
    return (await t.http.get(`${API}/applications/${id}`).set(...auth(token)).expect(200)).body.version as number;
  }

  async function transition(id: string, token: string, body: Record<string, unknown>): Promise<void> {
    await t.http.post(`${API}/applications/${id}/transitions`).set(...auth(token)).send({ expectedVersion: await version(id, token), ...body }).expect(200);
  }

  async function assign(id: string, token: string, assigneeId: string): Promise<void> {
    await t.http.post(`${API}/applications/${id}/assign`).set(...auth(token)).send({ assigneeId, expectedVersion: await version(id, token) }).expect(200);
  }

  /** The inbox as `token` sees it, as labels (unknown ids as themselves). */
  async function inbox(token: string, query: string): Promise<string[]> {
    const res = await t.http.get(`${API}/applications?${query}`).set(...auth(token));
    if (res.status !== 200) throw new Error(`GET /applications?${query} answered ${res.status}: ${JSON.stringify(res.body)}`);
    expect(res.body.nextCursor).toBeNull();
    return (res.body.items as { id: string }[]).map((item) => label.get(item.id) ?? item.id);
  }

  describe('filters and sorts', () => {
    let a: Staff; // the advisor asking ("me")
    let b: Staff; // a colleague
    const c: Record<string, { id: string; reference: string; decisionDueAt: string }> = {};

    beforeAll(async () => {
      a = await createStaff(t.http, adminToken, { role: 'advisor', fullName: 'Anne Advisor', capacity: 10 });
      b = await createStaff(t.http, adminToken, { role: 'advisor', fullName: 'Bruno Advisor', capacity: 10 });

      // one submission per business day, 10:00 Paris, from Monday 1 to Wednesday 10 March 2027
      const plan: [string, string, Record<string, unknown>, string][] = [
        ['c1', 'Cardiosense', {}, '2027-03-01T09:00:00Z'],
        ['c2', 'NeuroPatch', {}, '2027-03-02T09:00:00Z'],
        ['c3', 'Dermalytics', HHSF_PROFILE, '2027-03-03T09:00:00Z'],
        ['c4', 'CARDIO twin', {}, '2027-03-04T09:00:00Z'],
        ['c5', 'OncoMap', {}, '2027-03-05T09:00:00Z'],
        ['c6', 'Pulse AI', HHSF_PROFILE, '2027-03-08T09:00:00Z'],
        ['c7', 'Sleepwell', {}, '2027-03-09T09:00:00Z'],
        ['c8', 'Cardiolab', {}, '2027-03-10T09:00:00Z'],
      ];
      for (const [key, name, overrides, at] of plan) {
        t.clock.set(at);
        const submitted = await submit(name, overrides);
        c[key] = submitted;
        label.set(submitted.id, key);
        const top = submitted.recommendations.eligible[0].programme;
        expect([key, top]).toEqual([key, overrides === HHSF_PROFILE ? 'human-health-startup-factory' : 'poc-funding']);
        if (key === 'c1') await transition(submitted.id, a.token, { to: 'info_requested', message: 'Which lab are you in?' }); // paused from day one
      }
      // a draft whose name matches the searches, created an hour after c8: staff never see it
      t.clock.set('2027-03-10T10:00:00Z');
      label.set(await draft('Cardio Draft'), 'draft');

      // Thursday 11 March: the team works the inbox
      t.clock.set('2027-03-11T09:00:00Z');
      await t.http.post(`${API}/applications/${c.c1.id}/messages`).set(...auth(founder.token)).send({ body: 'Inserm U1234.' }).expect(201);
      await transition(c.c2.id, a.token, { to: 'in_review' });
      await assign(c.c2.id, a.token, a.id);
      await assign(c.c3.id, a.token, b.id);
      await transition(c.c3.id, b.token, { to: 'info_requested', message: 'Your incorporation papers, please.' });
      await assign(c.c4.id, a.token, a.id);
      await transition(c.c4.id, a.token, { to: 'in_review' });
      await transition(c.c4.id, a.token, { to: 'accepted', programme: 'startup-studio' });
      await transition(c.c5.id, a.token, { to: 'in_review' });
      await transition(c.c5.id, a.token, { to: 'referred', programme: 'external-incubator' });
      await transition(c.c6.id, a.token, { to: 'in_review' });
      await transition(c.c6.id, a.token, { to: 'declined', reason: 'Outside our scope' });
      await t.http.post(`${API}/applications/${c.c8.id}/withdraw`).set(...auth(founder.token)).send({}).expect(200);

      const statuses = await t.db.query(`SELECT id, status FROM applications`);
      expect(Object.fromEntries(statuses.rows.map((r: { id: string; status: string }) => [label.get(r.id), r.status]))).toEqual({
        c1: 'in_review',
        c2: 'in_review',
        c3: 'info_requested',
        c4: 'accepted',
        c5: 'referred',
        c6: 'declined',
        c7: 'submitted',
        c8: 'withdrawn',
        draft: 'draft',
      });
    });

    it('lists every submitted case, newest submission first by default, and never a draft', async () => {
      expect(await inbox(a.token, '')).toEqual(['c8', 'c7', 'c6', 'c5', 'c4', 'c3', 'c2', 'c1']);
      expect(await inbox(a.token, 'sort=-submittedAt')).toEqual(['c8', 'c7', 'c6', 'c5', 'c4', 'c3', 'c2', 'c1']);
      expect(await inbox(adminToken, '')).toEqual(['c8', 'c7', 'c6', 'c5', 'c4', 'c3', 'c2', 'c1']);
      expect(await inbox(a.token, 'status=draft')).toEqual([]);
      expect(await inbox(a.token, 'status=draft,submitted')).toEqual(['c7']);
      // the founder's own list is theirs, drafts included
      expect(await inbox(founder.token, 'limit=100')).toEqual(['draft', 'c8', 'c7', 'c6', 'c5', 'c4', 'c3', 'c2', 'c1']);
    });


    it('gives each case as its own page does, less the project summary and the recommendations', async () => {
      // the list item is written out apart from the whole view (and its instants and lists read by
      // the pool's fast parsers): every field as the case's page gives it, nulls included
      const list = await t.http.get(`${API}/applications?limit=100`).set(...auth(a.token)).expect(200);
      const mine = await t.http.get(`${API}/applications?limit=100`).set(...auth(founder.token)).expect(200);
      for (const [token, items] of [[a.token, list.body.items], [founder.token, mine.body.items]] as const) {
        expect(items.length).toBeGreaterThan(0);
        for (const item of items as { id: string }[]) {
          const one = await t.http.get(`${API}/applications/${item.id}`).set(...auth(token)).expect(200);
          const whole = { ...one.body };
          for (const field of ['projectSummary', 'recommendations', 'founder']) delete whole[field];
          expect(item).toEqual(whole);
        }
      }
    });
    it('sorts by submission date, oldest first', async () => {
      expect(await inbox(a.token, 'sort=submittedAt')).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8']);
    });

    it('sorts by decision due date, which the pause moved for c1', async () => {
      // c1 waited on its founder from Monday 1 to Thursday 11 March: 8 business days added
      const c1 = await t.http.get(`${API}/applications/${c.c1.id}`).set(...auth(a.token)).expect(200);
      expect(c.c1.decisionDueAt).toBe('2027-04-13T21:59:59.999Z');
      expect(c1.body.decisionDueAt).toBe('2027-04-23T21:59:59.999Z');
      expect(await inbox(a.token, 'sort=decisionDueAt')).toEqual(['c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c1']);
      expect(await inbox(a.token, 'sort=decisionDueAt&status=in_review,submitted')).toEqual(['c2', 'c7', 'c1']);
    });

    it('filters by status, one or a comma list', async () => {
      expect(await inbox(a.token, 'status=in_review')).toEqual(['c2', 'c1']);
      expect(await inbox(a.token, 'status=submitted,info_requested')).toEqual(['c7', 'c3']);
      expect(await inbox(a.token, 'status=accepted,referred,declined,withdrawn')).toEqual(['c8', 'c6', 'c5', 'c4']);
      expect(await inbox(a.token, 'status=withdrawn')).toEqual(['c8']);
      expect(await inbox(a.token, 'status=in_review,in_review&sort=submittedAt')).toEqual(['c1', 'c2']);
      await t.http.get(`${API}/applications?status=in_review,bogus`).set(...auth(a.token)).expect(400);
    });

    it('filters by programme: the decided one, else the top recommendation', async () => {
      expect(await inbox(a.token, 'programme=poc-funding')).toEqual(['c8', 'c7', 'c2', 'c1']);
      expect(await inbox(a.token, 'programme=human-health-startup-factory')).toEqual(['c6', 'c3']);
      expect(await inbox(a.token, 'programme=startup-studio')).toEqual(['c4']);
      expect(await inbox(a.token, 'programme=external-incubator')).toEqual(['c5']);
      expect(await inbox(a.token, 'programme=competitiveness-cluster')).toEqual([]);
      expect(await inbox(a.token, 'programme=poc-funding&sort=submittedAt&status=in_review')).toEqual(['c1', 'c2']);
    });

    it('filters by assignee: me, unassigned or a colleague', async () => {
      expect(await inbox(a.token, 'assignee=me')).toEqual(['c4', 'c2']);
      expect(await inbox(b.token, 'assignee=me')).toEqual(['c3']);
      expect(await inbox(a.token, `assignee=${b.id}`)).toEqual(['c3']);
      expect(await inbox(b.token, `assignee=${a.id.toUpperCase()}`)).toEqual(['c4', 'c2']);
      expect(await inbox(a.token, 'assignee=unassigned')).toEqual(['c8', 'c7', 'c6', 'c5', 'c1']);
      expect(await inbox(adminToken, 'assignee=me')).toEqual([]);
      expect(await inbox(a.token, 'assignee=me&status=in_review')).toEqual(['c2']);
      expect(await inbox(a.token, 'assignee=unassigned&status=submitted,in_review&sort=submittedAt')).toEqual(['c1', 'c7']);
      await t.http.get(`${API}/applications?assignee=someone`).set(...auth(a.token)).expect(400);
    });

    it('searches by reference and by part of the startup name, whatever the case', async () => {
      expect(await inbox(a.token, `q=${c.c7.reference}`)).toEqual(['c7']);
      expect(await inbox(a.token, `q=${c.c7.reference.toLowerCase()}`)).toEqual(['c7']);
      expect(await inbox(a.token, `q=GU-2027-${Number(c.c7.reference.slice(-6))}`)).toEqual(['c7']); // zeros may be left out
      expect(await inbox(a.token, `q=${encodeURIComponent(` ${c.c5.reference} `)}`)).toEqual(['c5']);
      expect(await inbox(a.token, 'q=cardio')).toEqual(['c8', 'c4', 'c1']);
      expect(await inbox(a.token, 'q=CARDIO&sort=submittedAt')).toEqual(['c1', 'c4', 'c8']);
      expect(await inbox(a.token, `q=${encodeURIComponent('io TW')}`)).toEqual(['c4']);
      expect(await inbox(a.token, 'q=uroPat')).toEqual(['c2']);
      // a whole word also finds the summaries that use it (every case here says "wearable patch"): see search.e2e-spec.ts
      expect(await inbox(a.token, 'q=patch')).toHaveLength(8);
      expect(await inbox(a.token, 'q=cardio&status=in_review')).toEqual(['c1']);
      // LIKE wildcards are searched for literally
      expect(await inbox(a.token, `q=${encodeURIComponent('%')}`)).toEqual([]);
      expect(await inbox(a.token, `q=${encodeURIComponent('c_rdio')}`)).toEqual([]);
      // the draft's reference finds nothing for staff
      const draftRef = (await t.db.query(`SELECT reference FROM applications WHERE status = 'draft'`)).rows[0].reference as string;
      expect(await inbox(a.token, `q=${draftRef}`)).toEqual([]);
    });
  });

  describe('cursor pagination', () => {
    let a: Staff;
    let latest = Date.parse('2027-09-30T08:00:00Z');
    let earliest = Date.parse('2027-09-05T08:00:00Z');

    beforeAll(async () => {
      a = await createStaff(t.http, adminToken, { role: 'advisor' });
      // ten cases, one a day from Monday 6 September 2027 (weekend days included)
      for (let i = 0; i < 10; i++) {
        t.clock.set(new Date(Date.parse('2027-09-06T08:00:00Z') + i * 86_400_000));
        label.set((await submit(`Pager original ${i}`)).id, `p${i}`);
      }
    });

    /** Submits two new cases: one newer than all, one older than all (it lands on a page already read). */
    async function arrive(round: number): Promise<void> {
      latest += 60_000;
      t.clock.set(new Date(latest));
      await submit(`Pager newer ${round}`);
      earliest -= 60_000;
      t.clock.set(new Date(earliest));
      await submit(`Pager older ${round}`);
    }

    it.each(['-submittedAt', 'submittedAt', 'decisionDueAt'])('never repeats or skips a case with sort=%s while cases arrive between pages', async (sort) => {
      const start = await t.http.get(`${API}/applications?q=pager&sort=${sort}&limit=100`).set(...auth(a.token)).expect(200);
      const before = (start.body.items as { id: string }[]).map((i) => i.id);
      expect(before.length).toBeGreaterThanOrEqual(10);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await t.http
          .get(`${API}/applications?q=pager&sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
          .set(...auth(a.token))
          .expect(200);
        const items = res.body.items as { id: string; submittedAt: string; decisionDueAt: string }[];
        expect(items.length).toBeLessThanOrEqual(3);
        seen.push(...items.map((i) => i.id));
        cursor = res.body.nextCursor as string | null;
        pages++;
        if (cursor) expect(items).toHaveLength(3);
        await arrive(pages + 100 * ['-submittedAt', 'submittedAt', 'decisionDueAt'].indexOf(sort));
      } while (cursor !== null && pages < 50);

      expect(pages).toBeGreaterThanOrEqual(4);
      expect(new Set(seen).size).toBe(seen.length); // nothing twice
      // every case that existed at the start, exactly once and in the order the sort gives
      expect(seen.filter((id) => before.includes(id))).toEqual(before);
    });

    it('refuses a cursor it did not issue', async () => {
      await t.http.get(`${API}/applications?cursor=not-a-cursor`).set(...auth(a.token)).expect(400);
      await t.http.get(`${API}/applications?cursor=${Buffer.from('[1]').toString('base64url')}`).set(...auth(a.token)).expect(400);
    });
  });

  describe('service-level filter and states as the clock moves', () => {
    let a: Staff;
    const s: Record<string, string> = {};

    async function levels(key: string): Promise<{ firstResponse: string; decision: string }> {
      return (await t.http.get(`${API}/applications/${s[key]}`).set(...auth(a.token)).expect(200)).body.serviceLevels;
    }

    beforeAll(async () => {
      a = await createStaff(t.http, adminToken, { role: 'advisor' });
      // Monday 7 June 2027, 10:00 Paris: first response due end of Monday 14 June, decision end of Tuesday 20 July (14 July is a holiday)
      t.clock.set('2027-06-07T08:00:00Z');
      s.s1 = (await submit('Slate one')).id;
      t.clock.set('2027-06-07T08:01:00Z');
      s.s2 = (await submit('Slate two')).id;
      await transition(s.s2, a.token, { to: 'in_review' });
      t.clock.set('2027-06-07T08:02:00Z');
      s.s4 = (await submit('Slate four')).id;
      await transition(s.s4, a.token, { to: 'info_requested', message: 'Any clinical data yet?' });
      // Wednesday 9 June: first response due end of Wednesday 16 June
      t.clock.set('2027-06-09T08:00:00Z');
      s.s3 = (await submit('Slate three')).id;
      for (const [key, id] of Object.entries(s)) label.set(id, key);
    });

    it('follows the first-response clock: on track, at risk within one business day, breached, then missed once answered', async () => {
      const first = await t.http.get(`${API}/applications/${s.s1}`).set(...auth(a.token)).expect(200);
      expect(first.body.firstResponseDueAt).toBe('2027-06-14T21:59:59.999Z');
      expect(first.body.decisionDueAt).toBe('2027-07-20T21:59:59.999Z');

      t.clock.set('2027-06-09T12:00:00Z');
      expect(await levels('s1')).toEqual({ firstResponse: 'on_track', decision: 'on_track' });
      expect(await levels('s2')).toEqual({ firstResponse: 'met', decision: 'on_track' });
      expect(await inbox(a.token, 'q=slate&sla=at_risk')).toEqual([]);
      expect(await inbox(a.token, 'q=slate&sla=breached')).toEqual([]);

      // Friday 11 June: s1 is due Monday, the next business day
      t.clock.set('2027-06-11T10:00:00Z');
      expect(await levels('s1')).toEqual({ firstResponse: 'at_risk', decision: 'on_track' });
      expect(await levels('s3')).toEqual({ firstResponse: 'on_track', decision: 'on_track' });
      expect(await inbox(a.token, 'q=slate&sla=at_risk')).toEqual(['s1']);
      expect(await inbox(a.token, 'q=slate&sla=breached')).toEqual([]);

      // Monday 14 June 23:59 Paris: due this very day, still at risk
      t.clock.set('2027-06-14T21:59:00Z');
      expect(await levels('s1')).toEqual({ firstResponse: 'at_risk', decision: 'on_track' });
      expect(await inbox(a.token, 'q=slate&sla=at_risk')).toEqual(['s1']);

      // Tuesday 15 June: s1 is late; s3 (due Wednesday) is now at risk
      t.clock.set('2027-06-15T08:00:00Z');
      expect(await levels('s1')).toEqual({ firstResponse: 'breached', decision: 'on_track' });
      expect(await levels('s3')).toEqual({ firstResponse: 'at_risk', decision: 'on_track' });
      expect(await inbox(a.token, 'q=slate&sla=breached')).toEqual(['s1']);
      expect(await inbox(a.token, 'q=slate&sla=at_risk')).toEqual(['s3']);
      expect(await inbox(a.token, 'q=slate&sla=at_risk&status=in_review')).toEqual([]);

      // a staff message is the (late) first response
      await t.http.post(`${API}/applications/${s.s1}/messages`).set(...auth(a.token)).send({ body: 'Sorry for the wait, we are on it.' }).expect(201);
      const answered = await t.http.get(`${API}/applications/${s.s1}`).set(...auth(a.token)).expect(200);
      expect(answered.body).toMatchObject({ status: 'submitted', firstRespondedAt: '2027-06-15T08:00:00.000Z' });
      expect(answered.body.serviceLevels).toEqual({ firstResponse: 'missed', decision: 'on_track' });
      expect(await inbox(a.token, 'q=slate&sla=breached')).toEqual([]);

      // Wednesday 16 June: s3 decided on time
      t.clock.set('2027-06-16T08:00:00Z');
      await transition(s.s3, a.token, { to: 'in_review' });
      await transition(s.s3, a.token, { to: 'accepted', programme: 'poc-funding' });
      expect(await levels('s3')).toEqual({ firstResponse: 'met', decision: 'met' });
      expect(await inbox(a.token, 'q=slate&sla=at_risk')).toEqual([]);
      await t.http.get(`${API}/applications?sla=late`).set(...auth(a.token)).expect(400);
    });

    it('follows the decision clock; a case waiting on its founder is neither at risk nor breached', async () => {
      // Monday 19 July: s1 and s2 are due Tuesday 20 July
      t.clock.set('2027-07-19T08:00:00Z');
      expect(await levels('s2')).toEqual({ firstResponse: 'met', decision: 'at_risk' });
      expect(await levels('s4')).toEqual({ firstResponse: 'met', decision: 'on_track' });
      expect(await inbox(a.token, 'q=slate&sla=at_risk')).toEqual(['s2', 's1']);
      expect(await inbox(a.token, 'q=slate&sla=at_risk&sort=submittedAt')).toEqual(['s1', 's2']);
      expect(await inbox(a.token, 'q=slate&sla=breached')).toEqual([]);

      // Wednesday 21 July: both are late; s4 is still paused
      t.clock.set('2027-07-21T08:00:00Z');
      expect(await levels('s2')).toEqual({ firstResponse: 'met', decision: 'breached' });
      expect(await levels('s4')).toEqual({ firstResponse: 'met', decision: 'on_track' });
      expect(await inbox(a.token, 'q=slate&sla=breached')).toEqual(['s2', 's1']);
      expect(await inbox(a.token, 'q=slate&sla=at_risk')).toEqual([]);
      expect(await inbox(a.token, 'q=slate&sla=breached&assignee=unassigned&status=in_review')).toEqual(['s2']);

      // a late decision is missed, and leaves the filter
      await transition(s.s1, a.token, { to: 'in_review' });
      await transition(s.s1, a.token, { to: 'declined', reason: 'Not a health project' });
      expect(await levels('s1')).toEqual({ firstResponse: 'missed', decision: 'missed' });
      expect(await inbox(a.token, 'q=slate&sla=breached')).toEqual(['s2']);
    });
  });
});
