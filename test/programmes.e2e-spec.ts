import { COMPLETE_APPLICATION } from './support/fixtures';
import { ADMIN, createStaff, createTestApp, login, registerFounder, TestApp } from './support/test-app';

const auth = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
const SLUGS = ['poc-funding', 'pre-entrepreneurial-track', 'human-health-startup-factory', 'startup-studio', 'external-incubator', 'competitiveness-cluster'];

describe('programme catalogue', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-30T10:00:00Z' });
    adminToken = await login(t.http, ADMIN.email, ADMIN.password);
  });
  afterAll(() => t.close());

  it('is readable by anyone without a token, with readable rules in the asked language', async () => {
    const fr = await t.http.get('/api/v1/programmes').expect(200);
    expect(fr.body.nextCursor).toBeNull();
    expect(fr.body.items.map((p: { slug: string }) => p.slug)).toEqual(SLUGS);
    const poc = fr.body.items[0];
    expect(poc).toMatchObject({ slug: 'poc-funding', kind: 'internal', active: true, rulesVersion: 1, name: 'Financement de la preuve de concept' });
    expect(poc.readableRules.conditions[0]).toEqual({ code: 'academic_team', text: expect.stringMatching(/académique/), expression: expect.stringContaining('academicAffiliation') });
    expect(poc.readableRules.preferences.every((p: { weight: number }) => p.weight > 0)).toBe(true);
    const en = await t.http.get('/api/v1/programmes').set('Accept-Language', 'en-GB,en;q=0.9').expect(200);
    expect(en.body.items[0].name).toBe('Proof-of-concept funding');
    const one = await t.http.get('/api/v1/programmes/startup-studio?locale=en').expect(200);
    expect(one.body.kind).toBe('internal');
    await t.http.get('/api/v1/programmes/nope').expect(404);
  });

  it('refuses malformed rules with a 400 pointing at the bad part, and changes nothing', async () => {
    const res = await t.http
      .patch('/api/v1/programmes/poc-funding')
      .set(...auth(adminToken))
      .send({
        rules: {
          conditions: [{ code: 'trl_ok', when: { all: [{ field: 'trl', op: 'lte', value: 4 }, { field: 'trl', op: 'sortof', value: 2 }] }, text: { fr: 'TRL', en: 'TRL' } }],
          preferences: [],
        },
      })
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['rules.conditions[0].when.all[1].op']);
    const bad = await t.http.post('/api/v1/programmes').set(...auth(adminToken)).send({ slug: 'x', kind: 'internal', name: { fr: 'X' }, description: { fr: 'X', en: 'X' }, rules: {} }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['slug', 'name.en', 'rules.conditions']));
    const after = await t.http.get('/api/v1/programmes/poc-funding').expect(200);
    expect(after.body.rulesVersion).toBe(1);
  });

  it('is edited by admins only', async () => {
    const advisor = await createStaff(t.http, adminToken, { role: 'advisor' });
    await t.http.patch('/api/v1/programmes/poc-funding').set(...auth(advisor.token)).send({ active: false }).expect(403);
    await t.http.post('/api/v1/programmes').set(...auth(advisor.token)).send({}).expect(403);
    await t.http.patch('/api/v1/programmes/poc-funding').send({ active: false }).expect(401);
  });

  it('keeps what a founder was told when an admin later edits the rules; staff see both', async () => {
    const founder = await registerFounder(t.http, { locale: 'en' });
    const advisor = await createStaff(t.http, adminToken, { role: 'advisor', locale: 'en' });
    const draft = await t.http.post('/api/v1/applications').set(...auth(founder.token)).send(COMPLETE_APPLICATION).expect(201);
    const submitted = await t.http.post(`/api/v1/applications/${draft.body.id}/submit`).set(...auth(founder.token)).send({}).expect(200);
    expect(submitted.body.recommendations.eligible[0].programme).toBe('poc-funding');

    // the admin now requires TRL ≤ 2 for poc-funding
    const current = (await t.http.get('/api/v1/programmes/poc-funding').expect(200)).body.rules;
    const stricter = { ...current, conditions: [...current.conditions, { code: 'very_early', when: { field: 'trl', op: 'lte', value: 2 }, text: { fr: 'TRL ≤ 2', en: 'TRL 2 or below' } }] };
    const edited = await t.http.patch('/api/v1/programmes/poc-funding').set(...auth(adminToken)).send({ rules: stricter }).expect(200);
    expect(edited.body.rulesVersion).toBe(2);

    const forFounder = await t.http.get(`/api/v1/applications/${draft.body.id}/recommendations`).set(...auth(founder.token)).expect(200);
    expect(forFounder.body.recommendations.eligible[0].programme).toBe('poc-funding');
    expect(forFounder.body.rulesVersions['poc-funding']).toBe(1);
    const forStaff = await t.http.get(`/api/v1/applications/${draft.body.id}/recommendations`).set(...auth(advisor.token)).expect(200);
    expect(forStaff.body.recommendations.eligible[0].programme).toBe('poc-funding');
    expect(forStaff.body.current.ineligible.find((p: { programme: string }) => p.programme === 'poc-funding').failed).toEqual([{ code: 'very_early', text: 'TRL 2 or below' }]);
    expect(forStaff.body.currentRulesVersions['poc-funding']).toBe(2);
    const history = await t.db.query(`SELECT version FROM programme_rule_versions WHERE programme = 'poc-funding' ORDER BY version`);
    expect(history.rows.map((r: { version: number }) => r.version)).toEqual([1, 2]);
  });

  it('creates a programme and deactivates one: routing follows', async () => {
    const rules = {
      conditions: [{ code: 'needs_regulatory', when: { field: 'needs', op: 'includes', value: 'regulatory' }, text: { fr: 'Besoin réglementaire', en: 'Regulatory need' } }],
      preferences: [{ code: 'medtech', when: { field: 'domains', op: 'includes', value: 'medtech' }, weight: 10, text: { fr: 'Dispositif médical', en: 'Medical device' } }],
    };
    await t.http
      .post('/api/v1/programmes')
      .set(...auth(adminToken))
      .send({ slug: 'regulatory-clinic', kind: 'internal', name: { fr: 'Clinique réglementaire', en: 'Regulatory clinic' }, description: { fr: 'Aide au marquage CE.', en: 'Help with CE marking.' }, rules })
      .expect(201);
    await t.http
      .post('/api/v1/programmes')
      .set(...auth(adminToken))
      .send({ slug: 'regulatory-clinic', kind: 'internal', name: { fr: 'X', en: 'X' }, description: { fr: 'X', en: 'X' }, rules })
      .expect(409);
    await t.http.patch('/api/v1/programmes/pre-entrepreneurial-track').set(...auth(adminToken)).send({ active: false }).expect(200);

    const founder = await registerFounder(t.http);
    const draft = await t.http.post('/api/v1/applications').set(...auth(founder.token)).send({ ...COMPLETE_APPLICATION, needs: ['funding', 'regulatory'] }).expect(201);
    const res = await t.http.post(`/api/v1/applications/${draft.body.id}/submit`).set(...auth(founder.token)).send({}).expect(200);
    const all = [...res.body.recommendations.eligible, ...res.body.recommendations.ineligible].map((p: { programme: string }) => p.programme);
    expect(all).toContain('regulatory-clinic');
    expect(all).not.toContain('pre-entrepreneurial-track');
    const list = await t.http.get('/api/v1/programmes').expect(200);
    expect(list.body.items.map((p: { slug: string }) => p.slug)).not.toContain('pre-entrepreneurial-track');
    await t.http.patch('/api/v1/programmes/pre-entrepreneurial-track').set(...auth(adminToken)).send({ active: true }).expect(200);
  });

  it('checks staff programme slugs against the catalogue', async () => {
    const res = await t.http
      .post('/api/v1/users')
      .set(...auth(adminToken))
      .send({ email: 'x@campus.test', fullName: 'X', role: 'advisor', password: 'staff-password-1234', programmes: ['poc-funding', 'moon-base'] })
      .expect(400);
    expect(res.body.errors).toEqual([{ field: 'programmes', messages: ['programmes names unknown programmes: moon-base'] }]);
  });
});
