import { randomUUID } from 'node:crypto';
import { signUnsubscribeToken } from '../src/digests/unsubscribe-token';
import { auth } from './support/cases';
import { png } from './support/document-files';
import { COMPLETE_APPLICATION } from './support/fixtures';
import { declaredRoutes, routeKey } from './support/route-inventory';
import { ADMIN, createStaff, createTestApp, login, registerFounder, TestApp } from './support/test-app';

/**
 * The authorization matrix (issue 8: "one account never sees or changes another's data").
 * Every route of the HTTP contract × every kind of caller × the ids it is tried
 * with, each cell with the status the contract requires:
 * - 401 without a token (except the public routes);
 * - 403 for a role that may never call the route (whatever the id, even an unknown one);
 * - 404 for an id the caller may not see: another founder's application, a draft for staff,
 *   an unknown or malformed id (existence never leaks);
 * - 403 for a programme manager writing to another programme's cohorts;
 * - otherwise the route's own answer: 2xx, or a documented 4xx for the state (e.g. 422).
 * A refused write must change nothing: the case's version is checked after each refusal.
 *
 * The table is the contract's, not the code's: `who` comes from the contract. Routes the code
 * declares (read from the controllers' decorators) must all have a row; contract routes not
 * built yet are listed as todos and tested as soon as a controller declares them.
 */

const API = '/api/v1';

const CALLERS = ['anonymous', 'owner', 'otherFounder', 'advisor', 'pmOwn', 'pmOther', 'admin'] as const;
type Caller = (typeof CALLERS)[number];
type Role = 'founder' | 'advisor' | 'programme_manager' | 'admin';
const ROLE_OF: Record<Exclude<Caller, 'anonymous'>, Role> = {
  owner: 'founder',
  otherFounder: 'founder',
  advisor: 'advisor',
  pmOwn: 'programme_manager',
  pmOther: 'programme_manager',
  admin: 'admin',
};
const STAFF: Role[] = ['advisor', 'programme_manager', 'admin'];
const ALL: Role[] = ['founder', ...STAFF];

/**
 * What a cell's ids are:
 * - `case`: the owner's submitted application (or a fresh one in the state the route needs);
 * - `draft`: the owner's draft; `unknown`: a uuid that names nothing; `malformed`: not a uuid;
 * - `cohort`, `programme`, `enrolment`: of poc-funding, the programme pmOwn manages (pmOther
 *   manages startup-studio);
 * - `staffUser`, `founderUser`: account ids for the admin's user routes;
 * - `document`, `draftDocument`: a document of the owner's case (attached during an information
 *   request), of the owner's draft (invisible to staff, like the draft);
 * - `webhook`: a registered webhook with one delivery (`deliveryId`);
 * - `none`: the route takes no id.
 */
type Target = 'case' | 'draft' | 'document' | 'draftDocument' | 'unknown' | 'malformed' | 'cohort' | 'programme' | 'enrolment' | 'staffUser' | 'founderUser' | 'webhook' | 'none';
type Fresh = 'draft' | 'submitted' | 'info_requested' | 'accepted' | 'enrolment' | 'milestone' | 'webhook' | 'document' | 'draftDocument';
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Ids {
  id: string;
  version?: number;
  enrolmentId?: string;
  milestoneId?: string;
  /** an application accepted into poc-funding, for an enrolment */
  applicationId?: string;
  deliveryId?: string;
}

interface Cell {
  caller: Caller;
  ids: Ids;
  token: string | null;
}

interface RouteSpec {
  method: Method;
  /** with `:id`, `:slug`, `:enrolmentId`, `:milestoneId` placeholders */
  path: string;
  /** who may ever call it (the contract), or public (no token needed) */
  who: 'public' | Role[];
  /**
   * - application: owner or staff; another founder → 404; staff on a draft → 404;
   * - programme: that programme's managers and admins (another programme's manager → 403);
   * - staffAccount: the id must name a staff account (a founder's id → 404).
   */
  scope?: 'application' | 'programme' | 'staffAccount';
  targets?: Target[];
  /** a fresh record per cell for these targets (the route changes state) */
  fresh?: Partial<Record<Target, Fresh>>;
  /** each founder cell calls with a new account (the route ends the caller's account) */
  freshFounder?: boolean;
  /** each cell signs the caller in again and calls with that token (the route ends the token) */
  freshSession?: boolean;
  body?: (cell: Cell) => unknown;
  /** the body is multipart/form-data with a small PNG as `file` (document uploads) */
  upload?: boolean;
  headers?: (cell: Cell) => Record<string, string>;
  /** allowed callers: the statuses the contract gives, per target ('*' for any) */
  ok: Partial<Record<Target | '*', number[]>>;
}

const APP_TARGETS: Target[] = ['case', 'draft', 'unknown', 'malformed'];
const MATRIX_RUBRIC = [{ key: 'science', label: { fr: 'Science', en: 'Science' }, description: { fr: '0 à 5', en: '0 to 5' }, weight: 1, max: 5 }];
const DOCUMENT_TARGETS: Target[] = ['document', 'draftDocument', 'unknown', 'malformed'];
let sequence = 0;
const next = (): number => ++sequence;
/** non-overlapping cohort dates, two weeks apart, from 2031 on */
const cohortDates = (n: number): { startsOn: string; endsOn: string } => {
  const start = new Date(Date.UTC(2031, 0, 1) + n * 14 * 86_400_000);
  const end = new Date(start.getTime() + 10 * 86_400_000);
  return { startsOn: start.toISOString().slice(0, 10), endsOn: end.toISOString().slice(0, 10) };
};

const ROUTES: RouteSpec[] = [
  // ── accounts
  {
    method: 'POST',
    path: '/auth/register',
    who: 'public',
    body: () => ({ email: `matrix-signup-${next()}-${randomUUID().slice(0, 6)}@startup.test`, password: 'founder-password-123', fullName: 'Nina Matrix' }),
    headers: () => ({ 'X-Forwarded-For': `10.77.${next() % 250}.${next() % 250}` }),
    ok: { '*': [201] },
  },
  { method: 'POST', path: '/auth/login', who: 'public', body: () => ({ email: fx.loginUser.email, password: 'founder-password-123' }), ok: { '*': [200] } },
  // one-time links: a forged token is the documented 400 (the flows themselves: accounts.e2e-spec.ts)
  { method: 'POST', path: '/auth/verify-email', who: 'public', body: () => ({ token: 'f'.repeat(43) }), ok: { '*': [400] } },
  { method: 'POST', path: '/auth/verify-email/resend', who: ['founder'], headers: () => ({ 'X-Forwarded-For': `10.78.${next() % 250}.${next() % 250}` }), ok: { '*': [202] } },
  {
    method: 'POST',
    path: '/auth/password/forgot',
    who: 'public',
    body: () => ({ email: `matrix-forgot-${next()}@startup.test` }),
    headers: () => ({ 'X-Forwarded-For': `10.79.${next() % 250}.${next() % 250}` }),
    ok: { '*': [202] },
  },
  { method: 'POST', path: '/auth/password/reset', who: 'public', body: () => ({ token: 'f'.repeat(43), password: 'a brand new passphrase' }), ok: { '*': [400] } },
  { method: 'POST', path: '/auth/invitation/accept', who: 'public', body: () => ({ token: 'f'.repeat(43), password: 'a brand new passphrase' }), ok: { '*': [400] } },
  // a session of its own per cell: logging out must not end the fixture's token
  { method: 'POST', path: '/auth/logout', who: ALL, freshSession: true, ok: { '*': [204] } },
  // a wrong current password: the documented 400, and nobody's sessions end
  { method: 'POST', path: '/me/password', who: ALL, body: () => ({ currentPassword: 'not the password', newPassword: 'a brand new passphrase' }), ok: { '*': [400] } },
  { method: 'GET', path: '/me', who: ALL, ok: { '*': [200] } },
  { method: 'PATCH', path: '/me/preferences', who: ALL, body: () => ({ weeklyDigest: true }), ok: { '*': [200] } },
  { method: 'GET', path: '/me/export', who: ['founder'], ok: { '*': [200] } },
  { method: 'GET', path: '/me/enrolments', who: ['founder'], ok: { '*': [200] } },
  { method: 'DELETE', path: '/me', who: ['founder'], freshFounder: true, ok: { '*': [200, 204] } },
  {
    method: 'POST',
    path: '/users',
    who: ['admin'],
    body: () => ({ email: `matrix-staff-${next()}@campus.test`, fullName: 'Matrix Staff', role: 'advisor', password: 'staff-password-1234' }),
    ok: { '*': [201] },
  },
  { method: 'GET', path: '/users', who: ['admin', 'programme_manager'], ok: { '*': [200] } },
  {
    method: 'POST',
    path: '/users/:id/invitation',
    who: ['admin'],
    scope: 'staffAccount',
    targets: ['staffUser', 'founderUser', 'unknown', 'malformed'],
    // the spare advisor was created with a password: nothing pending to send again (documented 409)
    ok: { staffUser: [409] },
  },
  {
    method: 'PATCH',
    path: '/users/:id',
    who: ['admin'],
    scope: 'staffAccount',
    targets: ['staffUser', 'founderUser', 'unknown', 'malformed'],
    body: () => ({ fullName: 'Spare Advisor' }),
    ok: { staffUser: [200] },
  },

  // ── programmes
  { method: 'GET', path: '/programmes', who: 'public', ok: { '*': [200] } },
  { method: 'GET', path: '/programmes/:slug', who: 'public', targets: ['programme', 'unknown'], ok: { programme: [200], unknown: [404] } },
  {
    method: 'POST',
    path: '/programmes',
    who: ['admin'],
    body: () => ({
      slug: `matrix-programme-${next()}`,
      kind: 'internal',
      name: { fr: 'Programme matrice', en: 'Matrix programme' },
      description: { fr: 'Un programme de test.', en: 'A test programme.' },
      active: false,
      rules: { conditions: [{ code: 'needs_funding', when: { field: 'needs', op: 'includes', value: 'funding' }, text: { fr: 'Besoin de financement', en: 'Needs funding' } }], preferences: [] },
    }),
    ok: { '*': [201] },
  },
  // a programme manager changes only the rubric of their own programmes
  {
    method: 'PATCH',
    path: '/programmes/:slug',
    who: ['programme_manager', 'admin'],
    scope: 'programme',
    targets: ['programme', 'unknown'],
    body: (c) => (c.caller === 'admin' ? { active: true } : { rubric: MATRIX_RUBRIC }),
    ok: { programme: [200] },
  },

  // ── applications (the founder side)
  { method: 'POST', path: '/applications', who: ['founder'], body: () => ({ startupName: 'Matrix Draft' }), ok: { '*': [201] } },
  { method: 'GET', path: '/applications', who: ALL, ok: { '*': [200] } },
  { method: 'GET', path: '/applications/:id', who: ALL, scope: 'application', targets: APP_TARGETS, ok: { '*': [200] } },
  {
    method: 'PATCH',
    path: '/applications/:id',
    who: ['founder'],
    scope: 'application',
    targets: APP_TARGETS,
    fresh: { case: 'info_requested', draft: 'draft' },
    body: () => ({ teamSize: 4 }),
    ok: { '*': [200] },
  },
  {
    method: 'POST',
    path: '/applications/:id/submit',
    who: ['founder'],
    scope: 'application',
    targets: APP_TARGETS,
    fresh: { draft: 'draft' },
    body: () => ({}),
    // the shared case is submitted already: a documented 422
    ok: { case: [422], draft: [200] },
  },
  { method: 'GET', path: '/applications/:id/recommendations', who: ALL, scope: 'application', targets: APP_TARGETS, ok: { '*': [200] } },
  {
    method: 'POST',
    path: '/applications/:id/withdraw',
    who: ['founder'],
    scope: 'application',
    targets: APP_TARGETS,
    fresh: { case: 'submitted' },
    body: () => ({ reason: 'We joined another programme' }),
    // a draft cannot be withdrawn (documented 422)
    ok: { case: [200], draft: [422] },
  },

  // ── cases (the staff side)
  {
    method: 'POST',
    path: '/applications/:id/transitions',
    who: STAFF,
    scope: 'application',
    targets: APP_TARGETS,
    fresh: { case: 'submitted' },
    body: (c) => ({ to: 'in_review', expectedVersion: c.ids.version ?? 1 }),
    ok: { case: [200] },
  },
  {
    method: 'POST',
    path: '/applications/:id/assign',
    who: STAFF,
    scope: 'application',
    targets: APP_TARGETS,
    fresh: { case: 'submitted' },
    body: (c) => ({ assigneeId: fx.advisor.id, expectedVersion: c.ids.version ?? 1 }),
    ok: { case: [200] },
  },
  { method: 'POST', path: '/applications/:id/auto-assign', who: STAFF, scope: 'application', targets: APP_TARGETS, fresh: { case: 'submitted' }, body: () => ({}), ok: { case: [200] } },
  { method: 'POST', path: '/applications/:id/notes', who: STAFF, scope: 'application', targets: APP_TARGETS, body: (c) => ({ body: `Internal note by ${c.caller}` }), ok: { case: [201] } },
  { method: 'GET', path: '/applications/:id/messages', who: ALL, scope: 'application', targets: APP_TARGETS, ok: { '*': [200] } },
  {
    method: 'POST',
    path: '/applications/:id/messages',
    who: ALL,
    scope: 'application',
    targets: APP_TARGETS,
    body: (c) => ({ body: `A message from ${c.caller}` }),
    // a draft has no thread yet (documented 422)
    ok: { case: [201], draft: [422] },
  },
  { method: 'GET', path: '/applications/:id/timeline', who: ALL, scope: 'application', targets: APP_TARGETS, ok: { '*': [200] } },
  { method: 'GET', path: '/applications/:id/timeline/verify', who: ['admin'], scope: 'application', targets: APP_TARGETS, ok: { case: [200] } },

  // ── documents (staff see them once the application is submitted)
  { method: 'POST', path: '/applications/:id/documents', who: ['founder'], scope: 'application', targets: APP_TARGETS, fresh: { case: 'info_requested' }, upload: true, ok: { '*': [201] } },
  { method: 'GET', path: '/applications/:id/documents', who: ALL, scope: 'application', targets: APP_TARGETS, ok: { '*': [200] } },
  { method: 'GET', path: '/documents/:id/content', who: ALL, scope: 'application', targets: DOCUMENT_TARGETS, ok: { '*': [200] } },
  { method: 'DELETE', path: '/documents/:id', who: ['founder'], scope: 'application', targets: DOCUMENT_TARGETS, fresh: { document: 'document', draftDocument: 'draftDocument' }, ok: { '*': [204] } },

  // ── expert reviews and committees (experts' own matrix: reviews.e2e-spec.ts)
  {
    method: 'POST',
    path: '/applications/:id/reviews',
    who: STAFF,
    scope: 'application',
    targets: APP_TARGETS,
    body: () => ({ reviewerId: fx.spareAdvisor.id, dueOn: '2030-01-15' }),
    // the first staff caller invites the spare advisor; the others find them invited (409)
    ok: { case: [201, 409] },
  },
  { method: 'GET', path: '/applications/:id/reviews', who: STAFF, scope: 'application', targets: APP_TARGETS, ok: { '*': [200] } },
  { method: 'GET', path: '/reviews', who: STAFF, ok: { '*': [200] } },
  { method: 'GET', path: '/reviews/:id', who: STAFF, targets: ['unknown', 'malformed'], ok: {} },
  { method: 'POST', path: '/reviews/:id/declaration', who: STAFF, targets: ['unknown', 'malformed'], body: () => ({ conflict: false }), ok: {} },
  { method: 'PUT', path: '/reviews/:id', who: STAFF, targets: ['unknown', 'malformed'], body: () => ({ scores: { science: 1 }, comment: 'x', recommendation: 'discuss' }), ok: {} },
  { method: 'DELETE', path: '/reviews/:id', who: STAFF, targets: ['unknown', 'malformed'], ok: {} },
  {
    method: 'POST',
    path: '/programmes/:slug/committees',
    who: ['programme_manager', 'admin'],
    scope: 'programme',
    targets: ['programme', 'unknown'],
    body: () => ({ name: `Matrix committee ${next()}`, meetsOn: '2030-02-01', applicationIds: [fx.case] }),
    ok: { programme: [201] },
  },
  { method: 'GET', path: '/committees/:id', who: STAFF, targets: ['unknown', 'malformed'], ok: {} },
  {
    method: 'POST',
    path: '/committees/:id/decisions',
    who: ['programme_manager', 'admin'],
    targets: ['unknown', 'malformed'],
    body: () => ({ applicationId: fx.case, decision: 'declined', reason: 'x', expectedVersion: 1 }),
    ok: {},
  },

  // ── cohorts
  {
    method: 'POST',
    path: '/programmes/:slug/cohorts',
    who: ['programme_manager', 'admin'],
    scope: 'programme',
    targets: ['programme', 'unknown'],
    body: () => ({ name: `Matrix cohort ${sequence + 1}`, ...cohortDates(next()), capacity: 10 }),
    ok: { programme: [201] },
  },
  { method: 'GET', path: '/cohorts', who: STAFF, ok: { '*': [200] } },
  { method: 'GET', path: '/cohorts/:id', who: STAFF, targets: ['cohort', 'unknown', 'malformed'], ok: { cohort: [200] } },
  { method: 'GET', path: '/cohorts/:id/dashboard', who: STAFF, targets: ['cohort', 'unknown', 'malformed'], ok: { cohort: [200] } },
  {
    method: 'POST',
    path: '/cohorts/:id/enrolments',
    who: ['programme_manager', 'admin'],
    scope: 'programme',
    targets: ['cohort', 'unknown', 'malformed'],
    fresh: { cohort: 'accepted' },
    body: (c) => ({ applicationId: c.ids.applicationId ?? fx.acceptedSpare }),
    ok: { cohort: [201] },
  },
  {
    method: 'DELETE',
    path: '/cohorts/:id/enrolments/:enrolmentId',
    who: ['programme_manager', 'admin'],
    scope: 'programme',
    targets: ['enrolment', 'unknown', 'malformed'],
    fresh: { enrolment: 'enrolment' },
    ok: { enrolment: [200] },
  },
  {
    method: 'POST',
    path: '/cohorts/:id/milestones',
    who: ['programme_manager', 'admin'],
    scope: 'programme',
    targets: ['cohort', 'unknown', 'malformed'],
    body: (c) => ({ title: `Milestone by ${c.caller}`, dueOn: '2030-03-01' }),
    ok: { cohort: [201] },
  },
  {
    method: 'PATCH',
    path: '/cohorts/:id/milestones/:milestoneId',
    who: ['programme_manager', 'admin'],
    scope: 'programme',
    targets: ['cohort', 'unknown', 'malformed'],
    body: (c) => ({ title: `Renamed by ${c.caller}` }),
    ok: { cohort: [200] },
  },
  {
    method: 'DELETE',
    path: '/cohorts/:id/milestones/:milestoneId',
    who: ['programme_manager', 'admin'],
    scope: 'programme',
    targets: ['cohort', 'unknown', 'malformed'],
    fresh: { cohort: 'milestone' },
    ok: { cohort: [200] },
  },
  {
    method: 'PATCH',
    path: '/enrolments/:enrolmentId/milestones/:milestoneId',
    who: ['programme_manager', 'admin'],
    scope: 'programme',
    targets: ['enrolment', 'unknown', 'malformed'],
    body: () => ({ status: 'done', note: 'On time' }),
    ok: { enrolment: [200] },
  },

  // ── reports, emails, digests
  { method: 'GET', path: '/reports/funnel', who: STAFF, ok: { '*': [200] } },
  { method: 'GET', path: '/reports/applications.csv', who: ['programme_manager', 'admin'], ok: { '*': [200] } },
  { method: 'GET', path: '/emails', who: ['admin'], ok: { '*': [200] } },
  { method: 'POST', path: '/digests/run', who: ['admin'], body: () => ({ week: '2026-W10' }), ok: { '*': [202] } },
  { method: 'GET', path: '/digests/preview', who: ['admin'], scope: 'staffAccount', targets: ['staffUser', 'founderUser', 'unknown'], ok: { staffUser: [200] } },
  { method: 'GET', path: '/unsubscribe', who: 'public', ok: { '*': [200] } },
  { method: 'POST', path: '/unsubscribe', who: 'public', ok: { '*': [200] } },

  // ── webhooks (admin only)
  { method: 'POST', path: '/webhooks', who: ['admin'], body: () => ({ url: 'http://127.0.0.1:9/matrix', events: ['case.assigned'] }), ok: { '*': [201] } },
  { method: 'GET', path: '/webhooks', who: ['admin'], ok: { '*': [200] } },
  { method: 'PATCH', path: '/webhooks/:id', who: ['admin'], targets: ['webhook', 'unknown', 'malformed'], body: () => ({ active: true }), ok: { webhook: [200] } },
  { method: 'DELETE', path: '/webhooks/:id', who: ['admin'], targets: ['webhook', 'unknown', 'malformed'], fresh: { webhook: 'webhook' }, ok: { webhook: [204] } },
  { method: 'GET', path: '/webhooks/:id/deliveries', who: ['admin'], targets: ['webhook', 'unknown', 'malformed'], ok: { webhook: [200] } },
  { method: 'POST', path: '/webhooks/:id/deliveries/:deliveryId/replay', who: ['admin'], targets: ['webhook', 'unknown', 'malformed'], ok: { webhook: [202] } },

  // ── referrals to partner organisations (the partner role's own matrix: test/referrals.e2e-spec.ts)
  { method: 'POST', path: '/partners', who: ['admin'], body: () => ({ name: `Matrix partner ${next()}-${randomUUID().slice(0, 6)}`, kind: 'incubator', programmes: ['external-incubator'], contacts: [] }), ok: { '*': [201] } },
  { method: 'PATCH', path: '/partners/:id', who: ['admin'], targets: ['unknown', 'malformed'], body: () => ({ name: 'Renamed' }), ok: {} },
  { method: 'GET', path: '/partners', who: STAFF, ok: { '*': [200] } },
  // the owner's case is not `referred` and the partner id names nothing: 400 naming partnerId
  { method: 'POST', path: '/applications/:id/referrals', who: STAFF, scope: 'application', targets: APP_TARGETS, body: () => ({ partnerId: randomUUID() }), ok: { case: [400] } },
  { method: 'POST', path: '/referrals/:id/consent', who: ['founder'], targets: ['unknown', 'malformed'], body: () => ({ consent: true }), ok: {} },
  { method: 'GET', path: '/referrals', who: ALL, ok: { '*': [200] } },
  { method: 'GET', path: '/referrals/:id', who: ALL, targets: ['unknown', 'malformed'], ok: {} },
  { method: 'POST', path: '/referrals/:id/response', who: [], targets: ['unknown', 'malformed'], body: () => ({ outcome: 'accepted' }), ok: {} },
  { method: 'GET', path: '/reports/referrals', who: STAFF, ok: { '*': [200] } },

  // ── outside the prefix
  { method: 'GET', path: '/health', who: 'public', ok: { '*': [200] } },
];

const fullPath = (r: RouteSpec): string => (r.path === '/health' ? r.path : `${API}${r.path}`);
const declared = new Set(declaredRoutes().map(routeKey));
const built = ROUTES.filter((r) => declared.has(routeKey({ method: r.method, path: fullPath(r) })));
const pending = ROUTES.filter((r) => !built.includes(r));
const cellsOf = (r: RouteSpec): number => (r.targets ?? ['none']).length * CALLERS.length;
const MATRIX_SIZE = built.reduce((n, r) => n + cellsOf(r), 0);

/** The status the contract requires for one cell. */
function expected(route: RouteSpec, target: Target, caller: Caller): number[] {
  const allowed = route.ok[target] ?? route.ok['*'];
  if (route.who === 'public') return allowed ?? [];
  if (caller === 'anonymous') return [401];
  const role = ROLE_OF[caller];
  if (!route.who.includes(role)) return [403];
  if (target === 'unknown' || target === 'malformed') return [404];
  if (route.scope === 'application' && (caller === 'otherFounder' || (role !== 'founder' && (target === 'draft' || target === 'draftDocument')))) return [404];
  if (route.scope === 'staffAccount' && target === 'founderUser') return [404];
  if (route.scope === 'programme' && caller === 'pmOther') return [403];
  if (!allowed) throw new Error(`no allowed status for ${route.method} ${route.path} on ${target}`);
  return allowed;
}

interface Person {
  token: string;
  id: string;
  email: string;
}

interface Fixture {
  owner: Person;
  otherFounder: Person;
  loginUser: Person;
  advisor: Person;
  spareAdvisor: Person;
  pmOwn: Person;
  pmOther: Person;
  admin: { token: string; id: string };
  case: string;
  draft: string;
  document: string;
  draftDocument: string;
  cohort: string;
  enrolment: string;
  milestone: string;
  acceptedSpare: string;
  webhook: Ids;
}

let t: TestApp;
let fx: Fixture;

describe(`authorization matrix: ${built.length} routes × ${CALLERS.length} callers × their ids = ${MATRIX_SIZE} cells`, () => {
  beforeAll(async () => {
    t = await createTestApp({ env: { APP_ROLE: 'api' } });
    const adminToken = await login(t.http, ADMIN.email, ADMIN.password);
    const adminId = (await t.http.get(`${API}/me`).set(...auth(adminToken)).expect(200)).body.id as string;
    const [owner, otherFounder, loginUser, advisor, spareAdvisor, pmOwn, pmOther] = await Promise.all([
      registerFounder(t.http, { fullName: 'Olivia Owner' }),
      registerFounder(t.http, { fullName: 'Oscar Other' }),
      registerFounder(t.http, { fullName: 'Lou Login' }),
      createStaff(t.http, adminToken, { role: 'advisor', fullName: 'Adèle Advisor' }),
      createStaff(t.http, adminToken, { role: 'advisor', fullName: 'Spare Advisor' }),
      createStaff(t.http, adminToken, { role: 'programme_manager', programmes: ['poc-funding'], fullName: 'Paul Poc' }),
      createStaff(t.http, adminToken, { role: 'programme_manager', programmes: ['startup-studio'], fullName: 'Stella Studio' }),
    ]);
    fx = { owner, otherFounder, loginUser, advisor, spareAdvisor, pmOwn, pmOther, admin: { token: adminToken, id: adminId } } as Fixture;
    // poc-funding (the matrix case's programme) is reviewed on a rubric
    await t.http.patch(`${API}/programmes/poc-funding`).set(...auth(adminToken)).send({ rubric: MATRIX_RUBRIC }).expect(200);
    fx.case = await makeFresh('submitted').then((i) => i.id);
    fx.draft = await makeFresh('draft').then((i) => i.id);
    fx.document = (await makeFresh('document')).id;
    fx.draftDocument = (await makeFresh('draftDocument')).id;
    const cohort = await t.http.post(`${API}/programmes/poc-funding/cohorts`).set(...auth(adminToken)).send({ name: 'Matrix shared cohort', startsOn: '2030-01-01', endsOn: '2030-12-31', capacity: 1000 }).expect(201);
    fx.cohort = cohort.body.id;
    fx.milestone = (await t.http.post(`${API}/cohorts/${fx.cohort}/milestones`).set(...auth(adminToken)).send({ title: 'Shared milestone', dueOn: '2030-06-01' }).expect(201)).body.id;
    fx.enrolment = (await makeFresh('enrolment')).enrolmentId as string;
    fx.acceptedSpare = (await makeFresh('accepted')).id;
    fx.webhook = await makeFresh('webhook');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has a row for every route the controllers declare', () => {
    const rows = new Set(ROUTES.map((r) => routeKey({ method: r.method, path: fullPath(r) })));
    expect([...declared].filter((k) => !rows.has(k))).toEqual([]);
  });

  for (const route of pending) it.todo(`${route.method} ${fullPath(route)} (in the contract, not built yet)`);

  for (const route of built) {
    const targets = route.targets ?? ['none'];
    it(`${route.method} ${fullPath(route)}: ${targets.length * CALLERS.length} cells`, async () => {
      const mismatches: string[] = [];
      for (const target of targets) {
        for (const caller of CALLERS) {
          const want = expected(route, target, caller);
          const problem = await runCell(route, target, caller, want);
          if (problem) mismatches.push(`${caller} on ${target}: ${problem}`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('never lists one founder’s applications to another, nor drafts to staff', async () => {
    const ref = (id: string): Promise<string> => t.http.get(`${API}/applications/${id}`).set(...auth(fx.owner.token)).then((r) => r.body.reference as string);
    const [caseRef, draftRef] = await Promise.all([ref(fx.case), ref(fx.draft)]);
    const other = await t.http.get(`${API}/applications?limit=100`).set(...auth(fx.otherFounder.token)).expect(200);
    const otherIds = other.body.items.map((a: { id: string }) => a.id);
    expect(otherIds).not.toContain(fx.case);
    expect(otherIds).not.toContain(fx.draft);
    expect(other.body.items.every((a: { ownerId: string }) => a.ownerId === fx.otherFounder.id)).toBe(true);
    for (const q of [caseRef, draftRef, 'Cardiosense']) {
      const found = await t.http.get(`${API}/applications`).query({ q, status: 'draft,submitted,in_review' }).set(...auth(fx.otherFounder.token)).expect(200);
      expect(found.body.items.filter((a: { ownerId: string }) => a.ownerId !== fx.otherFounder.id)).toEqual([]);
    }
    for (const staff of [fx.advisor, fx.pmOwn, fx.pmOther, fx.admin]) {
      const drafts = await t.http.get(`${API}/applications`).query({ status: 'draft', limit: 100 }).set(...auth(staff.token)).expect(200);
      expect(drafts.body.items).toEqual([]);
      const byRef = await t.http.get(`${API}/applications`).query({ q: draftRef }).set(...auth(staff.token)).expect(200);
      expect(byRef.body.items).toEqual([]);
    }
    // the owner's own list has both, and only theirs
    const mine = await t.http.get(`${API}/applications?limit=100`).set(...auth(fx.owner.token)).expect(200);
    expect(mine.body.items.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining([fx.case, fx.draft]));
    expect(mine.body.items.every((a: { ownerId: string }) => a.ownerId === fx.owner.id)).toBe(true);
  });

  it('never lets an id in a body or a query reach what the caller may not see', async () => {
    const draftRef = (await t.http.get(`${API}/applications/${fx.draft}`).set(...auth(fx.owner.token)).expect(200)).body.reference as string;
    // a draft named in an enrolment is as unknown as an id that names nothing
    const draftEnrol = await t.http.post(`${API}/cohorts/${fx.cohort}/enrolments`).set(...auth(fx.admin.token)).send({ applicationId: fx.draft }).expect(404);
    const unknownEnrol = await t.http.post(`${API}/cohorts/${fx.cohort}/enrolments`).set(...auth(fx.admin.token)).send({ applicationId: randomUUID() }).expect(404);
    expect(draftEnrol.body.message).toEqual(unknownEnrol.body.message);
    // a founder is no assignee
    await t.http.post(`${API}/applications/${fx.case}/assign`).set(...auth(fx.advisor.token)).send({ assigneeId: fx.owner.id, expectedVersion: await versionOf(fx.case) }).expect(400);
    // the inbox export has no drafts
    const csv = await t.http.get(`${API}/reports/applications.csv`).set(...auth(fx.admin.token)).expect(200);
    expect(csv.text).not.toContain(draftRef);
    // another founder's export mentions nothing of the owner's
    const exported = await t.http.get(`${API}/me/export`).set(...auth(fx.otherFounder.token)).expect(200);
    const text = JSON.stringify(exported.body);
    for (const secret of [fx.case, fx.draft, draftRef, fx.owner.id, fx.owner.email]) expect(text).not.toContain(secret);
  });

  it('shows the owner none of the staff-only data of their case', async () => {
    const timeline = await t.http.get(`${API}/applications/${fx.case}/timeline`).set(...auth(fx.owner.token)).expect(200);
    expect(timeline.body.items.every((e: { public: boolean }) => e.public)).toBe(true);
    expect(JSON.stringify(timeline.body)).not.toContain('Internal note by');
    const staffView = await t.http.get(`${API}/applications/${fx.case}/timeline`).set(...auth(fx.advisor.token)).expect(200);
    expect(JSON.stringify(staffView.body)).toContain('Internal note by');
    const recommendations = await t.http.get(`${API}/applications/${fx.case}/recommendations`).set(...auth(fx.owner.token)).expect(200);
    expect(recommendations.body).not.toHaveProperty('current');
  });

  // issue 13: /users is for staff accounts, for every caller who may read it
  it('never lists a founder through /users (role=founder is 403)', async () => {
    for (const staff of [fx.pmOwn, fx.pmOther, fx.admin]) {
      await t.http.get(`${API}/users?role=founder`).set(...auth(staff.token)).expect(403);
      const listed = await t.http.get(`${API}/users?limit=100`).set(...auth(staff.token)).expect(200);
      const ids = listed.body.items.map((u: { id: string }) => u.id);
      expect(ids).not.toContain(fx.owner.id);
      expect(ids).not.toContain(fx.otherFounder.id);
      expect(listed.body.items.every((u: { role: string }) => u.role !== 'founder')).toBe(true);
    }
    for (const other of [fx.owner, fx.advisor]) await t.http.get(`${API}/users?role=founder`).set(...auth(other.token)).expect(403);
  });
});

/** Creates a record in the state a cell needs (owned by the owner; cohort work by the admin). */
async function makeFresh(kind: Fresh): Promise<Ids> {
  if (kind === 'document' || kind === 'draftDocument') {
    const application = await makeFresh(kind === 'document' ? 'info_requested' : 'draft');
    const doc = await t.http.post(`${API}/applications/${application.id}/documents`).set(...auth(fx.owner.token)).field('kind', 'other').attach('file', png(), 'logo.png').expect(201);
    return { id: doc.body.id };
  }
  if (kind === 'milestone') {
    const milestone = await t.http.post(`${API}/cohorts/${fx.cohort}/milestones`).set(...auth(fx.admin.token)).send({ title: `Fresh milestone ${next()}`, dueOn: '2030-07-01' }).expect(201);
    return { id: fx.cohort, milestoneId: milestone.body.id };
  }
  if (kind === 'webhook') {
    // a webhook with one delivery: the submission below writes it (this app runs no dispatcher)
    const hook = await t.http.post(`${API}/webhooks`).set(...auth(fx.admin.token)).send({ url: 'http://127.0.0.1:9/matrix', events: ['application.submitted'] }).expect(201);
    const { id: caseId } = await makeFresh('submitted');
    await t.http.patch(`${API}/webhooks/${hook.body.id}`).set(...auth(fx.admin.token)).send({ active: false }).expect(200);
    const delivery = await t.db.query<{ id: string }>('SELECT id FROM webhook_deliveries WHERE webhook_id = $1 AND payload LIKE $2', [hook.body.id, `%${caseId}%`]);
    return { id: hook.body.id, deliveryId: delivery.rows[0].id };
  }
  const draft = await t.http.post(`${API}/applications`).set(...auth(fx.owner.token)).send(COMPLETE_APPLICATION).expect(201);
  if (kind === 'draft') return { id: draft.body.id, version: draft.body.version };
  const submitted = await t.http.post(`${API}/applications/${draft.body.id}/submit`).set(...auth(fx.owner.token)).send({}).expect(200);
  const id = submitted.body.id as string;
  if (kind === 'submitted') return { id, version: submitted.body.version };
  let version = submitted.body.version as number;
  if (kind !== 'info_requested') {
    // a decision is only taken from in_review: take the case into review first
    const reviewed = await t.http.post(`${API}/applications/${id}/transitions`).set(...auth(fx.admin.token)).send({ to: 'in_review', expectedVersion: version }).expect(200);
    version = reviewed.body.version as number;
  }
  const body = kind === 'info_requested' ? { to: 'info_requested', message: 'Could you send your latest results?' } : { to: 'accepted', programme: 'poc-funding' };
  const moved = await t.http.post(`${API}/applications/${id}/transitions`).set(...auth(fx.admin.token)).send({ ...body, expectedVersion: version }).expect(200);
  if (kind !== 'enrolment') return { id, version: moved.body.version };
  const enrolment = await t.http.post(`${API}/cohorts/${fx.cohort}/enrolments`).set(...auth(fx.admin.token)).send({ applicationId: id }).expect(201);
  return { id: fx.cohort, enrolmentId: enrolment.body.id };
}

async function idsFor(route: RouteSpec, target: Target): Promise<Ids> {
  const fresh = route.fresh?.[target];
  if (fresh) {
    const made = await makeFresh(fresh);
    // a fresh accepted case is what the enrolment body names, in the shared cohort
    return fresh === 'accepted' ? { id: fx.cohort, applicationId: made.id } : made;
  }
  switch (target) {
    case 'case':
      return { id: fx.case, version: await versionOf(fx.case) };
    case 'draft':
      return { id: fx.draft, version: await versionOf(fx.draft) };
    case 'document':
      return { id: fx.document };
    case 'draftDocument':
      return { id: fx.draftDocument };
    case 'unknown':
      return { id: randomUUID(), enrolmentId: randomUUID(), milestoneId: randomUUID(), deliveryId: randomUUID() };
    case 'malformed':
      return { id: 'not-a-uuid', enrolmentId: '1 OR 1=1', milestoneId: 'x', deliveryId: 'y' };
    case 'cohort':
      return { id: fx.cohort, milestoneId: fx.milestone };
    case 'programme':
      return { id: 'poc-funding' };
    case 'enrolment':
      return { id: fx.cohort, enrolmentId: fx.enrolment, milestoneId: fx.milestone };
    case 'staffUser':
      return { id: fx.spareAdvisor.id };
    case 'founderUser':
      return { id: fx.otherFounder.id };
    case 'webhook':
      return fx.webhook;
    case 'none':
      return { id: '' };
  }
}

async function versionOf(id: string): Promise<number | undefined> {
  const rows = await t.db.query<{ version: number }>('SELECT version FROM applications WHERE id = $1', [id]);
  return rows.rows[0]?.version;
}

async function tokenOf(route: RouteSpec, caller: Caller): Promise<string | null> {
  if (caller === 'anonymous') return null;
  if (route.freshFounder && ROLE_OF[caller] === 'founder') return (await registerFounder(t.http)).token;
  if (route.freshSession) {
    if (caller === 'admin') return login(t.http, ADMIN.email, ADMIN.password);
    return login(t.http, fx[caller].email, ROLE_OF[caller] === 'founder' ? 'founder-password-123' : 'staff-password-1234');
  }
  return caller === 'admin' ? fx.admin.token : fx[caller].token;
}

/** Runs one cell; answers what went wrong, or null. */
async function runCell(route: RouteSpec, target: Target, caller: Caller, want: number[]): Promise<string | null> {
  const ids = await idsFor(route, target);
  const token = await tokenOf(route, caller);
  const cell: Cell = { caller, ids, token };
  let path = fullPath(route)
    .replace(':slug', target === 'unknown' ? 'no-such-programme' : ids.id)
    .replace(':enrolmentId', ids.enrolmentId ?? '')
    .replace(':milestoneId', ids.milestoneId ?? '')
    .replace(':deliveryId', ids.deliveryId ?? '')
    .replace(':id', ids.id);
  if (route.path === '/digests/preview') path += `?userId=${ids.id}`;
  if (route.path === '/unsubscribe') path += `?token=${signUnsubscribeToken(t.config.jwtSecret, fx.loginUser.id, t.clock.now())}`;
  if (route.path === '/reports/funnel' || route.path === '/reports/referrals') path += '?from=2026-01-01&to=2026-12-31';

  const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  let req = t.http[method](path);
  if (token) req = req.set(...auth(token));
  for (const [name, value] of Object.entries(route.headers?.(cell) ?? {})) req = req.set(name, value);
  const body = route.body?.(cell);
  const res = await (route.upload ? req.field('kind', 'other').attach('file', png(), 'logo.png') : body === undefined ? req : req.send(body as object));

  const problems: string[] = [];
  if (!want.includes(res.status)) problems.push(`answered ${res.status}, the contract says ${want.join(' or ')} (${JSON.stringify(res.body).slice(0, 200)})`);
  const json = (res.headers['content-type'] ?? '').startsWith('application/json');
  if (res.status >= 400 && json && (typeof res.body.statusCode !== 'number' || typeof res.body.error !== 'string' || res.body.message === undefined)) {
    problems.push(`error body is not {statusCode, error, message}: ${JSON.stringify(res.body).slice(0, 200)}`);
  }
  // a refused write changes nothing
  if ([401, 403, 404].includes(res.status) && route.method !== 'GET' && route.scope === 'application' && (target === 'case' || target === 'draft')) {
    const after = await versionOf(ids.id);
    if (after !== ids.version) problems.push(`refused with ${res.status} but the application changed (version ${ids.version} → ${after})`);
  }
  return problems.length > 0 ? problems.join('; ') : null;
}
