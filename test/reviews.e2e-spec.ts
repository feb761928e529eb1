import { auth, move, submitCase, SubmittedCase } from './support/cases';
import { pdf } from './support/document-files';
import { uploadDocument } from './support/documents';
import { COMPLETE_APPLICATION } from './support/fixtures';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { ADMIN, createStaff, createTestApp, login, registerFounder, TestApp } from './support/test-app';
import { ReviewRemindersJob } from '../src/reviews/reviews-worker.module';

const text = (fr: string, en: string): { fr: string; en: string } => ({ fr, en });
/** poc-funding's rubric in this file: Σ weight = 6. */
const RUBRIC = [
  { key: 'science', label: text('Qualité scientifique', 'Scientific quality'), description: text('0 : aucune preuve ; 5 : preuve solide', '0: no evidence; 5: strong evidence'), weight: 3, max: 5 },
  { key: 'team', label: text('Équipe', 'Team'), description: text('0 : incomplète ; 5 : complète', '0: incomplete; 5: complete'), weight: 2, max: 5 },
  { key: 'market', label: text('Marché', 'Market'), description: text('0 : aucun ; 10 : très large', '0: none; 10: very large'), weight: 1, max: 10 },
];
/** The weighted score of a review, written out by hand: Σ(score/max × weight) / 6 × 100. */
const byHand = (science: number, team: number, market: number): number => (((science / 5) * 3 + (team / 5) * 2 + (market / 10) * 1) / 6) * 100;
const round2 = (x: number): number => Math.round(x * 100) / 100;

let ipCounter = 0;
const freshIp = (): string => `10.91.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

describe('expert reviews and selection committees', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let adminToken: string;
  let manager: { token: string; id: string; email: string };
  let otherManager: { token: string; id: string; email: string };
  let advisor: { token: string; id: string; email: string };
  let kase: SubmittedCase;
  let documentId: string;

  async function mailTo(email: string, pattern: RegExp | string, count = 1): Promise<ReceivedMail> {
    await sink.waitFor(() => sink.toMatching(email, pattern).length >= count);
    return sink.toMatching(email, pattern)[count - 1];
  }

  /** Invites a new expert by email, follows the invitation email's link as they would, and returns their token and review. */
  async function inviteNewExpert(email: string, dueOn: string, locale: 'fr' | 'en' = 'en', on: SubmittedCase = kase): Promise<{ token: string; reviewId: string; id: string }> {
    const invited = await t.http.post(`/api/v1/applications/${on.id}/reviews`).set(...auth(advisor.token)).send({ email, fullName: 'Dr Anne Lemoine', locale, dueOn }).expect(201);
    const invitation = await mailTo(email, '/invitation?token=');
    const token = /https:\/\/guichet\.test\/invitation\?token=([A-Za-z0-9_-]+)/.exec(invitation.text)?.[1] as string;
    const accepted = await t.http.post('/api/v1/auth/invitation/accept').set('X-Forwarded-For', freshIp()).send({ token, password: 'expert passphrase 1' }).expect(200);
    expect(accepted.body.user).toMatchObject({ email, role: 'expert', emailVerified: true });
    return { token: accepted.body.accessToken as string, reviewId: invited.body.id as string, id: accepted.body.user.id as string };
  }

  beforeAll(async () => {
    await sink.start();
    t = await createTestApp({ now: '2026-12-07T09:00:00Z', env: { SMTP_URL: sink.url } });
    adminToken = await login(t.http, ADMIN.email, ADMIN.password);
    manager = await createStaff(t.http, adminToken, { role: 'programme_manager', programmes: ['poc-funding'], fullName: 'Sophie Lefèvre' });
    otherManager = await createStaff(t.http, adminToken, { role: 'programme_manager', programmes: ['startup-studio'] });
    advisor = await createStaff(t.http, adminToken, { role: 'advisor', fullName: 'Paul Girard' });
    // a case with a document: the founder attaches it to the draft, then submits
    const founder = await registerFounder(t.http, { locale: 'fr' });
    const draft = await t.http.post('/api/v1/applications').set(...auth(founder.token)).send(COMPLETE_APPLICATION).expect(201);
    documentId = (await uploadDocument(t.http, founder.token, draft.body.id, pdf()).expect(201)).body.id;
    const submitted = await t.http.post(`/api/v1/applications/${draft.body.id}/submit`).set(...auth(founder.token)).send({}).expect(200);
    kase = { id: submitted.body.id, reference: submitted.body.reference, version: submitted.body.version, founder };
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('gives the programme a rubric: its manager or an admin, validated, versioned', async () => {
    const patch = (token: string, body: unknown): ReturnType<TestApp['http']['patch']> => t.http.patch('/api/v1/programmes/poc-funding').set(...auth(token)).send(body as object);
    await patch(advisor.token, { rubric: RUBRIC }).expect(403);
    await patch(otherManager.token, { rubric: RUBRIC }).expect(403);
    // a manager changes the rubric only, not the rules or the catalogue
    await patch(manager.token, { active: false }).expect(403);
    const invalid = await patch(manager.token, { rubric: [{ ...RUBRIC[0], weight: 0 }, { ...RUBRIC[1], key: 'science', max: 11 }, { key: 'x', label: { fr: 'x' }, description: text('d', 'd'), weight: 1, max: 1, colour: 'red' }] }).expect(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field)).toEqual(['rubric[0].weight', 'rubric[1].key', 'rubric[1].max', 'rubric[2].colour', 'rubric[2].label.en']);
    const given = await patch(manager.token, { rubric: RUBRIC }).expect(200);
    expect(given.body).toMatchObject({ rubricVersion: 1, rubric: RUBRIC });
    // the same rubric again is no new version
    expect((await patch(adminToken, { rubric: RUBRIC }).expect(200)).body.rubricVersion).toBe(1);
    const listed = await t.http.get('/api/v1/programmes/poc-funding').expect(200);
    expect(listed.body.rubric).toEqual(RUBRIC);
  });

  let expert: { token: string; reviewId: string; id: string };
  let recusing: { token: string; reviewId: string; id: string };
  let expert2: { token: string; reviewId: string; id: string };
  let advisorReviewId: string;

  it('invites a new expert by email: an invitation, then review-invited with a link to the review page; a second invitation is a 409', async () => {
    const refused = await t.http.post(`/api/v1/applications/${kase.id}/reviews`).set(...auth(advisor.token)).send({ email: 'not-an-email', dueOn: '2026-12-01' }).expect(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'fullName']);
    const past = await t.http.post(`/api/v1/applications/${kase.id}/reviews`).set(...auth(advisor.token)).send({ reviewerId: advisor.id, dueOn: '2026-12-01' }).expect(400);
    expect(past.body.errors).toEqual([{ field: 'dueOn', messages: ['dueOn must be today (2026-12-07) or later'] }]);

    expert = await inviteNewExpert('anne.lemoine@hopital.test', '2026-12-16');
    const invited = await mailTo('anne.lemoine@hopital.test', '/reviews/');
    expect(invited.subject).toBe(`Invitation to review application ${kase.reference} — Proof-of-concept funding`);
    expect(invited.text).toContain('A Guichet account was just created for you');
    expect(invited.text).toContain(`https://guichet.test/reviews/${expert.reviewId}`);
    expect(invited.text).toContain('Paul Girard invites you');
    expect(invited.text).toContain('Wednesday 16 December 2026');
    // the email names the case, never the founder
    expect(invited.text).not.toContain(kase.founder.email);

    const again = await t.http.post(`/api/v1/applications/${kase.id}/reviews`).set(...auth(advisor.token)).send({ reviewerId: expert.id, dueOn: '2026-12-16' }).expect(409);
    expect(again.body.message).toMatch(/already has a review/);
    // an email already known as an expert is the same reviewer
    await t.http.post(`/api/v1/applications/${kase.id}/reviews`).set(...auth(advisor.token)).send({ email: 'anne.lemoine@hopital.test', fullName: 'Anne', dueOn: '2026-12-16' }).expect(409);
    // a founder is no reviewer
    const founderAsReviewer = await t.http.post(`/api/v1/applications/${kase.id}/reviews`).set(...auth(advisor.token)).send({ reviewerId: kase.founder.id, dueOn: '2026-12-16' }).expect(400);
    expect(founderAsReviewer.body.errors[0].field).toBe('reviewerId');

    recusing = await inviteNewExpert('marc.dupont@labo.test', '2026-12-16', 'fr');
    expert2 = await inviteNewExpert('li.chen@clinic.test', '2026-12-16');
    advisorReviewId = (await t.http.post(`/api/v1/applications/${kase.id}/reviews`).set(...auth(manager.token)).send({ reviewerId: advisor.id, dueOn: '2026-12-18' }).expect(201)).body.id;
  });

  it('before declaring, an expert sees the reference, name and programme only; with a conflict, nothing more', async () => {
    const mine = await t.http.get('/api/v1/reviews').set(...auth(expert.token)).expect(200);
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({ id: expert.reviewId, status: 'invited', dueOn: '2026-12-16', programme: 'poc-funding', application: { id: kase.id, reference: kase.reference, startupName: 'Cardiosense' } });
    const before = await t.http.get(`/api/v1/reviews/${expert.reviewId}`).set(...auth(expert.token)).expect(200);
    expect(before.body.application).toEqual({ id: kase.id, reference: kase.reference, startupName: 'Cardiosense' });
    expect(before.body.rubric).toEqual(RUBRIC);
    await t.http.get(`/api/v1/applications/${kase.id}/documents`).set(...auth(expert.token)).expect(404);
    await t.http.get(`/api/v1/documents/${documentId}/content`).set(...auth(expert.token)).expect(404);
    const early = await t.http.put(`/api/v1/reviews/${expert.reviewId}`).set(...auth(expert.token)).send({ scores: { science: 1, team: 1, market: 1 }, comment: 'x', recommendation: 'discuss' }).expect(422);
    expect(early.body.message).toMatch(/conflict of interest/);
    // someone else's review does not exist for me
    await t.http.get(`/api/v1/reviews/${recusing.reviewId}`).set(...auth(expert.token)).expect(404);
    await t.http.post(`/api/v1/reviews/${recusing.reviewId}/declaration`).set(...auth(expert.token)).send({ conflict: false }).expect(404);

    const recused = await t.http.post(`/api/v1/reviews/${recusing.reviewId}/declaration`).set(...auth(recusing.token)).send({ conflict: true, details: 'I advised this team last year' }).expect(200);
    expect(recused.body.status).toBe('recused');
    await t.http.post(`/api/v1/reviews/${recusing.reviewId}/declaration`).set(...auth(recusing.token)).send({ conflict: false }).expect(409);
    const after = await t.http.get(`/api/v1/reviews/${recusing.reviewId}`).set(...auth(recusing.token)).expect(200);
    expect(after.body.application.fields).toBeUndefined();
    expect(after.body.application.documents).toBeUndefined();
    await t.http.get(`/api/v1/applications/${kase.id}/documents`).set(...auth(recusing.token)).expect(404);
    await t.http.put(`/api/v1/reviews/${recusing.reviewId}`).set(...auth(recusing.token)).send({ scores: { science: 1, team: 1, market: 1 }, comment: 'x', recommendation: 'discuss' }).expect(422);
  });

  it('without a conflict the expert reads the fields and documents, never the founder’s contact, notes or messages', async () => {
    await t.http.post(`/api/v1/applications/${kase.id}/notes`).set(...auth(advisor.token)).send({ body: 'INTERNAL-NOTE-MARKER' }).expect(201);
    await t.http.post(`/api/v1/applications/${kase.id}/messages`).set(...auth(advisor.token)).send({ body: 'THREAD-MESSAGE-MARKER' }).expect(201);
    const open = await t.http.post(`/api/v1/reviews/${expert.reviewId}/declaration`).set(...auth(expert.token)).send({ conflict: false }).expect(200);
    expect(open.body.status).toBe('open');
    const detail = await t.http.get(`/api/v1/reviews/${expert.reviewId}`).set(...auth(expert.token)).expect(200);
    expect(detail.body.application.fields).toMatchObject({ startupName: 'Cardiosense', projectSummary: COMPLETE_APPLICATION.projectSummary, trl: 3 });
    expect(detail.body.application.documents).toEqual([expect.objectContaining({ id: documentId, kind: 'pitch_deck' })]);
    const everything = JSON.stringify(detail.body);
    for (const secret of [kase.founder.email, kase.founder.id, 'INTERNAL-NOTE-MARKER', 'THREAD-MESSAGE-MARKER', 'Léa Dubois']) expect(everything).not.toContain(secret);
    await t.http.get(`/api/v1/applications/${kase.id}/documents`).set(...auth(expert.token)).expect(200);
    await t.http.get(`/api/v1/documents/${documentId}/content`).set(...auth(expert.token)).expect(200);
  });

  it('refuses scores that do not fit the rubric, naming every field; a submitted review is final', async () => {
    const put = (body: unknown): ReturnType<TestApp['http']['put']> => t.http.put(`/api/v1/reviews/${expert.reviewId}`).set(...auth(expert.token)).send(body as object);
    const bad = await put({ scores: { science: 6, market: -1, taste: 3 }, comment: 'Solid science', recommendation: 'accept' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['scores.science', 'scores.team', 'scores.market', 'scores.taste']);
    const shape = await put({ scores: 'ten', recommendation: 'maybe', extra: 1 }).expect(400);
    expect(shape.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['comment', 'extra', 'recommendation', 'scores']);
    const submitted = await put({ scores: { science: 4, team: 3, market: 6 }, comment: 'Solid science, thin team.', recommendation: 'accept' }).expect(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', rubricVersion: 1, weightedScore: 70, scores: { science: 4, team: 3, market: 6 } });
    await put({ scores: { science: 5, team: 5, market: 10 }, comment: 'Changed my mind', recommendation: 'accept' }).expect(409);
  });

  it('keeps other reviewers’ verdicts from a staff reviewer until theirs is in; then shows the aggregate computed by hand', async () => {
    await t.http.post(`/api/v1/reviews/${advisorReviewId}/declaration`).set(...auth(advisor.token)).send({ conflict: false }).expect(200);
    const blind = await t.http.get(`/api/v1/applications/${kase.id}/reviews`).set(...auth(advisor.token)).expect(200);
    expect(blind.body.blind).toBe(true);
    expect(blind.body.aggregate.weightedScore).toBeNull();
    const expertsSeen = blind.body.items.find((r: { id: string }) => r.id === expert.reviewId);
    expect(expertsSeen).toMatchObject({ status: 'submitted', scores: null, weightedScore: null, comment: null, recommendation: null });

    await t.http.put(`/api/v1/reviews/${advisorReviewId}`).set(...auth(advisor.token)).send({ scores: { science: 4, team: 4, market: 6 }, comment: 'Good team.', recommendation: 'accept' }).expect(200);
    await t.http.post(`/api/v1/reviews/${expert2.reviewId}/declaration`).set(...auth(expert2.token)).send({ conflict: false }).expect(200);
    await t.http.put(`/api/v1/reviews/${expert2.reviewId}`).set(...auth(expert2.token)).send({ scores: { science: 1, team: 1, market: 2 }, comment: 'Not convinced.', recommendation: 'decline' }).expect(200);

    const scores = [byHand(4, 3, 6), byHand(4, 4, 6), byHand(1, 1, 2)]; // 70, 76.67, 20
    const mean = (scores[0] + scores[1] + scores[2]) / 3;
    const spread = Math.sqrt(((scores[0] - mean) ** 2 + (scores[1] - mean) ** 2 + (scores[2] - mean) ** 2) / 3);
    // 20 vs mean(70, 76.67) = 73.3: 53 points away; 76.67 vs mean(70, 20) = 45: 31.7 away; 70 vs mean(76.67, 20) = 48.3: 21.7 away
    const all = await t.http.get(`/api/v1/applications/${kase.id}/reviews`).set(...auth(manager.token)).expect(200);
    expect(all.body.blind).toBe(false);
    expect(all.body.aggregate).toEqual({ invited: 4, recused: 1, submitted: 3, weightedScore: round2(mean), spread: round2(spread), outliers: expect.arrayContaining([expert.reviewId, advisorReviewId, expert2.reviewId]) });
    expect(all.body.aggregate.weightedScore).toBe(55.56);
    expect(all.body.aggregate.spread).toBe(25.29);
    const recusedItem = all.body.items.find((r: { id: string }) => r.id === recusing.reviewId);
    expect(recusedItem).toMatchObject({ status: 'recused', conflictDetails: 'I advised this team last year', reviewer: { fullName: 'Dr Anne Lemoine', role: 'expert' } });
  });

  it('keeps the rubric version a review was scored on when the rubric changes', async () => {
    const changed = [...RUBRIC, { key: 'ethics', label: text('Éthique', 'Ethics'), description: text('0 à 3', '0 to 3'), weight: 1, max: 3 }];
    expect((await t.http.patch('/api/v1/programmes/poc-funding').set(...auth(manager.token)).send({ rubric: changed }).expect(200)).body.rubricVersion).toBe(2);
    const detail = await t.http.get(`/api/v1/reviews/${expert.reviewId}`).set(...auth(expert.token)).expect(200);
    expect(detail.body).toMatchObject({ rubricVersion: 1, weightedScore: 70 });
    expect(detail.body.rubric).toEqual(RUBRIC);
    await t.http.patch('/api/v1/programmes/poc-funding').set(...auth(manager.token)).send({ rubric: RUBRIC }).expect(200);
  });

  it('lets staff withdraw a review not yet submitted, never a submitted one', async () => {
    const late = await t.http.post(`/api/v1/applications/${kase.id}/reviews`).set(...auth(advisor.token)).send({ reviewerId: manager.id, dueOn: '2026-12-18' }).expect(201);
    expect((await t.http.delete(`/api/v1/reviews/${late.body.id}`).set(...auth(advisor.token)).expect(200)).body.status).toBe('withdrawn');
    await t.http.get(`/api/v1/reviews/${late.body.id}`).set(...auth(manager.token)).expect(404);
    await t.http.delete(`/api/v1/reviews/${expert.reviewId}`).set(...auth(advisor.token)).expect(409);
    await t.http.delete(`/api/v1/reviews/${expert.reviewId}`).set(...auth(expert.token)).expect(404); // experts never withdraw
    const after = await t.http.get(`/api/v1/applications/${kase.id}/reviews`).set(...auth(manager.token)).expect(200);
    expect(after.body.aggregate.invited).toBe(4);
  });

  it('a committee ranks its agenda by aggregate and its decision moves the case as a transition does', async () => {
    const unscored = await submitCase(t.http);
    const body = { name: 'Comité PoC — décembre 2026', meetsOn: '2026-12-17', applicationIds: [unscored.id, kase.id] };
    await t.http.post('/api/v1/programmes/poc-funding/committees').set(...auth(advisor.token)).send(body).expect(403);
    await t.http.post('/api/v1/programmes/poc-funding/committees').set(...auth(otherManager.token)).send(body).expect(403);
    const unknown = await t.http.post('/api/v1/programmes/poc-funding/committees').set(...auth(manager.token)).send({ ...body, applicationIds: ['00000000-0000-4000-8000-000000000000'] }).expect(400);
    expect(unknown.body.errors[0].field).toBe('applicationIds');
    const created = await t.http.post('/api/v1/programmes/poc-funding/committees').set(...auth(manager.token)).send(body).expect(201);
    expect(created.body.agenda.map((i: { applicationId: string; rank: number }) => [i.applicationId, i.rank])).toEqual([
      [kase.id, 1],
      [unscored.id, 2],
    ]);
    expect(created.body.agenda[0].aggregate).toMatchObject({ submitted: 3, weightedScore: 55.56 });
    const read = await t.http.get(`/api/v1/committees/${created.body.id}`).set(...auth(advisor.token)).expect(200);
    expect(read.body.name).toBe(body.name);

    const decide = (token: string, payload: Record<string, unknown>): ReturnType<TestApp['http']['post']> => t.http.post(`/api/v1/committees/${created.body.id}/decisions`).set(...auth(token)).send(payload);
    const current = (await t.http.get(`/api/v1/applications/${kase.id}`).set(...auth(manager.token)).expect(200)).body.version as number;
    await decide(advisor.token, { applicationId: kase.id, decision: 'accepted', reason: 'Strong science', expectedVersion: current }).expect(403);
    // the same rules as a transition: a stale version is 409, deciding from `submitted` is 422
    const stale = await decide(manager.token, { applicationId: kase.id, decision: 'accepted', reason: 'Strong science', expectedVersion: current - 1 }).expect(409);
    expect(stale.body.currentVersion).toBe(current);
    await decide(manager.token, { applicationId: kase.id, decision: 'accepted', reason: 'Strong science', expectedVersion: current }).expect(422);
    const missing = await decide(manager.token, { applicationId: kase.id, decision: 'maybe', expectedVersion: current }).expect(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['decision', 'reason']);
    const version = await move(t.http, manager.token, kase.id, { to: 'in_review' });

    const decided = await decide(manager.token, { applicationId: kase.id, decision: 'accepted', reason: 'Strong science, backed unanimously', expectedVersion: version }).expect(201);
    expect(decided.body.application).toMatchObject({ id: kase.id, status: 'accepted', programme: 'poc-funding', version: version + 1 });
    expect(decided.body.item).toMatchObject({ applicationId: kase.id, decision: 'accepted', reason: 'Strong science, backed unanimously' });
    await decide(manager.token, { applicationId: kase.id, decision: 'declined', reason: 'again', expectedVersion: version + 1 }).expect(409);
    // the agenda as the committee page shows it, printed for the record
    const agenda = (await t.http.get(`/api/v1/committees/${created.body.id}`).set(...auth(manager.token)).expect(200)).body;
    const row = (i: { rank: number; reference: string; startupName: string; aggregate: { submitted: number; weightedScore: number | null; spread: number | null }; status: string; decision: string | null; reason: string | null }): string =>
      `${i.rank} | ${i.reference} | ${i.startupName} | ${i.aggregate.submitted} | ${i.aggregate.weightedScore ?? '—'} | ${i.aggregate.spread ?? '—'} | ${i.decision ? `${i.decision}: ${i.reason}` : '—'} | ${i.status}`;
    console.log(`committee agenda: ${agenda.name}, ${agenda.meetsOn}\nrank | reference | startup | submitted | weighted score | spread | decision | status now\n${agenda.agenda.map(row).join('\n')}`);

    // the founder is told as by any decision, in their language
    const decision = await mailTo(kase.founder.email, /accept/i);
    expect(decision.text).toContain(kase.reference);
    // staff see the committee and its rationale on the timeline; the founder does not
    const staffTimeline = await t.http.get(`/api/v1/applications/${kase.id}/timeline`).set(...auth(manager.token)).expect(200);
    expect(staffTimeline.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'committee_decided', public: false, data: expect.objectContaining({ committee: body.name, reason: 'Strong science, backed unanimously', decision: 'accepted' }) })]),
    );
    const founderTimeline = await t.http.get(`/api/v1/applications/${kase.id}/timeline`).set(...auth(kase.founder.token)).expect(200);
    expect(JSON.stringify(founderTimeline.body)).not.toContain(body.name);
    expect(founderTimeline.body.items.map((e: { type: string }) => e.type)).toContain('status_changed');
  });

  it('never gives a case to an outside expert: only the campus staff can be assignees', async () => {
    const c = await submitCase(t.http);
    const refused = await t.http.post(`/api/v1/applications/${c.id}/assign`).set(...auth(advisor.token)).send({ assigneeId: expert.id, expectedVersion: c.version }).expect(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['assigneeId']);
    const { rows } = await t.db.query('SELECT assignee_id, version FROM applications WHERE id = $1', [c.id]);
    expect(rows[0]).toEqual({ assignee_id: null, version: c.version });
  });

  it('shows the founder none of it', async () => {
    const f = kase.founder.token;
    await t.http.get(`/api/v1/applications/${kase.id}/reviews`).set(...auth(f)).expect(403);
    await t.http.get('/api/v1/reviews').set(...auth(f)).expect(403);
    await t.http.get(`/api/v1/reviews/${expert.reviewId}`).set(...auth(f)).expect(403);
    const own = await t.http.get(`/api/v1/applications/${kase.id}`).set(...auth(f)).expect(200);
    expect(JSON.stringify(own.body)).not.toMatch(/review|Lemoine/i);
    const timeline = await t.http.get(`/api/v1/applications/${kase.id}/timeline`).set(...auth(f)).expect(200);
    expect(JSON.stringify(timeline.body)).not.toMatch(/committee|Comité|Lemoine|Not convinced|reviewId/i);
    expect(sink.to(kase.founder.email).some((m) => /review|évaluation/i.test(m.subject))).toBe(false);
  });

  it('an expert reaches nothing else: 404 everywhere but their reviews and the documents of the case they read', async () => {
    const other = await submitCase(t.http);
    const otherDoc = await (async () => {
      const founder = await registerFounder(t.http);
      const draft = await t.http.post('/api/v1/applications').set(...auth(founder.token)).send(COMPLETE_APPLICATION).expect(201);
      return (await uploadDocument(t.http, founder.token, draft.body.id, pdf()).expect(201)).body.id as string;
    })();
    const e = expert.token;
    const matrix: [string, string, object?][] = [
      ['get', '/api/v1/applications'],
      ['get', `/api/v1/applications/${kase.id}`],
      ['get', `/api/v1/applications/${other.id}`],
      ['get', `/api/v1/applications/${kase.id}/timeline`],
      ['get', `/api/v1/applications/${kase.id}/messages`],
      ['get', `/api/v1/applications/${kase.id}/recommendations`],
      ['get', `/api/v1/applications/${kase.id}/reviews`],
      ['get', `/api/v1/applications/${other.id}/documents`],
      ['get', `/api/v1/documents/${otherDoc}/content`],
      ['post', `/api/v1/applications/${kase.id}/reviews`, { reviewerId: expert.id, dueOn: '2026-12-20' }],
      ['post', `/api/v1/applications/${kase.id}/transitions`, { to: 'declined', reason: 'x', expectedVersion: 1 }],
      ['post', `/api/v1/applications/${kase.id}/notes`, { body: 'x' }],
      ['post', `/api/v1/applications/${kase.id}/messages`, { body: 'x' }],
      ['post', '/api/v1/applications', { startupName: 'Mine' }],
      ['get', '/api/v1/users'],
      ['get', '/api/v1/cohorts'],
      ['get', '/api/v1/emails'],
      ['get', '/api/v1/webhooks'],
      ['get', '/api/v1/reports/funnel?from=2026-12-01&to=2026-12-31'],
      ['get', '/api/v1/me/export'],
      ['patch', '/api/v1/programmes/poc-funding', { rubric: RUBRIC }],
      ['post', '/api/v1/programmes/poc-funding/committees', { name: 'Mine', meetsOn: '2026-12-20', applicationIds: [kase.id] }],
      ['delete', `/api/v1/reviews/${expert.reviewId}`],
    ];
    const answers: string[] = [];
    for (const [method, path, body] of matrix) {
      const req = (t.http as unknown as Record<string, (p: string) => ReturnType<TestApp['http']['get']>>)[method](path).set(...auth(e));
      const res = await (body ? req.send(body) : req);
      answers.push(`${method} ${path.replace(/[0-9a-f-]{36}/g, ':id')} ${res.status}`);
    }
    expect(answers).toEqual(matrix.map(([method, path]) => `${method} ${path.replace(/[0-9a-f-]{36}/g, ':id')} 404`));
    // what they are given works
    await t.http.get('/api/v1/reviews').set(...auth(e)).expect(200);
    await t.http.get(`/api/v1/reviews/${expert.reviewId}`).set(...auth(e)).expect(200);
    await t.http.get(`/api/v1/applications/${kase.id}/documents`).set(...auth(e)).expect(200);
    await t.http.get('/api/v1/me').set(...auth(e)).expect(200);
  });

  it('reminds a reviewer once, two business days before the due date, and never after submission', async () => {
    const reminders = t.app.get(ReviewRemindersJob);
    const next = await submitCase(t.http);
    // due Thursday 17 December: the reminder goes out on Tuesday 15 December
    const pending = await inviteNewExpert('late.reviewer@labo.test', '2026-12-17', 'fr', next);
    const diligent = await inviteNewExpert('quick.reviewer@labo.test', '2026-12-17', 'en', next);
    await t.http.post(`/api/v1/reviews/${diligent.reviewId}/declaration`).set(...auth(diligent.token)).send({ conflict: false }).expect(200);
    await t.http.put(`/api/v1/reviews/${diligent.reviewId}`).set(...auth(diligent.token)).send({ scores: { science: 5, team: 5, market: 10 }, comment: 'Excellent.', recommendation: 'accept' }).expect(200);
    const count = async (reviewId: string): Promise<number> =>
      Number((await t.db.query(`SELECT count(*) AS n FROM emails WHERE template = 'review-reminder' AND data->>'reviewId' = $1`, [reviewId])).rows[0].n);

    t.clock.set(new Date('2026-12-14T17:00:00Z')); // Monday: too early
    await reminders.scan();
    expect(await count(pending.reviewId)).toBe(0);
    t.clock.set(new Date('2026-12-15T07:30:00Z')); // Tuesday 08:30 Paris
    await reminders.scan();
    await reminders.scan();
    t.clock.set(new Date('2026-12-16T07:30:00Z'));
    await reminders.scan();
    expect(await count(pending.reviewId)).toBe(1);
    expect(await count(diligent.reviewId)).toBe(0);
    const mail = await mailTo('late.reviewer@labo.test', 'Reprendre mon évaluation');
    expect(mail.subject).toMatch(new RegExp(`^Rappel\\s:\\svotre évaluation du dossier ${next.reference} est attendue le jeudi 17 décembre 2026$`));
    expect(mail.text).toContain(`https://guichet.test/reviews/${pending.reviewId}`);
    expect(mail.text).toContain('conflit d’intérêts');
  });
});
