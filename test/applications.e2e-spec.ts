import { COMPLETE_APPLICATION, VALID_SIREN } from './support/fixtures';
import { ADMIN, createStaff, createTestApp, login, registerFounder, TestApp } from './support/test-app';

const auth = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

describe("founders' applications", () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    // Wednesday 23 December 2026, 10:00 in Paris
    t = await createTestApp({ now: '2026-12-23T09:00:00Z' });
    adminToken = await login(t.http, ADMIN.email, ADMIN.password);
  });
  afterAll(() => t.close());

  it('runs the founder journey: draft with a name, completed over visits, submitted with ranked reasons and due dates', async () => {
    const founder = await registerFounder(t.http, { locale: 'en' });
    const draft = await t.http.post('/api/v1/applications').set(...auth(founder.token)).send({ startupName: '  Cardiosense ' }).expect(201);
    expect(draft.body).toMatchObject({ startupName: 'Cardiosense', status: 'draft', version: 1, ownerId: founder.id, assigneeId: null, recommendations: null, submittedAt: null });
    expect(draft.body.reference).toMatch(/^GU-2026-\d{6}$/);
    const id = draft.body.id as string;

    // second visit
    const { startupName: _ignored, ...rest } = COMPLETE_APPLICATION;
    const edited = await t.http.patch(`/api/v1/applications/${id}`).set(...auth(founder.token)).send({ projectSummary: rest.projectSummary, stage: 'idea', trl: 3 }).expect(200);
    expect(edited.body.version).toBe(2);
    // third visit, with the version it saw
    await t.http.patch(`/api/v1/applications/${id}`).set(...auth(founder.token)).send({ ...rest, expectedVersion: 2 }).expect(200);
    const stale = await t.http.patch(`/api/v1/applications/${id}`).set(...auth(founder.token)).send({ teamSize: 4, expectedVersion: 2 }).expect(409);
    expect(stale.body.currentVersion).toBe(3);

    const submitted = await t.http.post(`/api/v1/applications/${id}/submit`).set(...auth(founder.token)).send({}).expect(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', version: 4, submittedAt: '2026-12-23T09:00:00.000Z' });
    // 5 business days after Wed 23 Dec: Thu 24, (Fri 25 Christmas, weekend), Mon 28, Tue 29, Wed 30, Thu 31 → end of Thu 31 Dec, Paris
    expect(submitted.body.firstResponseDueAt).toBe('2026-12-31T22:59:59.999Z');
    expect(submitted.body.decisionDueAt).toMatch(/^2027-02-0\dT22:59:59\.999Z$/);
    expect(submitted.body.serviceLevels).toEqual({ firstResponse: 'on_track', decision: 'on_track' });

    const { eligible, ineligible } = submitted.body.recommendations;
    expect(eligible.map((e: { programme: string }) => e.programme)).toEqual(['poc-funding', 'pre-entrepreneurial-track', 'external-incubator']);
    expect(eligible[0].score).toBeGreaterThan(eligible[1].score);
    expect(eligible[0].reasons.map((r: { code: string }) => r.code)).toContain('academic_team');
    expect(eligible[0].reasons[0].text).toMatch(/academic/i); // English: the founder's language
    expect(ineligible.map((e: { programme: string }) => e.programme).sort()).toEqual(['competitiveness-cluster', 'human-health-startup-factory', 'startup-studio']);
    for (const entry of ineligible) expect(entry.failed.length).toBeGreaterThan(0);

    const recos = await t.http.get(`/api/v1/applications/${id}/recommendations`).set(...auth(founder.token)).expect(200);
    expect(recos.body.recommendations).toEqual(submitted.body.recommendations);
    expect(recos.body).not.toHaveProperty('current');
  });

  it('refuses to submit an incomplete draft with a 422 listing every missing field, and changes nothing', async () => {
    const founder = await registerFounder(t.http);
    const draft = await t.http.post('/api/v1/applications').set(...auth(founder.token)).send({ startupName: 'Half done', incorporated: true, trl: 5 }).expect(201);
    const res = await t.http.post(`/api/v1/applications/${draft.body.id}/submit`).set(...auth(founder.token)).send({}).expect(422);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['academicAffiliation', 'domains', 'incorporationDate', 'lookingForCofounder', 'needs', 'projectSummary', 'stage', 'teamSize'].sort());
    const after = await t.http.get(`/api/v1/applications/${draft.body.id}`).set(...auth(founder.token)).expect(200);
    expect(after.body).toMatchObject({ status: 'draft', version: 1 });
  });

  it('refuses a second submission and edits after submission, changing nothing', async () => {
    const founder = await registerFounder(t.http);
    const draft = await t.http.post('/api/v1/applications').set(...auth(founder.token)).send(COMPLETE_APPLICATION).expect(201);
    const first = await t.http.post(`/api/v1/applications/${draft.body.id}/submit`).set(...auth(founder.token)).send({}).expect(200);
    await t.http.post(`/api/v1/applications/${draft.body.id}/submit`).set(...auth(founder.token)).send({}).expect(422);
    await t.http.patch(`/api/v1/applications/${draft.body.id}`).set(...auth(founder.token)).send({ teamSize: 9 }).expect(422);
    const after = await t.http.get(`/api/v1/applications/${draft.body.id}`).set(...auth(founder.token)).expect(200);
    expect(after.body.version).toBe(first.body.version);
    expect(after.body.teamSize).toBe(3);
    const events = await t.db.query('SELECT type FROM case_events WHERE application_id = $1', [draft.body.id]);
    expect(events.rows).toEqual([{ type: 'submitted' }]);
  });

  it('lets the founder withdraw a submitted application, once', async () => {
    const founder = await registerFounder(t.http);
    const draft = await t.http.post('/api/v1/applications').set(...auth(founder.token)).send(COMPLETE_APPLICATION).expect(201);
    await t.http.post(`/api/v1/applications/${draft.body.id}/withdraw`).set(...auth(founder.token)).send({}).expect(422); // a draft is not withdrawn
    await t.http.post(`/api/v1/applications/${draft.body.id}/submit`).set(...auth(founder.token)).send({}).expect(200);
    const res = await t.http.post(`/api/v1/applications/${draft.body.id}/withdraw`).set(...auth(founder.token)).send({ reason: 'We joined another incubator' }).expect(200);
    expect(res.body.status).toBe('withdrawn');
    await t.http.post(`/api/v1/applications/${draft.body.id}/withdraw`).set(...auth(founder.token)).send({}).expect(422);
  });

  it("hides an application from another founder on every route (404), and drafts from staff", async () => {
    const owner = await registerFounder(t.http);
    const other = await registerFounder(t.http);
    const advisor = await createStaff(t.http, adminToken, { role: 'advisor' });
    const draft = await t.http.post('/api/v1/applications').set(...auth(owner.token)).send(COMPLETE_APPLICATION).expect(201);
    const id = draft.body.id as string;
    const routes: [string, string, object?][] = [
      ['get', `/api/v1/applications/${id}`],
      ['patch', `/api/v1/applications/${id}`, { teamSize: 2 }],
      ['post', `/api/v1/applications/${id}/submit`, {}],
      ['post', `/api/v1/applications/${id}/withdraw`, {}],
      ['get', `/api/v1/applications/${id}/recommendations`],
    ];
    for (const [method, path, body] of routes) {
      const res = await (t.http as unknown as Record<string, (p: string) => import('supertest').Test>)[method](path).set(...auth(other.token)).send(body);
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    // staff never see a draft
    await t.http.get(`/api/v1/applications/${id}`).set(...auth(advisor.token)).expect(404);
    await t.http.get(`/api/v1/applications/${id}/recommendations`).set(...auth(advisor.token)).expect(404);
    // the other founder's list does not contain it
    const list = await t.http.get('/api/v1/applications').set(...auth(other.token)).expect(200);
    expect(list.body.items).toEqual([]);
    // once submitted, staff see it, with today's routing beside the stored one
    await t.http.post(`/api/v1/applications/${id}/submit`).set(...auth(owner.token)).send({}).expect(200);
    await t.http.get(`/api/v1/applications/${id}`).set(...auth(advisor.token)).expect(200);
    const staffView = await t.http.get(`/api/v1/applications/${id}/recommendations`).set(...auth(advisor.token)).expect(200);
    expect(staffView.body.current).toEqual(staffView.body.recommendations);
    // but they may not edit or submit it for the founder
    await t.http.patch(`/api/v1/applications/${id}`).set(...auth(advisor.token)).send({ teamSize: 2 }).expect(403);
    await t.http.get('/api/v1/applications/not-a-uuid').set(...auth(owner.token)).expect(404);
  });

  it('lists only my own applications, newest first, paged', async () => {
    const founder = await registerFounder(t.http);
    for (let i = 0; i < 5; i++) {
      await t.http.post('/api/v1/applications').set(...auth(founder.token)).send({ startupName: `Startup ${i}` }).expect(201);
      t.clock.advance(1000);
    }
    const first = await t.http.get('/api/v1/applications?limit=3').set(...auth(founder.token)).expect(200);
    expect(first.body.items.map((a: { startupName: string }) => a.startupName)).toEqual(['Startup 4', 'Startup 3', 'Startup 2']);
    const second = await t.http.get(`/api/v1/applications?limit=3&cursor=${first.body.nextCursor}`).set(...auth(founder.token)).expect(200);
    expect(second.body.items.map((a: { startupName: string }) => a.startupName)).toEqual(['Startup 1', 'Startup 0']);
    expect(second.body.nextCursor).toBeNull();
    const drafts = await t.http.get('/api/v1/applications?status=draft,submitted').set(...auth(founder.token)).expect(200);
    expect(drafts.body.items).toHaveLength(5);
    await t.http.get('/api/v1/applications?status=nonsense').set(...auth(founder.token)).expect(400);
    await t.http.get('/api/v1/applications?limit=1000').set(...auth(founder.token)).expect(400);
  });

  it('gives 30 parallel drafts and submissions 30 distinct, sequential references', async () => {
    const founders = await Promise.all(Array.from({ length: 30 }, () => registerFounder(t.http)));
    const drafts = await Promise.all(founders.map((f) => t.http.post('/api/v1/applications').set(...auth(f.token)).send(COMPLETE_APPLICATION)));
    expect(drafts.map((d) => d.status)).toEqual(Array(30).fill(201));
    const submitted = await Promise.all(drafts.map((d, i) => t.http.post(`/api/v1/applications/${d.body.id}/submit`).set(...auth(founders[i].token)).send({})));
    expect(submitted.map((s) => s.status)).toEqual(Array(30).fill(200));
    const references = submitted.map((s) => s.body.reference as string);
    expect(new Set(references).size).toBe(30);
    const numbers = references.map((r) => Number(r.slice(-6))).sort((a, b) => a - b);
    expect(numbers[29] - numbers[0]).toBe(29); // no gap among them
  });

  it('starts the numbering again each year', async () => {
    const founder = await registerFounder(t.http);
    t.clock.set('2027-01-01T00:30:00+01:00');
    const res = await t.http.post('/api/v1/applications').set(...auth(founder.token)).send({ startupName: 'New year' }).expect(201);
    expect(res.body.reference).toBe('GU-2027-000001');
    t.clock.set('2026-12-23T09:00:00Z');
  });

  describe('field validation', () => {
    let token: string;
    let id: string;
    beforeAll(async () => {
      token = (await registerFounder(t.http)).token;
      id = (await t.http.post('/api/v1/applications').set(...auth(token)).send({ startupName: 'Validation' }).expect(201)).body.id;
    });

    it.each([
      ['startupName', 'A'],
      ['startupName', 'x'.repeat(121)],
      ['startupName', null],
      ['projectSummary', 'too short'],
      ['projectSummary', 'x'.repeat(5001)],
      ['stage', 'seed'],
      ['trl', 0],
      ['trl', 10],
      ['trl', 3.5],
      ['trl', '3'],
      ['domains', []],
      ['domains', ['medtech', 'medtech']],
      ['domains', ['space']],
      ['domains', 'medtech'],
      ['needs', []],
      ['needs', ['money']],
      ['incorporated', 'yes'],
      ['incorporationDate', '2026-02-30'],
      ['incorporationDate', '23/12/2026'],
      ['incorporationDate', '2026-12-24'], // tomorrow
      ['siren', '12345678'],
      ['siren', '732829321'], // bad Luhn key
      ['siren', 'abcdefghi'],
      ['academicAffiliation', 'harvard'],
      ['lookingForCofounder', 'no'],
      ['teamSize', 0],
      ['teamSize', 501],
      ['fundingSoughtEur', -1],
      ['fundingSoughtEur', 100_000_001],
      ['fundingSoughtEur', 10.5],
      ['website', 'http://cardiosense.example'],
      ['website', 'javascript:alert(1)'],
      ['website', 'not a url'],
    ])('refuses %s = %j with a 400 naming it', async (field, value) => {
      const res = await t.http.patch(`/api/v1/applications/${id}`).set(...auth(token)).send({ incorporated: true, [field]: value });
      expect(res.status).toBe(400);
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
      const after = await t.http.get(`/api/v1/applications/${id}`).set(...auth(token)).expect(200);
      expect(after.body.version).toBe(1); // nothing half written
    });

    it('accepts each field at its bounds and clears optional ones with null', async () => {
      const res = await t.http
        .patch(`/api/v1/applications/${id}`)
        .set(...auth(token))
        .send({ trl: 9, teamSize: 500, fundingSoughtEur: 100_000_000, siren: '732 829 320', incorporated: true, incorporationDate: '2026-12-23', website: 'https://example.org/path?q=1', projectSummary: 'x'.repeat(50) })
        .expect(200);
      expect(res.body).toMatchObject({ trl: 9, teamSize: 500, fundingSoughtEur: 100_000_000, siren: VALID_SIREN, incorporationDate: '2026-12-23' });
      const cleared = await t.http.patch(`/api/v1/applications/${id}`).set(...auth(token)).send({ website: null, siren: null, fundingSoughtEur: null }).expect(200);
      expect(cleared.body).toMatchObject({ website: null, siren: null, fundingSoughtEur: null });
    });

    it('refuses unknown fields and server-set fields', async () => {
      for (const body of [{ status: 'accepted' }, { reference: 'GU-2026-999999' }, { ownerId: '00000000-0000-4000-8000-000000000000' }, { favouriteColour: 'blue' }]) {
        const res = await t.http.patch(`/api/v1/applications/${id}`).set(...auth(token)).send(body).expect(400);
        expect(res.body.errors[0].field).toBe(Object.keys(body)[0]);
      }
    });

    it('refuses an incorporation date when not incorporated, at submission', async () => {
      const draft = await t.http.post('/api/v1/applications').set(...auth(token)).send({ ...COMPLETE_APPLICATION, incorporated: false, incorporationDate: '2025-01-01' });
      expect(draft.status).toBe(400);
      expect(draft.body.errors).toEqual([{ field: 'incorporationDate', messages: ['incorporationDate must be empty when not incorporated'] }]);
    });
  });
});
