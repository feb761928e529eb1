/**
 * Fills a Guichet database with realistic demo data, fast (see seed-demo.ts for the command).
 *
 * 1. Creates and migrates the database with the app's own `migrateDatabase`.
 * 2. Staff (idempotent, by email): one admin, programme managers, advisors with capacity,
 *    programmes and languages. Cohorts with milestones for the internal programmes (once).
 * 3. Cases, in batches, tops up to `cases` demo cases: founders, applications in every state,
 *    their hash-chained timelines, messages, notes, enrolments and milestone progress
 *    (demo-cases.ts), each batch one transaction of multi-row INSERT ... SELECT FROM unnest(...)
 *    statements, `jobs` batches in flight on their own connections while the next is generated.
 *    References are reserved from reference_counters per batch, so the counter ends right after
 *    the last seeded reference and the app carries on from there.
 * 4. The email log of reminders already due (draft, unanswered request, milestone) so a worker
 *    started on the database does not send a flood of them, then VACUUM (ANALYZE).
 *
 * Every account shares ONE scrypt hash of the demo password, computed once per run (hashing
 * each of tens of thousands of accounts would take minutes): demo data only.
 */
import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import { hashPassword } from '../users/password';
import { addBusinessDays, addCalendarDays, endOfParisDay, parisDate } from '../domain/business-calendar';
import { migrateDatabase } from '../database/run-migrations';
import type { ProgrammeRules } from '../routing/rule-language';
import { bulkInsert, columnsOf, pgArrayLiteral } from './bulk';
import { CaseFactory, DEMO_EMAIL_DOMAIN, personName, type CaseBatch, type DemoAdvisor, type DemoCohort, type DemoFounder, type DemoManager } from './demo-cases';
import { DemoCalendar } from './demo-calendar';
import { generateProfilePool, type SeedProgramme } from './demo-profiles';
import { MILESTONE_TITLES } from './demo-words';
import { Progress, formatDuration } from './progress';
import { intBetween, pick, prng, someOf, type Random } from './random';

export { DEMO_EMAIL_DOMAIN };
export const DEMO_PASSWORD = 'guichet-demo-password';
export const DEMO_ADMIN_EMAIL = `admin@${DEMO_EMAIL_DOMAIN}`;
export const advisorEmail = (n: number): string => `advisor-${String(n).padStart(4, '0')}@${DEMO_EMAIL_DOMAIN}`;
export const managerEmail = (n: number): string => `manager-${String(n).padStart(3, '0')}@${DEMO_EMAIL_DOMAIN}`;

/** Cases are submitted over this many days before now. */
export const WINDOW_DAYS = 730;

export interface SeedOptions {
  databaseUrl: string;
  /** demo cases wanted in all (drafts included); the seed tops up to this number */
  cases: number;
  advisors?: number;
  managers?: number;
  /** founders wanted in all; 'auto' = one per 8 cases */
  founders?: number | 'auto';
  seed?: number;
  batchSize?: number;
  /** batches loading at once, each on its own connection */
  jobs?: number;
  password?: string;
  /** progress bar on stderr (default true) */
  progress?: boolean;
  log?: (message: string) => void;
  /** VACUUM (ANALYZE) at the end (default) or ANALYZE only */
  vacuum?: boolean;
}

export interface SeedSummary {
  databaseUrl: string;
  casesBefore: number;
  casesAdded: number;
  casesTotal: number;
  foundersAdded: number;
  founders: number;
  advisors: number;
  managers: number;
  rows: { events: number; messages: number; notes: number; enrolments: number; milestoneProgress: number; reminderLog: number };
  statuses: Record<string, number>;
  seconds: { migrate: number; staff: number; cases: number; finish: number; total: number };
}

const USER_COLUMNS = columnsOf('id uuid, email text, password_hash text, full_name text, role text, locale text, email_verified_at timestamptz, created_at timestamptz, updated_at timestamptz');
const STAFF_COLUMNS = columnsOf(
  'id uuid, email text, password_hash text, full_name text, role text, locale text, capacity int, programmes text:text[], languages text:text[], email_verified_at timestamptz, created_at timestamptz, updated_at timestamptz',
);
const APPLICATION_COLUMNS = columnsOf(
  'id uuid, reference text, owner_id uuid, assignee_id uuid, status text, version int, programme text, startup_name text, project_summary text, stage text, trl smallint, ' +
    'domains text:text[], needs text:text[], incorporated boolean, incorporation_date date, siren text, academic_affiliation text, looking_for_cofounder boolean, team_size int, ' +
    'funding_sought_eur bigint, website text, locale text, recommendations int, rules_versions text:jsonb, top_programme text, submitted_at timestamptz, ' +
    'first_response_due_at timestamptz, first_responded_at timestamptz, decision_due_at timestamptz, decided_at timestamptz, first_decided_at timestamptz, paused_at timestamptz, withdrawn_at timestamptz, ' +
    'created_at timestamptz, updated_at timestamptz',
);
const EVENT_COLUMNS = columnsOf('application_id uuid, seq int, at timestamptz, type text, actor_id uuid, actor_role text, public boolean, data text:jsonb, prev_hash text, hash text');
const MESSAGE_COLUMNS = columnsOf('id uuid, application_id uuid, author_id uuid, author_role text, body text, created_at timestamptz');
const NOTE_COLUMNS = columnsOf('id uuid, application_id uuid, author_id uuid, body text, created_at timestamptz');
const ENROLMENT_COLUMNS = columnsOf('id uuid, cohort_id uuid, application_id uuid, programme text, enrolled_by uuid, created_at timestamptz');
const PROGRESS_COLUMNS = columnsOf('enrolment_id uuid, milestone_id uuid, status text, note text, updated_by uuid, updated_at timestamptz');

const DEMO_LIKE = `%@${DEMO_EMAIL_DOMAIN}`;
const DAY = 86_400_000;

function sinceSeconds(start: number): number {
  return (performance.now() - start) / 1000;
}

/** Staff attributes depend only on the seed and the staff number, so a re-run finds the same people. */
function staffRandom(seed: number, kind: number, n: number): Random {
  return prng((seed * 31 + kind * 1_000_003 + n * 7919) >>> 0);
}

async function ensureStaff(pool: Pool, o: Required<Pick<SeedOptions, 'advisors' | 'managers' | 'seed'>>, passwordHash: string, programmes: SeedProgramme[], windowStart: Date): Promise<{ advisors: DemoAdvisor[]; managers: DemoManager[]; adminId: string }> {
  const slugs = programmes.filter((p) => p.active).map((p) => p.slug);
  const data: Record<string, unknown[]> = Object.fromEntries(STAFF_COLUMNS.map((c) => [c.name, [] as unknown[]]));
  const add = (email: string, role: string, r: Random, capacity: number | null, progs: string[], languages: string[], createdMs: number): void => {
    const at = new Date(createdMs).toISOString();
    data.id.push(randomUUID());
    data.email.push(email);
    data.password_hash.push(passwordHash);
    data.full_name.push(personName(r));
    data.role.push(role);
    data.locale.push(r() < 0.85 ? 'fr' : 'en');
    data.capacity.push(capacity);
    data.programmes.push(pgArrayLiteral(progs));
    data.languages.push(pgArrayLiteral(languages));
    data.email_verified_at.push(at);
    data.created_at.push(at);
    data.updated_at.push(at);
  };
  const base = windowStart.getTime() - 60 * DAY;
  add(DEMO_ADMIN_EMAIL, 'admin', staffRandom(o.seed, 0, 0), null, [], ['fr', 'en'], base);
  for (let n = 1; n <= o.managers; n++) {
    const r = staffRandom(o.seed, 1, n);
    // every programme has a manager; some managers run two
    const progs = [slugs[(n - 1) % slugs.length], ...(r() < 0.3 ? [pick(r, slugs)] : [])];
    add(managerEmail(n), 'programme_manager', r, null, [...new Set(progs)], ['fr'], base + n * 60_000);
  }
  for (let n = 1; n <= o.advisors; n++) {
    const r = staffRandom(o.seed, 2, n);
    const progs = [slugs[(n - 1) % slugs.length], ...someOf(r, slugs, 1, 2)];
    const languages = r() < 0.5 ? ['fr', 'en'] : r() < 0.9 ? ['fr'] : ['en', 'fr'];
    add(advisorEmail(n), 'advisor', r, intBetween(r, 15, 40), [...new Set(progs)], languages, base + n * 60_000 + r() * 300 * DAY);
  }
  const client = await pool.connect();
  try {
    await bulkInsert(client, 'users', STAFF_COLUMNS, data, 'ON CONFLICT (email) DO NOTHING');
    const staff: { id: string; email: string; role: string; programmes: string[]; languages: string[]; capacity: number | null; last_assigned_at: Date | null; load: number }[] = (
      await client.query(
        `SELECT u.id, u.email, u.role, u.programmes, u.languages, u.capacity, u.last_assigned_at,
                (SELECT count(*)::int FROM applications a WHERE a.assignee_id = u.id AND a.status IN ('submitted', 'in_review', 'info_requested')) AS load
         FROM users u WHERE u.role <> 'founder' AND u.email LIKE $1 AND u.active AND u.erased_at IS NULL ORDER BY u.email`,
        [DEMO_LIKE],
      )
    ).rows;
    const admin = staff.find((s) => s.role === 'admin');
    if (!admin) throw new Error(`no active demo admin (${DEMO_ADMIN_EMAIL})`);
    return {
      adminId: admin.id,
      managers: staff.filter((s) => s.role === 'programme_manager').map((s) => ({ id: s.id, programmes: s.programmes })),
      advisors: staff
        .filter((s) => s.role === 'advisor')
        .map((s) => ({ id: s.id, programmes: s.programmes, languages: s.languages, capacity: s.capacity ?? 1000, load: s.load, lastAssignedMs: s.last_assigned_at?.getTime() ?? 0 })),
    };
  } finally {
    client.release();
  }
}

const SEASONS = ['printemps', 'automne'];

/** Cohorts of the internal programmes, one every six months over the window and the next half-year (created once). */
async function ensureCohorts(pool: Pool, calendar: DemoCalendar, windowStartIdx: number, todayIdx: number, programmes: SeedProgramme[], managers: DemoManager[], adminId: string, r: Random, cases: number): Promise<DemoCohort[]> {
  const demoManagers = managers.map((m) => m.id);
  const existing: { id: string; programme: string; name: string; starts_on: string; ends_on: string; capacity: number; enrolled: number }[] = (
    await pool.query(
      `SELECT c.id, c.programme, c.name, to_char(c.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(c.ends_on, 'YYYY-MM-DD') AS ends_on, c.capacity,
              (SELECT count(*)::int FROM enrolments e WHERE e.cohort_id = c.id) AS enrolled
       FROM cohorts c WHERE c.created_by = ANY($1::uuid[]) OR c.created_by = $2`,
      [demoManagers, adminId],
    )
  ).rows;
  if (existing.length === 0) {
    const cohorts: Record<string, unknown[]> = { id: [], programme: [], name: [], starts_on: [], ends_on: [], capacity: [], created_by: [], created_at: [] };
    const milestones: Record<string, unknown[]> = { id: [], cohort_id: [], title: [], due_on: [], created_at: [] };
    const internal = programmes.filter((x) => x.kind === 'internal' && x.active);
    // about 17% of cases are accepted, into one of the internal programmes; each half-year cohort
    // seats about half of a half-year's acceptances (at least a classic cohort of 12 to 30)
    const perCohort = Math.round((cases * 0.17 * 0.5) / (Math.max(1, internal.length) * (WINDOW_DAYS / 182)));
    for (const p of internal) {
      const owners = managers.filter((m) => m.programmes.includes(p.slug));
      for (let start = windowStartIdx + 45; start < todayIdx + 200; start += 182) {
        const startsOn = calendar.days[start];
        const endsIdx = start + 150;
        if (endsIdx >= calendar.length) break;
        const createdMs = calendar.at(Math.max(0, start - 60), 10);
        const id = randomUUID();
        const seats = Math.min(10_000, Math.max(intBetween(r, 12, 30), Math.round(perCohort * (0.8 + 0.4 * r()))));
        cohorts.id.push(id);
        cohorts.programme.push(p.slug);
        cohorts.name.push(`${p.slug} — promotion de ${SEASONS[Number(startsOn.slice(5, 7)) >= 7 ? 1 : 0]} ${startsOn.slice(0, 4)}`);
        cohorts.starts_on.push(startsOn);
        cohorts.ends_on.push(calendar.days[endsIdx]);
        cohorts.capacity.push(seats);
        cohorts.created_by.push(owners.length > 0 ? pick(r, owners).id : adminId);
        cohorts.created_at.push(new Date(createdMs).toISOString());
        MILESTONE_TITLES.forEach((title, k) => {
          milestones.id.push(randomUUID());
          milestones.cohort_id.push(id);
          milestones.title.push(title);
          milestones.due_on.push(calendar.days[start + Math.round(((k + 1) * 150) / MILESTONE_TITLES.length) - 1]);
          milestones.created_at.push(new Date(createdMs + 3_600_000).toISOString());
        });
      }
    }
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await bulkInsert(client, 'cohorts', columnsOf('id uuid, programme text, name text, starts_on date, ends_on date, capacity int, created_by uuid, created_at timestamptz'), cohorts);
      await bulkInsert(client, 'milestones', columnsOf('id uuid, cohort_id uuid, title text, due_on date, created_at timestamptz'), milestones);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    return ensureCohorts(pool, calendar, windowStartIdx, todayIdx, programmes, managers, adminId, r, cases);
  }
  const milestoneRows: { id: string; cohort_id: string; due_on: string }[] = (
    await pool.query(`SELECT id, cohort_id, to_char(due_on, 'YYYY-MM-DD') AS due_on FROM milestones WHERE cohort_id = ANY($1::uuid[])`, [existing.map((c) => c.id)])
  ).rows;
  const clamp = (day: string): number => {
    if (day < calendar.days[0]) return 0;
    if (day > calendar.days[calendar.length - 1]) return calendar.length - 1;
    return calendar.index(day);
  };
  return existing.map((c) => ({
    id: c.id,
    programme: c.programme,
    name: c.name,
    startsIdx: clamp(c.starts_on),
    endsIdx: clamp(c.ends_on),
    capacity: c.capacity,
    enrolled: c.enrolled,
    milestones: milestoneRows.filter((m) => m.cohort_id === c.id).map((m) => ({ id: m.id, dueIdx: clamp(m.due_on) })),
  }));
}

const DEBUG = process.env.SEED_DEBUG === '1';
const timings = new Map<string, number>();

async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  if (!DEBUG) return work();
  const t = performance.now();
  try {
    return await work();
  } finally {
    timings.set(what, (timings.get(what) ?? 0) + performance.now() - t);
  }
}

async function loadBatch(client: PoolClient, batch: CaseBatch): Promise<void> {
  await client.query('BEGIN');
  try {
    // `recommendations` holds the index of the routed profile: its jsonb comes from the lane's temp table
    await timed('applications', () =>
      bulkInsert(client, 'applications', APPLICATION_COLUMNS, batch.applications, '', {
        join: 'LEFT JOIN pg_temp.seed_profiles p ON p.idx = u.recommendations',
        select: { recommendations: 'p.recommendations' },
      }),
    );
    await timed('case_events', () => bulkInsert(client, 'case_events', EVENT_COLUMNS, batch.events));
    await timed('case_messages', () => bulkInsert(client, 'case_messages', MESSAGE_COLUMNS, batch.messages));
    await timed('case_notes', () => bulkInsert(client, 'case_notes', NOTE_COLUMNS, batch.notes));
    await timed('enrolments', () => bulkInsert(client, 'enrolments', ENROLMENT_COLUMNS, batch.enrolments));
    await timed('milestone_progress', () => bulkInsert(client, 'milestone_progress', PROGRESS_COLUMNS, batch.progress));
    await timed('commit', () => client.query('COMMIT'));
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Reserves `count` references per year; returns the first number of each block. */
async function reserveReferences(client: PoolClient, counts: Map<number, number>): Promise<Map<number, number>> {
  const years = [...counts.keys()];
  const { rows } = await client.query<{ year: number; last: number }>(
    `INSERT INTO reference_counters (year, last) SELECT * FROM unnest($1::int[], $2::int[])
     ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + EXCLUDED.last RETURNING year, last`,
    [years, years.map((y) => counts.get(y))],
  );
  return new Map(rows.map((row) => [row.year, row.last - (counts.get(row.year) ?? 0) + 1]));
}

/** The reminder scan's cut-off for unanswered requests (reminders.service.ts), a day ahead so a run started now finds them sent. */
function infoReminderCutoff(now: Date): Date {
  const tomorrow = addCalendarDays(parisDate(now), 1);
  let day = tomorrow;
  while (addBusinessDays(day, 5) > tomorrow) day = addCalendarDays(day, -1);
  return endOfParisDay(day);
}

/**
 * The email log of reminders whose occasion is past (or within a day), with the reminder scan's
 * own dedupe keys, marked sent: a worker started on the demo database sends none of them again.
 */
async function reminderLog(pool: Pool, now: Date): Promise<number> {
  const isoSql = (col: string): string => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const today = parisDate(now);
  let n = 0;
  n +=
    (
      await pool.query(
        `INSERT INTO emails (dedupe_key, template, recipient_id, recipient_email, application_id, data, status, attempts, relay_count, available_at, relayed_at, sent_at, created_at)
         SELECT 'draft-reminder:' || a.id || ':' || a.owner_id, 'draft-reminder', a.owner_id, u.email, a.id, jsonb_build_object('updatedAt', ${isoSql('a.updated_at')}),
                'sent', 1, 1, x.t, x.t, x.t, x.t
         FROM applications a JOIN users u ON u.id = a.owner_id CROSS JOIN LATERAL (SELECT least(a.updated_at + interval '7 days 2 minutes', $1::timestamptz) AS t) x
         WHERE a.status = 'draft' AND a.updated_at <= $1::timestamptz - interval '6 days' AND u.email LIKE $2
         ON CONFLICT (dedupe_key) DO NOTHING`,
        [now, DEMO_LIKE],
      )
    ).rowCount ?? 0;
  n +=
    (
      await pool.query(
        `INSERT INTO emails (dedupe_key, template, recipient_id, recipient_email, application_id, data, status, attempts, relay_count, available_at, relayed_at, sent_at, created_at)
         SELECT 'info-request-reminder:' || a.id || ':' || ${isoSql('a.paused_at')} || ':' || a.owner_id, 'info-request-reminder', a.owner_id, u.email, a.id,
                jsonb_build_object('messageId', m.message_id, 'pausedAt', ${isoSql('a.paused_at')}), 'sent', 1, 1, x.t, x.t, x.t, x.t
         FROM applications a JOIN users u ON u.id = a.owner_id
         CROSS JOIN LATERAL (SELECT e.data->>'messageId' AS message_id FROM case_events e
                             WHERE e.application_id = a.id AND e.type = 'status_changed' AND e.data->>'to' = 'info_requested' ORDER BY e.seq DESC LIMIT 1) m
         CROSS JOIN LATERAL (SELECT least(a.paused_at + interval '7 days', $1::timestamptz) AS t) x
         WHERE a.status = 'info_requested' AND a.paused_at <= $2 AND m.message_id IS NOT NULL AND u.email LIKE $3
         ON CONFLICT (dedupe_key) DO NOTHING`,
        [now, infoReminderCutoff(now), DEMO_LIKE],
      )
    ).rowCount ?? 0;
  n +=
    (
      await pool.query(
        `INSERT INTO emails (dedupe_key, template, recipient_id, recipient_email, application_id, data, status, attempts, relay_count, available_at, relayed_at, sent_at, created_at)
         SELECT 'milestone-due:' || m.id || ':' || e.id || ':' || r.id, 'milestone-due', r.id, r.email, a.id,
                jsonb_build_object('milestoneId', m.id, 'enrolmentId', e.id, 'audience', r.audience), 'sent', 1, 1, $3::timestamptz, $3::timestamptz, $3::timestamptz, $3::timestamptz
         FROM milestones m JOIN enrolments e ON e.cohort_id = m.cohort_id JOIN applications a ON a.id = e.application_id
         LEFT JOIN milestone_progress p ON p.milestone_id = m.id AND p.enrolment_id = e.id
         CROSS JOIN LATERAL (
           SELECT f.id, f.email, 'founder' AS audience FROM users f WHERE f.id = a.owner_id
           UNION ALL
           SELECT u.id, u.email, 'manager' FROM users u WHERE u.role = 'programme_manager' AND u.active AND u.erased_at IS NULL AND e.programme = ANY(u.programmes)
         ) r
         WHERE m.due_on BETWEEN $1::date AND $2::date AND coalesce(p.status, 'pending') = 'pending'
         ON CONFLICT (dedupe_key) DO NOTHING`,
        [today, addCalendarDays(today, 5), now],
      )
    ).rowCount ?? 0;
  return n;
}

export async function seedDemo(options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const log = options.log ?? ((message: string) => process.stderr.write(`[seed] ${message}\n`));
  const o = {
    advisors: options.advisors ?? 40,
    managers: options.managers ?? 10,
    seed: options.seed ?? 20261128,
    batchSize: options.batchSize ?? 2000,
    jobs: Math.max(1, options.jobs ?? 2),
  };
  if (!Number.isInteger(options.cases) || options.cases < 0) throw new Error('cases must be a non-negative integer');
  if (o.advisors < 1 || o.managers < 1) throw new Error('at least one advisor and one manager');

  const host = new URL(options.databaseUrl);
  log(`database ${host.pathname.slice(1)} on ${host.hostname}:${host.port || 5432}: creating if missing, migrating…`);
  let t = performance.now();
  const applied = await migrateDatabase(options.databaseUrl);
  const migrateSeconds = sinceSeconds(t);
  if (applied.length > 0) log(`${applied.length} migrations applied in ${formatDuration(migrateSeconds)}`);

  // the seed is re-runnable: a crash losing the last commits costs nothing, waiting on each WAL flush does
  const pool = new Pool({ connectionString: options.databaseUrl, max: o.jobs + 2, application_name: 'guichet-seed', options: '-c synchronous_commit=off' });
  // a server restart must fail the seed's current statement, not kill the process from an idle client
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    t = performance.now();
    const now = new Date();
    const today = parisDate(now);
    const calendar = new DemoCalendar(addCalendarDays(today, -WINDOW_DAYS - 40), addCalendarDays(today, 400));
    const windowStartIdx = calendar.index(addCalendarDays(today, -WINDOW_DAYS));
    const todayIdx = calendar.index(today);
    const random = prng(o.seed);
    const passwordHash = await hashPassword(options.password ?? DEMO_PASSWORD);

    const programmes: SeedProgramme[] = (
      await pool.query<{ slug: string; kind: 'internal' | 'external'; active: boolean; rules: ProgrammeRules; rules_version: number }>(
        'SELECT slug, kind, active, rules, rules_version FROM programmes ORDER BY position, slug',
      )
    ).rows.map((p) => ({ slug: p.slug, kind: p.kind, active: p.active, rules: p.rules, rulesVersion: p.rules_version }));
    const active = programmes.filter((p) => p.active);
    if (!active.some((p) => p.kind === 'external')) throw new Error('the demo needs at least one active external programme');

    const staff = await ensureStaff(pool, o, passwordHash, programmes, new Date(calendar.startMs[windowStartIdx]));
    const cohorts = await ensureCohorts(pool, calendar, windowStartIdx, todayIdx, programmes, staff.managers, staff.adminId, random, options.cases);
    const staffSeconds = sinceSeconds(t);
    log(`staff: ${staff.advisors.length} advisors, ${staff.managers.length} programme managers, 1 admin (${DEMO_ADMIN_EMAIL}); ${cohorts.length} cohorts`);

    // -- cases ---------------------------------------------------------------------------------
    t = performance.now();
    const [{ n: casesBefore }] = (
      await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM applications a JOIN users u ON u.id = a.owner_id WHERE u.role = 'founder' AND u.email LIKE $1`, [DEMO_LIKE])
    ).rows;
    const toAdd = Math.max(0, options.cases - casesBefore);
    const founderRows: { id: string; locale: 'fr' | 'en'; email: string }[] = (
      await pool.query(`SELECT id, locale, email FROM users WHERE role = 'founder' AND email LIKE $1 ORDER BY created_at, email`, [`founder-%${DEMO_LIKE}`])
    ).rows;
    const founders: DemoFounder[] = founderRows.map((f) => ({ id: f.id, locale: f.locale }));
    const nextFounderNumber = founderRows.reduce((max, f) => Math.max(max, Number(/founder-(\d+)@/.exec(f.email)?.[1] ?? 0)), 0) + 1;
    const foundersWanted = options.founders === undefined || options.founders === 'auto' ? Math.max(1, Math.ceil(options.cases / 8)) : options.founders;
    const newFounders = toAdd === 0 ? 0 : Math.max(founders.length === 0 ? 1 : 0, Math.min(toAdd, foundersWanted - founders.length));
    const rows = { events: 0, messages: 0, notes: 0, enrolments: 0, milestoneProgress: 0, reminderLog: 0 };
    let foundersAdded = 0;

    if (toAdd === 0) {
      log(`${casesBefore.toLocaleString('en-US')} demo cases already there (wanted ${options.cases.toLocaleString('en-US')}): nothing to add`);
    } else {
      log(
        `${casesBefore > 0 ? `${casesBefore.toLocaleString('en-US')} demo cases there, topping up with` : 'adding'} ${toAdd.toLocaleString('en-US')} cases ` +
          `(${newFounders.toLocaleString('en-US')} new founders), ${o.jobs} batches of ${o.batchSize} in flight`,
      );
      const profiles = generateProfilePool(random, 3000, active);
      const factory = new CaseFactory({
        random,
        calendar,
        now,
        windowStartIdx,
        profiles,
        programmeKinds: new Map(active.map((p) => [p.slug, p.kind])),
        rulesVersionsJson: JSON.stringify(Object.fromEntries(active.map((p) => [p.slug, p.rulesVersion]))),
        advisors: staff.advisors,
        managers: staff.managers,
        adminId: staff.adminId,
        cohorts,
        founders,
        nextFounderNumber,
        newFounders,
        cases: toAdd,
        passwordHash,
      });
      const progress = new Progress('cases', toAdd, 'cases', process.stderr, options.progress !== false);
      const control = await pool.connect();
      const lanes: { client: PoolClient; pending: Promise<void> }[] = [];
      try {
        for (let i = 0; i < o.jobs; i++) {
          // each routed profile's recommendations parsed and compressed once, copied as is into each row
          const client = await pool.connect();
          lanes.push({ client, pending: Promise.resolve() });
          await client.query('CREATE TEMP TABLE IF NOT EXISTS seed_profiles (idx int PRIMARY KEY, recommendations jsonb NOT NULL)');
          await client.query('TRUNCATE seed_profiles');
          await bulkInsert(client, 'seed_profiles', columnsOf('idx int, recommendations text:jsonb'), { idx: profiles.map((_, k) => k), recommendations: profiles.map((p) => p.recommendationsJson) });
        }
        let lane = 0;
        let failure: unknown = null;
        while (!factory.done && failure === null) {
          const tGen = performance.now();
          const years = factory.plan(o.batchSize);
          const counts = new Map<number, number>();
          for (const y of years) counts.set(y, (counts.get(y) ?? 0) + 1);
          const next = await reserveReferences(control, counts);
          const references = years.map((y) => {
            const n = next.get(y) as number;
            next.set(y, n + 1);
            return `GU-${y}-${String(n).padStart(6, '0')}`;
          });
          const batch = factory.build(references);
          if (DEBUG) timings.set('generate (js)', (timings.get('generate (js)') ?? 0) + performance.now() - tGen);
          // new founders first, committed on their own: a later batch may pick them again
          foundersAdded += await bulkInsert(control, 'users', USER_COLUMNS, batch.users);
          const slot = lanes[lane];
          lane = (lane + 1) % lanes.length;
          await slot.pending;
          slot.pending = loadBatch(slot.client, batch).then(
            () => {
              rows.events += batch.eventCount;
              rows.messages += batch.messages.id.length;
              rows.notes += batch.notes.id.length;
              rows.enrolments += batch.enrolments.id.length;
              rows.milestoneProgress += batch.progress.enrolment_id.length;
              progress.tick(batch.cases, `${rows.events.toLocaleString('en-US')} events`);
            },
            (error: unknown) => {
              failure = error;
            },
          );
        }
        await Promise.all(lanes.map((l) => l.pending));
        if (failure !== null) throw failure;
      } finally {
        for (const l of lanes) l.client.release();
        control.release();
      }
      progress.finish(`${rows.events.toLocaleString('en-US')} events`);
      if (DEBUG) log(`timings (ms, summed over lanes): ${[...timings].map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')}`);
      // when each advisor was last given a case (auto-assignment's tie-break)
      await pool.query(
        `UPDATE users u SET last_assigned_at = x.at FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, at)
         WHERE u.id = x.id AND (u.last_assigned_at IS NULL OR u.last_assigned_at < x.at)`,
        [staff.advisors.map((a) => a.id), staff.advisors.map((a) => (a.lastAssignedMs > 0 ? new Date(a.lastAssignedMs).toISOString() : null))],
      );
    }
    const casesSeconds = sinceSeconds(t);

    // -- finishing -------------------------------------------------------------------------------
    t = performance.now();
    // statistics first: without them the reminder log's lateral lookup of the last info request
    // was planned as a BitmapAnd over every status_changed event, once per case (hours at 1M cases)
    log('ANALYZE (before the reminder log)…');
    await pool.query('ANALYZE users, applications, case_events');
    rows.reminderLog = await reminderLog(pool, now);
    if (options.vacuum === false) {
      log('ANALYZE…');
      await pool.query('ANALYZE');
    } else {
      log('VACUUM (ANALYZE)…');
      await pool.query('VACUUM (ANALYZE) users, applications, case_events, case_messages, case_notes, cohorts, milestones, enrolments, milestone_progress, emails, reference_counters');
    }
    const statuses = Object.fromEntries(
      (await pool.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM applications GROUP BY 1 ORDER BY 2 DESC`)).rows.map((row) => [row.status, row.n]),
    );
    const [{ founders: founderTotal }] = (await pool.query<{ founders: number }>(`SELECT count(*)::int AS founders FROM users WHERE role = 'founder' AND email LIKE $1`, [DEMO_LIKE])).rows;
    const finishSeconds = sinceSeconds(t);
    const summary: SeedSummary = {
      databaseUrl: options.databaseUrl,
      casesBefore,
      casesAdded: toAdd,
      casesTotal: casesBefore + toAdd,
      foundersAdded,
      founders: founderTotal,
      advisors: staff.advisors.length,
      managers: staff.managers.length,
      rows,
      statuses,
      seconds: { migrate: migrateSeconds, staff: staffSeconds, cases: casesSeconds, finish: finishSeconds, total: sinceSeconds(started) },
    };
    log(
      `done in ${formatDuration(summary.seconds.total)} (cases ${formatDuration(casesSeconds)}, vacuum/analyze and reminder log ${formatDuration(finishSeconds)}): ` +
        `${summary.casesTotal.toLocaleString('en-US')} demo cases, ${founderTotal.toLocaleString('en-US')} founders; statuses ${Object.entries(statuses)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
    );
    return summary;
  } finally {
    await pool.end();
  }
}
