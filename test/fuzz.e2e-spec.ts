import { JwtService } from '@nestjs/jwt';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { auth, move, submitCase } from './support/cases';
import { COMPLETE_APPLICATION } from './support/fixtures';
import { ADMIN, createStaff, createTestApp, login, registerFounder, TestApp } from './support/test-app';

/**
 * Property-based fuzzing of the running app over HTTP (issue 8: "whatever a client sends, the
 * answer is a 4xx that names the problem, never a 5xx, and the service stays healthy").
 *
 * Every write route's body (arbitrary JSON, valid bodies with fields replaced by wrong types,
 * nulls, 100 kB strings, deep nesting, `__proto__`/`constructor` keys, lone surrogates, NUL,
 * NaN-ish strings, 1e308, -0, raw number tokens such as 1e400), raw non-JSON bodies and wrong
 * content types, invalid UTF-8 byte sequences, and the main query strings and path ids.
 * Property: never a 5xx; every 4xx JSON body is `{statusCode, error, message}`. Afterwards
 * /health is 200 and no request polluted Object.prototype (the app runs in this process).
 *
 * Reproducible: a fixed seed, FUZZ_SEED=<n> to explore another part of the space, and
 * FUZZ_RUNS=<factor> to scale the number of runs (default 1, sized to stay under 60 s here),
 * FUZZ_KEEP_GOING=1 to send every planned request and list every failure at the end.
 */

const API = '/api/v1';
const SEED = Number(process.env.FUZZ_SEED ?? 8_2026);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));
/** FUZZ_KEEP_GOING=1: send every planned request and list every failure at the end. */
const KEEP_GOING = process.env.FUZZ_KEEP_GOING === '1';
const RUNS = { body: runs(70), raw: runs(400), query: runs(80), path: runs(200), headers: runs(150) };

type Method = 'get' | 'post' | 'patch' | 'delete';
type Res = { status: number; body: any; headers: Record<string, string> };

// ───────────────────────────── values ─────────────────────────────

/** A JSON token written as-is (e.g. `1e400`, `-0`, a 50 000-deep array), through JSON.stringify. */
const RAW = '\u0001RAW:';
const raw = (text: string): string => `${RAW}${text}\u0001`;
function serialize(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = 'null';
  }
  return (text ?? '').replace(/"\\u0001RAW:((?:[^"\\]|\\.)*?)\\u0001"/g, (_, token: string) => JSON.parse(`"${token}"`) as string);
}

/** Objects built with defineProperty, so `__proto__` is an own key that JSON.stringify writes. */
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const HUGE = 'x'.repeat(100_000);
const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const nasty = fc.constantFrom(
  '', ' ', '\t\n', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '\ud83d\ude00', '\u202e', '\ufeff', 'é', 'e\u0301',
  'NaN', 'Infinity', '-Infinity', '-0', '0', '1e308', '-1e308', '1e-400', '0x1F', '  42  ', '4.2', 'true', 'null', 'undefined', '[]', '{}',
  '__proto__', 'constructor', 'prototype', "' OR 1=1 --", '%00', '%', '../../etc/passwd', '<script>alert(1)</script>', '{{constructor.constructor}}',
  '2026-02-30', '9999-12-31', '0000-00-00', '275760-09-13', '2026-13-01', '2026-W99', 'GU-2026-000001', 'GU-0000-000000',
  '00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', 'https://', 'https://a', 'javascript:alert(1)', 'a@b', 'A@B.TEST ',
);
const weirdString = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: utf16Unit, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(HUGE, 'é'.repeat(60_000), '\ud800'.repeat(30_000), `${'a'.repeat(99_990)}@x.test`) },
);
const weirdNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e308, -1e308, 5e-324, -0, 2 ** 53, 2 ** 53 + 2, 2 ** 31, -(2 ** 31) - 1, 1.5, 0.1, 10000, 100_000_001, 1e21),
  fc.constantFrom(raw('1e400'), raw('-1e400'), raw('-0'), raw('1E308'), raw('123456789012345678901234567890'), raw('0.000000000000000000001')),
);
const deep = fc.integer({ min: 20, max: 50_000 }).chain((n) => fc.constantFrom(raw(`${'['.repeat(n)}${']'.repeat(n)}`), raw(`${'{"a":'.repeat(Math.min(n, 20_000))}1${'}'.repeat(Math.min(n, 20_000))}`)));
const specialKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'isAdmin', 'role', 'ownerId', 'status', 'version', 'id', '');
const keyArb = fc.oneof(specialKey, fc.string({ maxLength: 12 }));
const weirdValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    weirdNumber,
    weirdString,
    deep,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(keyArb, tie('value')), { maxLength: 4 }).map(objectOf),
  ),
})).value;

/** Arbitrary JSON documents, keys included. */
const anything = fc.anything({ maxDepth: 3, maxKeys: 5, key: keyArb, withNullPrototype: true, withSparseArray: true, withBoxedValues: true });

// ───────────────────────────── the routes ─────────────────────────────

interface Ctx {
  admin: string;
  founder: { token: string; id: string; email: string };
  advisor: { token: string; id: string };
  manager: { token: string; id: string };
  spare: { id: string };
  draft: string;
  incomplete: string;
  caseId: string;
  withdrawable: string;
  cohort: string;
  enrolment: string;
  milestone: string;
}

interface WriteRoute {
  name: string;
  method: Method;
  path: (c: Ctx) => string;
  token: (c: Ctx) => string | null;
  /** a valid body; mutations start from it (computed at send time: versions move) */
  valid: (c: Ctx) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** plausible values for its fields, mixed with the weird ones */
  plausible?: unknown[];
  forwardedFor?: boolean;
}

let t: TestApp;
let ctx: Ctx;
const versionOf = async (id: string): Promise<number> => (await t.db.query<{ version: number }>('SELECT version FROM applications WHERE id = $1', [id])).rows[0]?.version ?? 1;

const RULES: Record<string, unknown> = {
  conditions: [{ code: 'needs_funding', when: { field: 'needs', op: 'includes', value: 'funding' }, text: { fr: 'Financement', en: 'Funding' } }],
  preferences: [{ code: 'early', when: { any: [{ field: 'trl', op: 'lte', value: 4 }, { not: { field: 'stage', op: 'in', value: ['market'] } }] }, weight: 10, text: { fr: 'Tôt', en: 'Early' } }],
  fallback: true,
};
const RULE_PARTS: unknown[] = [
  { field: 'trl', op: 'between', value: [9, 1] },
  { field: 'incorporationDate', op: 'withinMonthsBeforeToday', value: 1e9 },
  { field: 'nope', op: 'eq', value: 1 },
  { all: [] },
  { not: { not: { not: { not: { not: { not: { not: { not: { not: { field: 'trl', op: 'exists' } } } } } } } } } },
  [{ code: 'x', when: { field: 'trl', op: 'gte', value: '3' }, text: { fr: 'a', en: 'b' } }],
  { conditions: [], preferences: [] },
  'includesAll',
  'withinMonthsBeforeToday',
];
const APPLICATION_VALUES: unknown[] = ['idea', 'market', 'medtech', ['medtech'], ['funding', 'funding'], 'inserm', true, false, 1, 9, 500, 501, '2025-01-15', '2999-01-01', '732829320', '732829321', 'https://x.example', 'http://x.example'];

const WRITES: WriteRoute[] = [
  {
    name: 'register',
    method: 'post',
    path: () => '/auth/register',
    token: () => null,
    forwardedFor: true,
    valid: () => ({ email: `fuzz-${randomUUID()}@startup.test`, password: 'founder-password-123', fullName: 'Fuzz Founder', locale: 'en' }),
    plausible: ['fr', 'en', 'de', 'a@b.test'],
  },
  { name: 'login', method: 'post', path: () => '/auth/login', token: () => null, forwardedFor: true, valid: (c) => ({ email: c.founder.email, password: 'wrong-password-123' }) },
  {
    name: 'users create',
    method: 'post',
    path: () => '/users',
    token: (c) => c.admin,
    valid: () => ({ email: `fuzz-staff-${randomUUID()}@campus.test`, fullName: 'Fuzz Staff', role: 'advisor', password: 'staff-password-1234', capacity: 3, programmes: ['poc-funding'], languages: ['fr'] }),
    plausible: ['advisor', 'programme_manager', 'admin', 'founder', ['poc-funding'], ['nope'], ['fr', 'en'], 0, 1000],
  },
  {
    name: 'users patch',
    method: 'patch',
    path: (c) => `/users/${c.spare.id}`,
    token: (c) => c.admin,
    valid: () => ({ fullName: 'Spare Staff', capacity: null, active: true }),
    plausible: ['advisor', 'programme_manager', 'founder', ['startup-studio'], true, false],
  },
  { name: 'preferences', method: 'patch', path: () => '/me/preferences', token: (c) => c.founder.token, valid: () => ({ weeklyDigest: false, locale: 'fr' }), plausible: ['fr', 'en', true, false] },
  {
    name: 'programmes create',
    method: 'post',
    path: () => '/programmes',
    token: (c) => c.admin,
    valid: () => ({
      slug: `fuzz-${randomUUID().slice(0, 8)}`,
      kind: 'external',
      active: false,
      name: { fr: 'Fuzz', en: 'Fuzz' },
      description: { fr: 'Programme de test.', en: 'Test programme.' },
      rules: RULES,
    }),
    plausible: RULE_PARTS,
  },
  {
    name: 'programmes patch (rules)',
    method: 'patch',
    path: () => '/programmes/fuzz-lab',
    token: (c) => c.admin,
    valid: () => ({ rules: RULES, name: { fr: 'Labo', en: 'Lab' }, active: false }),
    plausible: RULE_PARTS,
  },
  {
    name: 'applications create',
    method: 'post',
    path: () => '/applications',
    token: (c) => c.founder.token,
    valid: () => ({ ...COMPLETE_APPLICATION, incorporated: true, incorporationDate: '2025-01-15', siren: '732829320' }),
    plausible: APPLICATION_VALUES,
  },
  {
    name: 'applications patch',
    method: 'patch',
    path: (c) => `/applications/${c.draft}`,
    token: (c) => c.founder.token,
    valid: async (c) => ({ teamSize: 5, website: 'https://example.org', expectedVersion: await versionOf(c.draft) }),
    plausible: APPLICATION_VALUES,
  },
  { name: 'applications submit', method: 'post', path: (c) => `/applications/${c.incomplete}/submit`, token: (c) => c.founder.token, valid: async (c) => ({ expectedVersion: await versionOf(c.incomplete) }) },
  {
    name: 'applications withdraw',
    method: 'post',
    path: (c) => `/applications/${c.withdrawable}/withdraw`,
    token: (c) => c.founder.token,
    valid: async (c) => ({ reason: 'Changed our plans', expectedVersion: (await versionOf(c.withdrawable)) + 1000 }),
  },
  {
    name: 'transitions',
    method: 'post',
    path: (c) => `/applications/${c.caseId}/transitions`,
    token: (c) => c.advisor.token,
    valid: async (c) => ({ to: 'info_requested', message: 'Could you tell us more?', reason: 'r', programme: 'poc-funding', expectedVersion: await versionOf(c.caseId) }),
    plausible: ['draft', 'submitted', 'in_review', 'info_requested', 'accepted', 'referred', 'declined', 'withdrawn', 'poc-funding', 'external-incubator', 'no-such-programme'],
  },
  {
    name: 'assign',
    method: 'post',
    path: (c) => `/applications/${c.caseId}/assign`,
    token: (c) => c.advisor.token,
    valid: async (c) => ({ assigneeId: c.advisor.id, expectedVersion: await versionOf(c.caseId) }),
    plausible: [randomUUID(), '00000000-0000-0000-0000-000000000000'],
  },
  { name: 'auto-assign', method: 'post', path: (c) => `/applications/${c.caseId}/auto-assign`, token: (c) => c.advisor.token, valid: async (c) => ({ expectedVersion: await versionOf(c.caseId) }) },
  { name: 'notes', method: 'post', path: (c) => `/applications/${c.caseId}/notes`, token: (c) => c.advisor.token, valid: () => ({ body: 'An internal note' }) },
  { name: 'messages (founder)', method: 'post', path: (c) => `/applications/${c.caseId}/messages`, token: (c) => c.founder.token, valid: () => ({ body: 'Here are our results' }) },
  { name: 'messages (staff)', method: 'post', path: (c) => `/applications/${c.caseId}/messages`, token: (c) => c.advisor.token, valid: () => ({ body: 'Thank you' }) },
  {
    name: 'cohorts create',
    method: 'post',
    path: () => '/programmes/poc-funding/cohorts',
    token: (c) => c.manager.token,
    valid: () => {
      const year = 2100 + Math.floor(Math.random() * 800);
      return { name: 'Fuzz cohort', startsOn: `${year}-01-01`, endsOn: `${year}-01-10`, capacity: 5 };
    },
    plausible: ['2027-01-01', '2027-02-29', '2028-02-29', 1, 10000, 10001],
  },
  { name: 'enrolments', method: 'post', path: (c) => `/cohorts/${c.cohort}/enrolments`, token: (c) => c.manager.token, valid: (c) => ({ applicationId: c.caseId }) },
  { name: 'milestones', method: 'post', path: (c) => `/cohorts/${c.cohort}/milestones`, token: (c) => c.manager.token, valid: () => ({ title: 'Fuzz milestone', dueOn: '2030-03-01' }) },
  {
    name: 'milestone progress',
    method: 'patch',
    path: (c) => `/enrolments/${c.enrolment}/milestones/${c.milestone}`,
    token: (c) => c.manager.token,
    valid: () => ({ status: 'done', note: 'ok' }),
    plausible: ['pending', 'done', 'missed', 'late'],
  },
  { name: 'digests run', method: 'post', path: () => '/digests/run', token: (c) => c.admin, valid: () => ({ week: '2026-W10' }), plausible: ['2026-W01', '2026-W53', '2020-W53', '0000-W00', '9999-W52'] },
];

/** Values a client could plausibly send by mistake: close to valid, of the right or a near type. */
const NEAR_VALID: unknown[] = [null, true, false, 0, 1, -1, 2, '', ' ', 'x', 'fr', 'en', [], {}, '2027-01-01', randomUUID()];

/**
 * A valid body with some fields dropped and some set to other values: weird ones (wrong types,
 * huge, deep, special keys), or plausible ones (the route's own near-valid values), which reach
 * the deeper checks (services, the database) more often than weird ones do.
 */
function mutatedBody(route: WriteRoute, mode: 'weird' | 'plausible'): fc.Arbitrary<(c: Ctx) => Promise<unknown>> {
  const value = mode === 'weird' ? weirdValue : fc.constantFrom(...NEAR_VALID, ...(route.plausible ?? []));
  const key = mode === 'weird' ? fc.oneof({ weight: 4, arbitrary: fc.nat(20) }, { weight: 1, arbitrary: keyArb }) : fc.nat(20);
  return fc
    .record({
      drop: fc.array(fc.nat(20), { maxLength: mode === 'weird' ? 2 : 1 }),
      set: fc.array(fc.tuple(key, value), { minLength: mode === 'weird' ? 1 : 0, maxLength: mode === 'weird' ? 3 : 2 }),
    })
    .map(({ drop, set }) => async (c: Ctx) => {
      const base = await route.valid(c);
      const keys = Object.keys(base);
      const entries = new Map(Object.entries(base));
      for (const i of drop) entries.delete(keys[i % keys.length]);
      for (const [k, v] of set) entries.set(typeof k === 'number' ? (keys[k % keys.length] ?? 'x') : k, v);
      return objectOf([...entries]);
    });
}

/** Raw payloads: not JSON, wrong content types, invalid UTF-8, bad encodings, too large. */
const bytes = (...b: number[]): Buffer => Buffer.from(b);
const INVALID_UTF8 = [bytes(0xff), bytes(0xc3, 0x28), bytes(0xa0, 0xa1), bytes(0xe2, 0x28, 0xa1), bytes(0xf0, 0x28, 0x8c, 0x28), bytes(0xc0, 0xaf), bytes(0xed, 0xa0, 0x80), bytes(0xf8, 0x88, 0x80, 0x80, 0x80), bytes(0xfe, 0xfe, 0xff, 0xff)];
interface RawBody {
  type: string | null;
  payload: string | Buffer;
  encoding?: string;
}
const rawBody: fc.Arbitrary<RawBody> = fc.oneof(
  fc.record({ type: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/merge-patch+json'), payload: fc.string({ maxLength: 60 }) }),
  fc.record({ type: fc.constantFrom('application/json', 'application/json; charset=utf-8'), payload: fc.constantFrom('{', '{"a":}', "{'a':1}", '[1,]', 'NaN', '-', '"\\ud800"', '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}', '\ufeff{}', '{"a":1}{"b":2}', '') }),
  fc.record({
    type: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain'),
    payload: fc.tuple(fc.constantFrom(...INVALID_UTF8), fc.boolean()).map(([b, wrap]) => (wrap ? Buffer.concat([Buffer.from('{"startupName":"'), b, Buffer.from('","body":"'), b, Buffer.from('"}')]) : b)),
  }),
  fc.record({ type: fc.constant('application/json'), payload: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) }),
  fc.record({
    type: fc.constantFrom('application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json; charset=klingon', 'application/json; charset='),
    payload: fc.constant('{"a":1}'),
  }),
  fc.record({ type: fc.constantFrom('text/plain', 'text/html', 'application/xml', 'application/octet-stream', 'image/png', '*/*', 'garbage', ';;;'), payload: fc.oneof(fc.string({ maxLength: 40 }), fc.constant('{"body":"hello"}')) }),
  fc.record({
    type: fc.constant('application/x-www-form-urlencoded'),
    payload: fc.constantFrom('body=hello', '__proto__[isAdmin]=true&constructor[prototype][x]=1', 'a=%FF%FE', 'a', '&&&==', 'expectedVersion=1&to=in_review', `a=${'b'.repeat(20_000)}`, Array.from({ length: 50 }, (_, i) => `k${i}=v`).join('&')),
  }),
  fc.record({ type: fc.constantFrom('multipart/form-data; boundary=xyz', 'multipart/form-data'), payload: fc.constant('--xyz\r\nContent-Disposition: form-data; name="body"\r\n\r\nhello\r\n--xyz--\r\n') }),
  fc.record({ type: fc.constant(null), payload: fc.constant('{"body":"no content type"}') }),
  fc.record({ type: fc.constant('application/json'), payload: fc.constant('{"a":1}'), encoding: fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'identity, gzip') }),
  fc.record({ type: fc.constant('application/json'), payload: fc.constant(`{"body":"${'y'.repeat(300_000)}"}`) }),
);

// ───────────────────────────── queries and path ids ─────────────────────────────

/** Percent-encodes every UTF-8 byte (lone surrogates become U+FFFD, as a browser would send). */
const pct = (s: string): string => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
/** Pieces of a URL written as-is: bad escapes, separators. */
const rawUrlPiece = fc.constantFrom('%', '%zz', '%FF%FE', '%C0%AF', '%ED%A0%80', '%00', '+', '&&', '==', '[]', '%25', '%2e%2e', '..', ';', '#');
const queryString = fc.oneof(weirdString.filter((s) => s.length <= 3000).map(pct), rawUrlPiece, fc.string({ maxLength: 20 }).map(pct));
const cursor = fc.oneof(
  queryString,
  fc
    .array(fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.double(), fc.constant(null), fc.boolean(), fc.constantFrom('2026-01-01T00:00:00.000Z', randomUUID(), '275760-09-13T00:00:00.000Z', 'now', '-1', 'NaN', '1e308', 'infinity', '99999999999')), { maxLength: 3 })
    .map((key) => Buffer.from(serialize(key), 'utf8').toString('base64url')),
);
const limit = fc.oneof(fc.constantFrom('1e308', '99999999999999999999', '2147483648', '9007199254740993', '-1', '0', '-0', 'NaN', 'Infinity', '1.5', '0x10', '%205', '100', '101', '1e2', ''), fc.integer().map(String));
const day = fc.oneof(fc.constantFrom('2026-02-30', '0001-01-01', '9999-12-31', '275760-09-13', '2026-13-01', '2026-1-1', '2026-01-01T00:00:00Z', '20260101', '1970-01-01', '2026-12-31', '2000-01-01', '1900-01-01'), queryString);

interface QueryRoute {
  name: string;
  path: (c: Ctx) => string;
  token: (c: Ctx) => string | null;
  params: Record<string, fc.Arbitrary<string>>;
  html?: boolean;
  method?: Method;
}
const inboxParams = {
  status: fc.oneof(fc.constantFrom('submitted', 'draft,submitted', 'in_review,,', ',', 'SUBMITTED', 'submitted,submitted'), queryString),
  programme: fc.oneof(fc.constantFrom('poc-funding', 'nope'), queryString),
  assignee: fc.oneof(fc.constantFrom('me', 'unassigned', randomUUID(), 'ME'), queryString),
  sla: fc.oneof(fc.constantFrom('at_risk', 'breached'), queryString),
  q: fc.oneof(fc.constantFrom('GU-2026-000001', 'gu-2026-1', 'GU-9999-999999', 'Cardio', '%', '_', '\\'), queryString),
  sort: fc.oneof(fc.constantFrom('submittedAt', '-submittedAt', 'decisionDueAt'), queryString),
  limit,
  cursor,
};
const QUERIES: QueryRoute[] = [
  { name: 'inbox (staff)', path: () => '/applications', token: (c) => c.advisor.token, params: inboxParams },
  { name: 'applications (founder)', path: () => '/applications', token: (c) => c.founder.token, params: inboxParams },
  { name: 'applications.csv', path: () => '/reports/applications.csv', token: (c) => c.manager.token, params: { ...inboxParams, limit, cursor } },
  { name: 'users list', path: () => '/users', token: (c) => c.admin, params: { role: fc.oneof(fc.constantFrom('advisor', 'founder', 'admin'), queryString), limit, cursor } },
  {
    name: 'emails log',
    path: () => '/emails',
    token: (c) => c.admin,
    params: { recipient: fc.oneof(fc.constantFrom(randomUUID(), 'a@b.test'), queryString), template: fc.oneof(fc.constantFrom('case-assigned', 'nope'), queryString), status: fc.oneof(fc.constantFrom('sent', 'queued'), queryString), limit, cursor },
  },
  { name: 'funnel report', path: () => '/reports/funnel', token: (c) => c.manager.token, params: { from: day, to: day, programme: fc.oneof(fc.constantFrom('poc-funding', 'nope'), queryString) } },
  { name: 'cohorts list', path: () => '/cohorts', token: (c) => c.advisor.token, params: { programme: fc.oneof(fc.constantFrom('poc-funding', 'nope'), queryString) } },
  { name: 'messages', path: (c) => `/applications/${c.caseId}/messages`, token: (c) => c.founder.token, params: { limit, cursor } },
  { name: 'timeline', path: (c) => `/applications/${c.caseId}/timeline`, token: (c) => c.advisor.token, params: { limit, cursor } },
  { name: 'programmes', path: () => '/programmes', token: () => null, params: { locale: fc.oneof(fc.constantFrom('fr', 'en'), queryString), includeInactive: fc.oneof(fc.constantFrom('true', 'false'), queryString) } },
  { name: 'digest preview', path: () => '/digests/preview', token: (c) => c.admin, params: { userId: fc.oneof(fc.constant(randomUUID()), queryString) } },
  { name: 'unsubscribe (GET)', path: () => '/unsubscribe', token: () => null, params: { token: fc.oneof(queryString, fc.constant('eyJ1IjoiYSJ9.AAAA')) }, html: true },
  { name: 'unsubscribe (POST)', method: 'post', path: () => '/unsubscribe', token: () => null, params: { token: fc.oneof(queryString, fc.constant('eyJ1IjoiYSJ9.AAAA')) }, html: true },
];
/** name=value pairs: known names (possibly repeated: arrays), unknown names, bare names. */
function queryOf(params: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const names = Object.keys(params);
  const pair = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...names).chain((n) => params[n].map((v) => `${n}=${v}`)) },
    { weight: 1, arbitrary: fc.tuple(fc.oneof(specialKey, fc.string({ maxLength: 10 })).map(pct), queryString).map(([k, v]) => `${k}=${v}`) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...names), rawUrlPiece) },
  );
  return fc.array(pair, { maxLength: 6 }).map((pairs) => pairs.join('&'));
}

const ID_SAMPLES = fc.oneof(queryString.filter((s) => s.length > 0 && s.length < 3000), fc.constantFrom(randomUUID().toUpperCase(), `${randomUUID()}x`, `{${randomUUID()}}`, 'a'.repeat(5000)));
interface PathRoute {
  method: Method;
  path: (id: string, c: Ctx) => string;
  token: (c: Ctx) => string | null;
}
const PATHS: PathRoute[] = [
  { method: 'get', path: (id) => `/applications/${id}`, token: (c) => c.founder.token },
  { method: 'get', path: (id) => `/applications/${id}/timeline`, token: (c) => c.advisor.token },
  { method: 'get', path: (id) => `/cohorts/${id}`, token: (c) => c.advisor.token },
  { method: 'get', path: (id) => `/programmes/${id}`, token: () => null },
  { method: 'patch', path: (id) => `/programmes/${id}`, token: (c) => c.admin },
  { method: 'post', path: (id) => `/programmes/${id}/cohorts`, token: (c) => c.manager.token },
  { method: 'patch', path: (id) => `/users/${id}`, token: (c) => c.admin },
  { method: 'delete', path: (id, c) => `/cohorts/${c.cohort}/enrolments/${id}`, token: (c) => c.manager.token },
  { method: 'patch', path: (id, c) => `/enrolments/${id}/milestones/${c.milestone}`, token: (c) => c.manager.token },
];

/** Forged or broken credentials and odd headers. */
interface Headers {
  authorization?: string;
  forgedClaims?: Record<string, unknown>;
  acceptLanguage?: string;
  requestId?: string;
}
const headerValue = fc.oneof(fc.string({ maxLength: 60 }), nasty.filter((v) => !/[\u0000-\u001f\u007f-\uffff]/.test(v)), fc.constant('x'.repeat(8000)));
const headers: fc.Arbitrary<Headers> = fc.oneof(
  fc.record({ authorization: fc.oneof(headerValue, headerValue.map((v) => `Bearer ${v}`), fc.constantFrom('Bearer', 'Bearer ', 'Basic YTpi', 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'bearer x.y.z')) }),
  fc.record({
    forgedClaims: fc.record(
      { sub: fc.oneof(fc.constant(randomUUID()), fc.constant('00000000-0000-0000-0000-000000000000'), weirdValue), role: fc.constantFrom('admin', 'founder', 42), exp: fc.oneof(fc.integer({ min: 0 }), fc.constant(1e308)) },
      { requiredKeys: [] },
    ),
  }),
  fc.record({ acceptLanguage: headerValue, requestId: headerValue }, { requiredKeys: [] }),
);
const HEADER_ROUTES: { method: Method; path: (c: Ctx) => string }[] = [
  { method: 'get', path: () => '/me' },
  { method: 'get', path: (c) => `/applications/${c.caseId}` },
  { method: 'get', path: () => '/programmes' },
  { method: 'get', path: () => '/me/export' },
  { method: 'post', path: (c) => `/applications/${c.caseId}/notes` },
];

// ───────────────────────────── sending and judging ─────────────────────────────

let sent = 0;
const serverErrors: string[] = [];
const badErrorBodies: string[] = [];

interface Request {
  method: Method;
  path: string;
  token: string | null;
  json?: string;
  raw?: RawBody;
  forwardedFor?: boolean;
  html?: boolean;
  headers?: Record<string, string>;
}

async function send(r: Request): Promise<Res> {
  sent++;
  let req = t.http[r.method](r.path.startsWith('/health') ? r.path : `${API}${r.path}`);
  if (r.token) req = req.set(...auth(r.token));
  for (const [name, value] of Object.entries(r.headers ?? {})) req = req.set(name, value);
  if (r.forwardedFor) req = req.set('X-Forwarded-For', `10.${sent % 250}.${(sent >> 8) % 250}.${Math.floor(Math.random() * 250)}`);
  let res: Res;
  if (r.json !== undefined) {
    res = await req.set('Content-Type', 'application/json').send(r.json);
  } else if (r.raw) {
    if (r.raw.type !== null) req = req.set('Content-Type', r.raw.type);
    else req = req.unset('Content-Type');
    if (r.raw.encoding) req = req.set('Content-Encoding', r.raw.encoding);
    res = await req.send(r.raw.payload as string);
  } else {
    res = await req;
  }
  return res;
}

/** What is wrong with an answer (null: nothing). */
function judge(r: Request, res: Res, input: string): string | null {
  const where = `${r.method.toUpperCase()} ${r.path.slice(0, 200)} ${input.slice(0, 300)}`;
  if (res.status >= 500) {
    serverErrors.push(`${res.status} ${where}`);
    return `answered ${res.status}: ${where} → ${JSON.stringify(res.body).slice(0, 300)}`;
  }
  if (res.status >= 400 && !r.html) {
    const b = res.body as { statusCode?: unknown; error?: unknown; message?: unknown } | undefined;
    const messageOk = typeof b?.message === 'string' || (Array.isArray(b?.message) && b.message.every((m) => typeof m === 'string'));
    if (!b || b.statusCode !== res.status || typeof b.error !== 'string' || !messageOk) {
      badErrorBodies.push(`${res.status} ${where}`);
      return `a ${res.status} without {statusCode, error, message}: ${where} → ${JSON.stringify(res.body).slice(0, 300)} (${res.headers['content-type']})`;
    }
  }
  return null;
}

async function check(r: Request, input: string): Promise<void> {
  const res = await send(r);
  const problem = judge(r, res, input);
  if (problem && !KEEP_GOING) throw new Error(problem);
}

const plan = (n: number, count: number): number => n * count;
const PLANNED =
  plan(RUNS.body, WRITES.length) + // JSON bodies, per write route
  RUNS.raw + // raw bodies over all write routes
  plan(RUNS.query, QUERIES.length) + // query strings
  RUNS.path + // path ids
  RUNS.headers + // credentials and headers
  1; // /health at the end

const options = (offset: number, numRuns: number): fc.Parameters<unknown> => ({ seed: SEED + offset, numRuns, endOnFailure: true });

describe(`fuzzing every write route, raw bodies, queries and ids (seed ${SEED}): ${PLANNED} requests, never a 5xx`, () => {
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

  beforeAll(async () => {
    t = await createTestApp({ env: { APP_ROLE: 'api', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' } });
    const admin = await login(t.http, ADMIN.email, ADMIN.password);
    const founder = await registerFounder(t.http);
    const [advisor, manager, spare] = await Promise.all([
      createStaff(t.http, admin, { role: 'advisor' }),
      createStaff(t.http, admin, { role: 'programme_manager', programmes: ['poc-funding'] }),
      createStaff(t.http, admin, { role: 'advisor' }),
    ]);
    const h = t.http;
    const draft = (await h.post(`${API}/applications`).set(...auth(founder.token)).send(COMPLETE_APPLICATION).expect(201)).body.id as string;
    const incomplete = (await h.post(`${API}/applications`).set(...auth(founder.token)).send({ startupName: 'Half done' }).expect(201)).body.id as string;
    const submit = async (): Promise<string> => {
      const id = (await h.post(`${API}/applications`).set(...auth(founder.token)).send(COMPLETE_APPLICATION).expect(201)).body.id as string;
      await h.post(`${API}/applications/${id}/submit`).set(...auth(founder.token)).send({}).expect(200);
      return id;
    };
    const caseId = await submit();
    const withdrawable = await submit();
    const accepted = await submitCase(h);
    await move(h, admin, accepted.id, { to: 'in_review' });
    await move(h, admin, accepted.id, { to: 'accepted', programme: 'poc-funding' });
    const cohort = (await h.post(`${API}/programmes/poc-funding/cohorts`).set(...auth(admin)).send({ name: 'Fuzz', startsOn: '2030-01-01', endsOn: '2030-12-31', capacity: 50 }).expect(201)).body.id as string;
    const enrolment = (await h.post(`${API}/cohorts/${cohort}/enrolments`).set(...auth(admin)).send({ applicationId: accepted.id }).expect(201)).body.id as string;
    const milestone = (await h.post(`${API}/cohorts/${cohort}/milestones`).set(...auth(admin)).send({ title: 'Deck', dueOn: '2030-02-01' }).expect(201)).body.id as string;
    await h
      .post(`${API}/programmes`)
      .set(...auth(admin))
      .send({ slug: 'fuzz-lab', kind: 'external', active: false, name: { fr: 'Labo', en: 'Lab' }, description: { fr: 'Labo.', en: 'Lab.' }, rules: RULES })
      .expect(201);
    ctx = { admin, founder, advisor, manager, spare, draft, incomplete, caseId, withdrawable, cohort, enrolment, milestone };
  });
  afterAll(async () => {
    await t?.close();
  });

  WRITES.forEach((route, i) => {
    it(`${route.name}: ${RUNS.body} JSON bodies`, async () => {
      const body = fc.oneof(
        { weight: 3, arbitrary: mutatedBody(route, 'weird') },
        { weight: 2, arbitrary: mutatedBody(route, 'plausible') },
        { weight: 2, arbitrary: anything.map((v) => () => Promise.resolve(v)) },
        { weight: 1, arbitrary: weirdValue.map((v) => () => Promise.resolve(v)) },
      );
      await fc.assert(
        fc.asyncProperty(body, async (make) => {
          const json = serialize(await make(ctx));
          await check({ method: route.method, path: route.path(ctx), token: route.token(ctx), json, forwardedFor: route.forwardedFor }, json);
        }),
        options(i, RUNS.body),
      );
    });
  });

  it(`raw bodies, wrong content types and invalid UTF-8 on every write route: ${RUNS.raw} requests`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...WRITES), rawBody, async (route, body) => {
        const shown = `${body.type} ${body.encoding ?? ''} ${Buffer.isBuffer(body.payload) ? body.payload.toString('hex').slice(0, 100) : JSON.stringify(body.payload.slice(0, 100))}`;
        await check({ method: route.method, path: route.path(ctx), token: route.token(ctx), raw: body, forwardedFor: route.forwardedFor }, shown);
      }),
      options(100, RUNS.raw),
    );
  });

  QUERIES.forEach((route, i) => {
    it(`${route.name}: ${RUNS.query} query strings`, async () => {
      await fc.assert(
        fc.asyncProperty(queryOf(route.params), async (query) => {
          await check({ method: route.method ?? 'get', path: `${route.path(ctx)}?${query}`, token: route.token(ctx), html: route.html }, '');
        }),
        options(200 + i, RUNS.query),
      );
    });
  });

  it(`path ids: ${RUNS.path} requests`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), ID_SAMPLES, async (route, id) => {
        await check({ method: route.method, path: route.path(id, ctx), token: route.token(ctx), json: route.method === 'get' || route.method === 'delete' ? undefined : '{}' }, '');
      }),
      options(300, RUNS.path),
    );
  });

  it(`forged tokens and odd headers: ${RUNS.headers} requests`, async () => {
    const jwt = t.app.get(JwtService);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...HEADER_ROUTES), headers, async (route, h) => {
        const set: Record<string, string> = {};
        if (h.authorization !== undefined) set.Authorization = h.authorization;
        if (h.forgedClaims) {
          let token: string;
          try {
            token = await jwt.signAsync(h.forgedClaims as Record<string, unknown> & object, { expiresIn: undefined });
          } catch {
            token = 'not.a.token';
          }
          set.Authorization = `Bearer ${token}`;
        }
        if (h.acceptLanguage !== undefined) set['Accept-Language'] = h.acceptLanguage;
        if (h.requestId !== undefined) set['X-Request-Id'] = h.requestId;
        await check({ method: route.method, path: route.path(ctx), token: null, headers: set, json: route.method === 'post' ? '{"body":"hello"}' : undefined }, JSON.stringify(set).slice(0, 300));
      }),
      options(400, RUNS.headers),
    );
  });

  it('leaves the service healthy, Object.prototype untouched, and counts every request', async () => {
    const health = await send({ method: 'get', path: '/health', token: null });
    expect(health.status).toBe(200);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect({ requests: sent, serverErrors, badErrorBodies }).toEqual({ requests: PLANNED, serverErrors: [], badErrorBodies: [] });
  });
});
