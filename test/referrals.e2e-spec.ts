import { randomBytes } from 'node:crypto';
import { ReferralRemindersService } from '../src/referrals/referral-reminders.service';
import { ReferralPanels } from '../src/web/pages/referral-panel';
import { auth, move, submitCase, SubmittedCase } from './support/cases';
import { pdf } from './support/document-files';
import { uploadDocument } from './support/documents';
import { SmtpSink } from './support/smtp-sink';
import { ADMIN, createStaff, createTestApp, login, registerFounder, TestApp } from './support/test-app';

const API = '/api/v1';
const PASSWORD = 'partner-password-123';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

interface Contact {
  email: string;
  token: string;
  id: string;
}

describe('referrals to partner organisations', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let admin: string;
  let advisor: { token: string; id: string; email: string };
  let incubator: { id: string; contacts: Contact[] };
  let cluster: { id: string; contacts: Contact[] };
  let clusterOnly: { id: string; contacts: Contact[] };
  // the flow's case and referrals, reused by the report and the matrix
  let c1: SubmittedCase;
  let toIncubator: string;
  let toCluster: string;
  let c2: SubmittedCase;
  let chased: string;

  const ip = (): string => `10.20.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

  /** A contact follows the invitation link of their email and chooses a password. */
  async function acceptInvitation(email: string): Promise<Contact> {
    await sink.waitFor(() => sink.toMatching(email, /\/invitation\?token=/).length > 0);
    const token = /\/invitation\?token=([A-Za-z0-9_-]+)/.exec(sink.toMatching(email, /\/invitation\?token=/)[0].text)?.[1];
    const res = await t.http.post(`${API}/auth/invitation/accept`).set('X-Forwarded-For', ip()).send({ token, password: PASSWORD }).expect(200);
    expect(res.body.user.role).toBe('partner');
    return { email, token: res.body.accessToken as string, id: res.body.user.id as string };
  }

  async function createPartner(body: Record<string, unknown>): Promise<{ id: string; contacts: Contact[] }> {
    const res = await t.http.post(`${API}/partners`).set(...auth(admin)).send(body).expect(201);
    const contacts: Contact[] = [];
    for (const c of body.contacts as { email: string }[]) contacts.push(await acceptInvitation(c.email));
    return { id: res.body.id as string, contacts };
  }

  const mail = (suffix: string): string => `${suffix}-${randomBytes(3).toString('hex')}@partner.test`;

  async function referredCase(programme = 'external-incubator', founder: { locale?: 'fr' | 'en'; fullName?: string } = {}): Promise<SubmittedCase> {
    const c = await submitCase(t.http, {}, founder);
    await move(t.http, advisor.token, c.id, { to: 'in_review' });
    await move(t.http, advisor.token, c.id, { to: 'referred', programme });
    return c;
  }

  beforeAll(async () => {
    await sink.start();
    // Monday 7 December 2026, 10:00 Paris
    t = await createTestApp({ now: '2026-12-07T09:00:00Z', env: { SMTP_URL: sink.url } });
    admin = await login(t.http, ADMIN.email, ADMIN.password);
    advisor = await createStaff(t.http, admin, { role: 'advisor', fullName: 'Claire Martin' });
    // a subscriber, so that referral.updated events are written (nobody listens on port 9)
    await t.http.post(`${API}/webhooks`).set(...auth(admin)).send({ url: 'http://127.0.0.1:9/hooks', events: ['referral.updated'] }).expect(201);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('lets an admin record partners, whose contacts are invited to partner accounts', async () => {
    const bad = await t.http
      .post(`${API}/partners`)
      .set(...auth(admin))
      .send({ name: 'Bad', kind: 'school', programmes: ['poc-funding', 'no-such-programme'], contacts: [{ email: 'not-an-email', fullName: '' }] })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['contacts[0].email', 'contacts[0].fullName', 'kind']);
    const internal = await t.http.post(`${API}/partners`).set(...auth(admin)).send({ name: 'Bad', kind: 'other', programmes: ['poc-funding', 'no-such-programme'], contacts: [] }).expect(400);
    expect(internal.body.errors).toEqual([{ field: 'programmes', messages: [expect.stringContaining('no-such-programme'), expect.stringContaining('poc-funding')] }]);
    await t.http.post(`${API}/partners`).set(...auth(advisor.token)).send({ name: 'X', kind: 'other', programmes: [], contacts: [] }).expect(403);

    incubator = await createPartner({ name: 'Incubateur Paris Santé', kind: 'incubator', programmes: ['external-incubator'], contacts: [{ email: mail('julie'), fullName: 'Julie Bernard' }, { email: mail('marc'), fullName: 'Marc Petit', locale: 'en' }] });
    cluster = await createPartner({ name: 'Medicen Cluster', kind: 'cluster', programmes: ['competitiveness-cluster', 'external-incubator'], contacts: [{ email: mail('nora'), fullName: 'Nora Haddad' }] });
    clusterOnly = await createPartner({ name: 'Pôle Santé Est', kind: 'cluster', programmes: ['competitiveness-cluster'], contacts: [{ email: mail('omar'), fullName: 'Omar Diallo' }] });

    // a contact's address cannot be another partner's contact, nor a staff account
    await t.http.post(`${API}/partners`).set(...auth(admin)).send({ name: 'Dup', kind: 'other', programmes: [], contacts: [{ email: incubator.contacts[0].email, fullName: 'J' }] }).expect(409);
    await t.http.post(`${API}/partners`).set(...auth(admin)).send({ name: 'Dup', kind: 'other', programmes: [], contacts: [{ email: advisor.email, fullName: 'C' }] }).expect(409);
    await t.http.post(`${API}/partners`).set(...auth(admin)).send({ name: 'incubateur paris santé', kind: 'other', programmes: [], contacts: [] }).expect(409);

    const list = await t.http.get(`${API}/partners`).set(...auth(advisor.token)).expect(200);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.items.map((p: { name: string }) => p.name)).toEqual(['Incubateur Paris Santé', 'Medicen Cluster', 'Pôle Santé Est']);
    expect(list.body.items[0].contacts).toEqual([
      { id: incubator.contacts[0].id, email: incubator.contacts[0].email, fullName: 'Julie Bernard', pending: false, active: true },
      { id: incubator.contacts[1].id, email: incubator.contacts[1].email, fullName: 'Marc Petit', pending: false, active: true },
    ]);

    // PATCH: a contact added is invited; one taken off loses the account
    const extra = mail('temp');
    const patched = await t.http
      .patch(`${API}/partners/${clusterOnly.id}`)
      .set(...auth(admin))
      .send({ contacts: [{ email: clusterOnly.contacts[0].email, fullName: 'Omar Diallo' }, { email: extra, fullName: 'Temp Contact' }] })
      .expect(200);
    expect(patched.body.contacts.map((c: { email: string; pending: boolean }) => [c.email, c.pending])).toEqual([
      [clusterOnly.contacts[0].email, false],
      [extra, true],
    ]);
    const temp = await acceptInvitation(extra);
    await t.http.get(`${API}/referrals`).set(...auth(temp.token)).expect(200);
    await t.http.patch(`${API}/partners/${clusterOnly.id}`).set(...auth(admin)).send({ contacts: [{ email: clusterOnly.contacts[0].email, fullName: 'Omar Diallo' }] }).expect(200);
    await t.http.get(`${API}/referrals`).set(...auth(temp.token)).expect(401);
    await t.http.patch(`${API}/partners/${clusterOnly.id}`).set(...auth(admin)).send({ programmes: ['startup-studio'] }).expect(400);
    await t.http.patch(`${API}/partners/00000000-0000-4000-8000-000000000000`).set(...auth(admin)).send({ name: 'Nobody' }).expect(404);
  });

  it('asks the founder first, shares on consent, and tells the founder and the advisor the answer, with links to the pages', async () => {
    c1 = await referredCase('external-incubator', { locale: 'en', fullName: 'Camille Martin' });
    // a document the partner will read once the founder consents
    const draftless = await submitCase(t.http); // (a case that stays submitted: not referable)
    await t.http.post(`${API}/applications/${draftless.id}/referrals`).set(...auth(advisor.token)).send({ partnerId: incubator.id }).expect(422);
    await t.http.post(`${API}/applications/${c1.id}/referrals`).set(...auth(advisor.token)).send({ partnerId: clusterOnly.id }).expect(422);
    const unknown = await t.http.post(`${API}/applications/${c1.id}/referrals`).set(...auth(advisor.token)).send({ partnerId: '00000000-0000-4000-8000-000000000000' }).expect(400);
    expect(unknown.body.errors[0].field).toBe('partnerId');
    await t.http.post(`${API}/applications/${c1.id}/referrals`).set(...auth(c1.founder.token)).send({ partnerId: incubator.id }).expect(403);

    const created = await t.http
      .post(`${API}/applications/${c1.id}/referrals`)
      .set(...auth(advisor.token))
      .send({ partnerId: incubator.id, note: 'Strong team; they need help with fundraising.' })
      .expect(201);
    toIncubator = created.body.id;
    expect(created.body).toMatchObject({ applicationId: c1.id, partnerId: incubator.id, partnerName: 'Incubateur Paris Santé', status: 'awaiting_consent', note: 'Strong team; they need help with fundraising.', referredByName: 'Claire Martin', sentAt: null });
    await t.http.post(`${API}/applications/${c1.id}/referrals`).set(...auth(advisor.token)).send({ partnerId: incubator.id }).expect(409);

    // the consent email, in the founder's language, links to the consent page
    await sink.waitFor(() => sink.toMatching(c1.founder.email, 'Incubateur Paris Santé').length === 1);
    const consentMail = sink.toMatching(c1.founder.email, 'Incubateur Paris Santé')[0];
    expect(consentMail.subject).toContain('Consent to sending your application');
    expect(consentMail.text).toContain('Strong team; they need help with fundraising.');
    const consentLink = new RegExp(`https://guichet\\.test/referrals/(${UUID})/consent`).exec(consentMail.text);
    expect(consentLink?.[1]).toBe(toIncubator);

    // nothing is shared before consent
    const julie = incubator.contacts[0];
    await t.http.get(`${API}/referrals/${toIncubator}`).set(...auth(julie.token)).expect(404);
    expect((await t.http.get(`${API}/referrals`).set(...auth(julie.token)).expect(200)).body.items).toEqual([]);
    await t.http.get(`${API}/applications/${c1.id}/documents`).set(...auth(julie.token)).expect(404);
    await t.http.post(`${API}/referrals/${toIncubator}/response`).set(...auth(julie.token)).send({ outcome: 'accepted' }).expect(404);

    // consent given through the link's id
    const consented = await t.http.post(`${API}/referrals/${consentLink?.[1]}/consent`).set(...auth(c1.founder.token)).send({ consent: true }).expect(200);
    expect(consented.body).toMatchObject({ status: 'sent', sentAt: '2026-12-07T09:00:00.000Z' });
    await t.http.post(`${API}/referrals/${toIncubator}/consent`).set(...auth(c1.founder.token)).send({ consent: false }).expect(422);
    await t.http.post(`${API}/referrals/${toIncubator}/consent`).set(...auth(c1.founder.token)).send({ consent: 'yes' }).expect(400);

    // both contacts are told, each in their language, with a link to the partner page
    for (const [contact, words] of [
      [incubator.contacts[0], 'Une startup vous est orientée'],
      [incubator.contacts[1], 'A startup is referred to you'],
    ] as const) {
      await sink.waitFor(() => sink.toMatching(contact.email, words).length === 1);
      const received = sink.toMatching(contact.email, words)[0];
      expect(received.text).toContain(`https://guichet.test/partner/referrals/${toIncubator}`);
      expect(received.text).toContain(c1.reference);
    }

    // the partner reads the application, its documents and the founder's contact
    const read = await t.http.get(`${API}/referrals/${toIncubator}`).set(...auth(julie.token)).expect(200);
    expect(read.body.founder).toEqual({ fullName: 'Camille Martin', email: c1.founder.email });
    expect(read.body.application).toMatchObject({ id: c1.id, reference: c1.reference, startupName: 'Cardiosense', fields: expect.objectContaining({ projectSummary: expect.any(String), trl: 3 }) });
    expect(read.body.documents).toEqual([]);
    await t.http.get(`${API}/applications/${c1.id}/documents`).set(...auth(julie.token)).expect(200);
    // another partner's contact sees nothing of it
    await t.http.get(`${API}/referrals/${toIncubator}`).set(...auth(cluster.contacts[0].token)).expect(404);
    await t.http.get(`${API}/applications/${c1.id}/documents`).set(...auth(cluster.contacts[0].token)).expect(404);
    // the application itself stays the founder's and staff's
    await t.http.get(`${API}/applications/${c1.id}`).set(...auth(julie.token)).expect(404);

    // answers: a reason is required to decline; a meeting, then accepted
    const noReason = await t.http.post(`${API}/referrals/${toIncubator}/response`).set(...auth(julie.token)).send({ outcome: 'declined' }).expect(400);
    expect(noReason.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
    await t.http.post(`${API}/referrals/${toIncubator}/response`).set(...auth(julie.token)).send({ outcome: 'maybe' }).expect(400);
    const meeting = await t.http.post(`${API}/referrals/${toIncubator}/response`).set(...auth(julie.token)).send({ outcome: 'meeting', reason: 'Tuesday 15 December, 10:00, at our offices' }).expect(200);
    expect(meeting.body).toMatchObject({ status: 'meeting', reason: 'Tuesday 15 December, 10:00, at our offices', answeredAt: '2026-12-07T09:00:00.000Z' });
    await sink.waitFor(() => sink.toMatching(c1.founder.email, 'proposes a meeting').length === 1 && sink.toMatching(advisor.email, 'propose un rendez-vous').length === 1);
    expect(sink.toMatching(c1.founder.email, 'proposes a meeting')[0].text).toContain('Tuesday 15 December, 10:00, at our offices');
    expect(sink.toMatching(advisor.email, 'propose un rendez-vous')[0].text).toContain(`https://guichet.test/applications/${c1.id}`);

    t.clock.set('2026-12-08T15:00:00Z');
    const accepted = await t.http.post(`${API}/referrals/${toIncubator}/response`).set(...auth(incubator.contacts[1].token)).send({ outcome: 'accepted' }).expect(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', reason: null, answeredAt: '2026-12-07T09:00:00.000Z' });
    await sink.waitFor(() => sink.toMatching(c1.founder.email, 'will support Cardiosense').length === 1);
    await t.http.post(`${API}/referrals/${toIncubator}/response`).set(...auth(julie.token)).send({ outcome: 'declined', reason: 'changed our minds' }).expect(422);

    // a second partner: the founder refuses; nothing reaches that partner
    const second = await t.http.post(`${API}/applications/${c1.id}/referrals`).set(...auth(advisor.token)).send({ partnerId: cluster.id }).expect(201);
    toCluster = second.body.id;
    await sink.waitFor(() => sink.toMatching(c1.founder.email, 'Medicen Cluster').length === 1);
    const refused = await t.http.post(`${API}/referrals/${toCluster}/consent`).set(...auth(c1.founder.token)).send({ consent: false }).expect(200);
    expect(refused.body).toMatchObject({ status: 'refused', sentAt: null });
    await t.http.get(`${API}/referrals/${toCluster}`).set(...auth(cluster.contacts[0].token)).expect(404);
    await t.http.post(`${API}/referrals/${toCluster}/response`).set(...auth(cluster.contacts[0].token)).send({ outcome: 'accepted' }).expect(404);
    await t.http.get(`${API}/applications/${c1.id}/documents`).set(...auth(cluster.contacts[0].token)).expect(404);
    const clusterMail = await t.db.query(`SELECT count(*)::int AS n FROM emails WHERE template LIKE 'referral-%' AND recipient_id = $1`, [cluster.contacts[0].id]);
    expect(clusterMail.rows[0].n).toBe(0);

    // the staff case page's panel: the case's referrals, and the partners serving its programme
    const panel = await t.app.get(ReferralPanels).staffCase({ id: advisor.id, role: 'advisor', email: advisor.email, fullName: 'Claire Martin', locale: 'fr', programmes: [], emailVerified: true }, { id: c1.id, status: 'referred', programme: 'external-incubator' });
    expect(panel.items.map((r) => [r.partnerName, r.status])).toEqual([
      ['Medicen Cluster', 'refused'],
      ['Incubateur Paris Santé', 'accepted'],
    ]);
    expect(panel.canSend).toBe(true);
    expect(panel.partners.map((p) => p.label)).toEqual(['Incubateur Paris Santé', 'Medicen Cluster']);

    // the founder's timeline tells each step; staff see the same
    const timeline = await t.http.get(`${API}/applications/${c1.id}/timeline`).set(...auth(c1.founder.token)).expect(200);
    expect(timeline.body.items.map((e: { type: string }) => e.type).filter((type: string) => type.startsWith('referral'))).toEqual([
      'referral_created',
      'referral_consent_given',
      'referral_answered',
      'referral_answered',
      'referral_created',
      'referral_consent_refused',
    ]);

    // lists: the founder their own, staff with filters, each partner their own after consent
    expect((await t.http.get(`${API}/referrals`).set(...auth(c1.founder.token)).expect(200)).body.items.map((r: { id: string }) => r.id)).toEqual([toCluster, toIncubator]);
    expect((await t.http.get(`${API}/referrals?partnerId=${cluster.id}`).set(...auth(advisor.token)).expect(200)).body.items.map((r: { id: string }) => r.id)).toEqual([toCluster]);
    expect((await t.http.get(`${API}/referrals?status=accepted`).set(...auth(advisor.token)).expect(200)).body.items.map((r: { id: string }) => r.id)).toEqual([toIncubator]);
    expect((await t.http.get(`${API}/referrals`).set(...auth(julie.token)).expect(200)).body.items.map((r: { id: string }) => r.id)).toEqual([toIncubator]);
    expect((await t.http.get(`${API}/referrals`).set(...auth(cluster.contacts[0].token)).expect(200)).body.items).toEqual([]);
    await t.http.get(`${API}/referrals?status=lost`).set(...auth(advisor.token)).expect(400);

    // every status change is a referral.updated webhook, with ids and statuses only
    const hooks = await t.db.query(`SELECT payload FROM webhook_deliveries WHERE event_type = 'referral.updated' ORDER BY created_at, id`);
    const bodies = hooks.rows.map((r: { payload: string }) => JSON.parse(r.payload) as { type: string; data: Record<string, unknown> });
    // (one instant of the manual clock: compared as sets per referral)
    const statusesOf = (id: string): unknown[] => bodies.filter((b) => b.data.referralId === id).map((b) => b.data.status).sort();
    expect(statusesOf(toIncubator)).toEqual(['accepted', 'awaiting_consent', 'meeting', 'sent']);
    expect(statusesOf(toCluster)).toEqual(['awaiting_consent', 'refused']);
    expect(bodies.every((b) => b.type === 'referral.updated')).toBe(true);
    expect(bodies.find((b) => b.data.referralId === toIncubator && b.data.status === 'awaiting_consent')?.data).toEqual({ applicationId: c1.id, reference: c1.reference, referralId: toIncubator, partnerId: incubator.id, status: 'awaiting_consent' });
    expect(JSON.stringify(bodies)).not.toMatch(/Camille|Cardiosense|fundraising|@|offices/);
  });

  it('shares the documents with the partner once consented', async () => {
    const c = await submitCase(t.http);
    // a founder answering a request for information may add a document
    await move(t.http, advisor.token, c.id, { to: 'info_requested', message: 'Your pitch deck, please' });
    const doc = await uploadDocument(t.http, c.founder.token, c.id, pdf(), { kind: 'pitch_deck', filename: 'deck.pdf' }).expect(201);
    await t.http.post(`${API}/applications/${c.id}/messages`).set(...auth(c.founder.token)).send({ body: 'Here it is' }).expect(201);
    await move(t.http, advisor.token, c.id, { to: 'referred', programme: 'external-incubator' });
    const r = await t.http.post(`${API}/applications/${c.id}/referrals`).set(...auth(advisor.token)).send({ partnerId: incubator.id }).expect(201);
    const julie = incubator.contacts[0];
    await t.http.get(`${API}/documents/${doc.body.id}/content`).set(...auth(julie.token)).expect(404);
    await t.http.post(`${API}/referrals/${r.body.id}/consent`).set(...auth(c.founder.token)).send({ consent: true }).expect(200);
    const read = await t.http.get(`${API}/referrals/${r.body.id}`).set(...auth(julie.token)).expect(200);
    expect(read.body.documents).toEqual([expect.objectContaining({ id: doc.body.id, kind: 'pitch_deck', filename: 'deck.pdf' })]);
    await t.http.get(`${API}/documents/${doc.body.id}/content`).set(...auth(julie.token)).expect(200);
    await t.http.get(`${API}/documents/${doc.body.id}/content`).set(...auth(cluster.contacts[0].token)).expect(404);
    // the partner answers at once, so that this one stays out of the reminders below
    await t.http.post(`${API}/referrals/${r.body.id}/response`).set(...auth(julie.token)).send({ outcome: 'declined', reason: 'Not our field' }).expect(200);
  });

  it('reminds the partner after 5 and 10 business days and escalates to the advisor after 15, once each', async () => {
    t.clock.set('2026-12-07T09:30:00Z'); // Monday 7 December
    c2 = await referredCase('external-incubator', { locale: 'fr' });
    const r = await t.http.post(`${API}/applications/${c2.id}/referrals`).set(...auth(advisor.token)).send({ partnerId: incubator.id }).expect(201);
    chased = r.body.id;
    await t.http.post(`${API}/referrals/${chased}/consent`).set(...auth(c2.founder.token)).send({ consent: true }).expect(200);
    const scan = t.app.get(ReferralRemindersService);
    const chaseRows = async (): Promise<string[]> =>
      (await t.db.query(`SELECT template || ':' || recipient_id AS k FROM emails WHERE template IN ('referral-reminder', 'referral-escalated') AND data->>'referralId' = $1 ORDER BY k`, [chased])).rows.map(
        (x: { k: string }) => x.k,
      );

    t.clock.set('2026-12-11T16:00:00Z'); // Friday: 4 business days
    await scan.scan();
    expect(await chaseRows()).toEqual([]);

    t.clock.set('2026-12-14T08:00:00Z'); // Monday 14, 09:00 Paris: 5 business days
    expect((await scan.scan()).emails).toBe(2);
    expect((await scan.scan()).emails).toBe(0);
    const [julie, marc] = incubator.contacts;
    await sink.waitFor(() => sink.toMatching(julie.email, 'attend votre réponse depuis 5 jours ouvrés').length === 1 && sink.toMatching(marc.email, 'waiting for your answer for 5 business days').length === 1);
    expect(sink.toMatching(julie.email, 'attend votre réponse depuis 5 jours ouvrés')[0].text).toContain(`https://guichet.test/partner/referrals/${chased}`);

    t.clock.set('2026-12-21T08:00:00Z'); // Monday 21: 10 business days
    expect((await scan.scan()).emails).toBe(2);
    await sink.waitFor(() => sink.toMatching(julie.email, 'depuis 10 jours ouvrés').length === 1);

    t.clock.set('2026-12-28T16:00:00Z'); // Monday 28: 14 (Christmas does not count)
    expect((await scan.scan()).emails).toBe(0);
    t.clock.set('2026-12-29T08:00:00Z'); // Tuesday 29: 15 business days
    expect((await scan.scan()).emails).toBe(1);
    expect((await scan.scan()).emails).toBe(0);
    await sink.waitFor(() => sink.toMatching(advisor.email, "n’a pas répondu à l’orientation").length === 1);
    const escalated = sink.toMatching(advisor.email, "n’a pas répondu à l’orientation")[0];
    expect(escalated.text).toContain(c2.reference);
    expect(escalated.text).toContain(`https://guichet.test/applications/${c2.id}`);
    expect(await chaseRows()).toEqual([
      `referral-escalated:${advisor.id}`,
      `referral-reminder:${julie.id}`,
      `referral-reminder:${julie.id}`,
      `referral-reminder:${marc.id}`,
      `referral-reminder:${marc.id}`,
    ].sort());
    const staffTimeline = await t.http.get(`${API}/applications/${c2.id}/timeline`).set(...auth(advisor.token)).expect(200);
    expect(staffTimeline.body.items.some((e: { type: string; public: boolean }) => e.type === 'referral_escalated' && !e.public)).toBe(true);
    const founderTimeline = await t.http.get(`${API}/applications/${c2.id}/timeline`).set(...auth(c2.founder.token)).expect(200);
    expect(founderTimeline.body.items.some((e: { type: string }) => e.type === 'referral_escalated')).toBe(false);

    // answered on Wednesday 30: nothing more is chased
    t.clock.set('2026-12-30T10:00:00Z');
    await t.http.post(`${API}/referrals/${chased}/response`).set(...auth(julie.token)).send({ outcome: 'declined', reason: 'Our spring cohort is full' }).expect(200);
    t.clock.set('2027-01-20T10:00:00Z');
    expect((await scan.scan()).emails).toBe(0);
  });

  it('reports per partner: sent, answered, accepted, declined, median business days to answer (computed by hand)', async () => {
    // December 2026, sent (consented) in the period:
    // - incubator: c1 sent Mon 7, first answered Mon 7 (meeting) → 0 days, now accepted;
    //   the documents case sent Mon 7 (clock 08 Dec 15:00 → Tue 8), declined the same day → 0;
    //   c2 sent Mon 7, declined Wed 30 → 16 business days (8–11, 14–18, 21–24, 28–30; 25 Dec is a holiday)
    //   → sent 3, answered 3, accepted 1, declined 2, median 0
    // - cluster: the one referral was refused, never sent → zeros; Pôle Santé Est → zeros
    const report = await t.http.get(`${API}/reports/referrals?from=2026-12-01&to=2026-12-31`).set(...auth(advisor.token)).expect(200);
    expect(report.body).toEqual({
      from: '2026-12-01',
      to: '2026-12-31',
      items: [
        { partnerId: incubator.id, name: 'Incubateur Paris Santé', sent: 3, answered: 3, accepted: 1, declined: 2, medianBusinessDaysToAnswer: 0 },
        { partnerId: cluster.id, name: 'Medicen Cluster', sent: 0, answered: 0, accepted: 0, declined: 0, medianBusinessDaysToAnswer: null },
        { partnerId: clusterOnly.id, name: 'Pôle Santé Est', sent: 0, answered: 0, accepted: 0, declined: 0, medianBusinessDaysToAnswer: null },
      ],
    });
    const bad = await t.http.get(`${API}/reports/referrals?from=2026-13-01`).set(...auth(advisor.token)).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['from', 'to']);
  });

  describe('authorization matrix', () => {
    let pending: string;
    let other: { token: string; id: string; email: string };

    beforeAll(async () => {
      t.clock.set('2027-02-01T09:00:00Z');
      const c = await referredCase();
      pending = (await t.http.post(`${API}/applications/${c.id}/referrals`).set(...auth(advisor.token)).send({ partnerId: incubator.id }).expect(201)).body.id;
      other = await registerFounder(t.http);
    });

    it('gives a partner contact 404 for other organisations’ referrals, before consent and after a refusal', async () => {
      const julie = incubator.contacts[0];
      const nora = cluster.contacts[0];
      const cases: [string, Contact, string, number][] = [
        ['another organisation’s referral', nora, toIncubator, 404],
        ['before consent', julie, pending, 404],
        ['after a refusal', nora, toCluster, 404],
        ['their own, consented', julie, toIncubator, 200],
      ];
      for (const [why, who, id, status] of cases) {
        const res = await t.http.get(`${API}/referrals/${id}`).set(...auth(who.token));
        expect({ why, status: res.status }).toEqual({ why, status });
      }
      for (const [id, who] of [
        [toIncubator, nora],
        [pending, julie],
        [toCluster, nora],
      ] as const) {
        await t.http.post(`${API}/referrals/${id}/response`).set(...auth(who.token)).send({ outcome: 'meeting' }).expect(404);
      }
    });

    it('gives partners 404 everywhere else, and other roles 403 or 404 as the contract says', async () => {
      const julie = incubator.contacts[0];
      const partnerRoutes: [string, string][] = [
        ['get', `${API}/partners`],
        ['post', `${API}/partners`],
        ['patch', `${API}/partners/${incubator.id}`],
        ['post', `${API}/applications/${c1.id}/referrals`],
        ['post', `${API}/referrals/${toIncubator}/consent`],
        ['get', `${API}/reports/referrals?from=2026-12-01&to=2026-12-31`],
        ['get', `${API}/applications`],
        ['get', `${API}/applications/${c1.id}`],
        ['get', `${API}/applications/${c1.id}/timeline`],
        ['get', `${API}/webhooks`],
      ];
      for (const [method, path] of partnerRoutes) {
        const res = await (t.http as unknown as Record<string, (p: string) => import('supertest').Test>)[method](path).set(...auth(julie.token)).send({});
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      }
      // a founder: their own only; never the partner's answer, the partners or the report
      await t.http.get(`${API}/referrals/${toIncubator}`).set(...auth(other.token)).expect(404);
      await t.http.post(`${API}/referrals/${pending}/consent`).set(...auth(other.token)).send({ consent: true }).expect(404);
      expect((await t.http.get(`${API}/referrals`).set(...auth(other.token)).expect(200)).body.items).toEqual([]);
      await t.http.post(`${API}/referrals/${toIncubator}/response`).set(...auth(c1.founder.token)).send({ outcome: 'accepted' }).expect(403);
      await t.http.get(`${API}/partners`).set(...auth(other.token)).expect(403);
      await t.http.get(`${API}/reports/referrals?from=2026-12-01&to=2026-12-31`).set(...auth(other.token)).expect(403);
      // staff: everything but the founder's consent and the partner's answer
      await t.http.post(`${API}/referrals/${pending}/consent`).set(...auth(advisor.token)).send({ consent: true }).expect(403);
      await t.http.post(`${API}/referrals/${toIncubator}/response`).set(...auth(advisor.token)).send({ outcome: 'accepted' }).expect(403);
      await t.http.get(`${API}/referrals/${pending}`).set(...auth(advisor.token)).expect(200);
      // no token
      await t.http.get(`${API}/referrals`).expect(401);
    });
  });
});
