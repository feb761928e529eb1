import { preparedQuery } from '../database/prepared-query';
import { ForbiddenException, HttpException, HttpStatus, Inject, Injectable, NotFoundException, ServiceUnavailableException, UnprocessableEntityException } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { RateLimitedException } from '../common/http/rate-limited.exception';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { checkTransition, type CaseStatus } from '../domain/case-state-machine';
import { parisDate } from '../domain/business-calendar';
import { atRiskThreshold, decisionDueAt, firstResponseDueAt } from '../domain/service-level';
import { Clock } from '../common/clock';
import { FieldError, staleVersion, unprocessable } from '../common/http/validation';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { missingDocumentKinds } from '../domain/document-rules';
import { DocumentsRepository } from '../documents/documents.repository';
import { ProgrammesService } from '../programmes/programmes.service';
import type { ProfileInput } from '../routing/application-profile';
import { recommend, recommendInAllLocales, type Recommendations } from '../routing/routing-engine';
import { dedupeKey } from '../notifications/outbox/email-outbox';
import { appendCaseEvent, caseEventInsert, LAST_EVENT_SQL } from '../timeline/case-events';
import { APPLICATION_COLUMNS, ApplicationListItem, ApplicationRow, ApplicationView, fieldsOf, toApplicationListItem, toApplicationView } from './application.view';
import { buildInboxQuery, inboxCursorKey } from './inbox-query';
import { ListApplicationsQuery, SubmitApplicationDto } from './dto/application-actions.dto';
import { CreateApplicationDto, UpdateApplicationDto } from './dto/application-fields.dto';
import { crossFieldErrors, submissionErrors, type ApplicationFields } from './submission-check';
import { enqueueWebhookEvent } from '../webhooks/webhook-outbox';

/** Which DTO field is which column. */
const FIELD_COLUMNS: Record<keyof ApplicationFields, string> = {
  startupName: 'startup_name',
  projectSummary: 'project_summary',
  stage: 'stage',
  trl: 'trl',
  domains: 'domains',
  needs: 'needs',
  incorporated: 'incorporated',
  incorporationDate: 'incorporation_date',
  siren: 'siren',
  academicAffiliation: 'academic_affiliation',
  lookingForCofounder: 'looking_for_cofounder',
  teamSize: 'team_size',
  fundingSoughtEur: 'funding_sought_eur',
  website: 'website',
};
const FIELDS = Object.keys(FIELD_COLUMNS) as (keyof ApplicationFields)[];

/** The founder may edit the application in these statuses (and only these). */
export const EDITABLE_STATUSES = ['draft', 'info_requested'] as const satisfies readonly CaseStatus[];

export function profileOf(row: ApplicationRow): ProfileInput {
  return fieldsOf(row) as ProfileInput;
}

export { staleVersion, unprocessable } from '../common/http/validation';

/** References are `GU-<year>-<6 digits>`: this many a year at most. */
export const MAX_REFERENCES_PER_YEAR = 999_999;
const FLOOD_WINDOW_MS = 24 * 3600 * 1000;

@Injectable()
export class ApplicationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly programmes: ProgrammesService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly documents: DocumentsRepository,
  ) {}

  /** A new draft, with its reference (`GU-<year>-<6 digits>`, sequential per Paris year). */
  async create(user: AuthUser, dto: CreateApplicationDto): Promise<ApplicationView> {
    const now = this.clock.now();
    const today = parisDate(now);
    const fields: Partial<ApplicationFields> = pickFields(dto);
    const errors = crossFieldErrors({ incorporated: fields.incorporated ?? null, incorporationDate: fields.incorporationDate ?? null, siren: fields.siren ?? null }, today);
    if (errors.length > 0) throw badRequest(errors);
    const id = await this.dataSource.transaction(async (em) => {
      await this.checkFlood(em, user.id, 'created_at', this.config.limits.draftsPerDay, now, 'drafts');
      const year = Number(today.slice(0, 4));
      // the counter row is locked until commit: concurrent drafts take turns, no duplicates
      const [{ last }]: { last: number }[] = await em.query(
        `INSERT INTO reference_counters (year, last) VALUES ($1, 1)
         ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + 1 RETURNING last`,
        [year],
      );
      // the contract says 6 digits: the millionth draft of a year is refused, not given a longer reference
      if (last > MAX_REFERENCES_PER_YEAR) throw new ServiceUnavailableException(`No reference left for ${year} (at most ${MAX_REFERENCES_PER_YEAR} applications a year)`);
      const reference = `GU-${year}-${String(last).padStart(6, '0')}`;
      const columns = ['reference', 'owner_id', 'locale', 'created_at', 'updated_at'];
      const values: unknown[] = [reference, user.id, user.locale, now, now];
      for (const field of FIELDS) {
        if (fields[field] !== undefined) {
          columns.push(FIELD_COLUMNS[field]);
          values.push(fields[field]);
        }
      }
      const rows: { id: string }[] = await em.query(
        `INSERT INTO applications (${columns.join(', ')}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
        values,
      );
      return rows[0].id;
    });
    return this.view(await this.load(this.dataSource.manager, id), user);
  }

  /**
   * Per-account flood limit (each draft may bring a reminder, each submission an acknowledgement):
   * at most `max` applications created (or submitted) by the owner in the last 24 hours, else 429
   * with Retry-After. Counted in PostgreSQL under a per-owner transaction lock, so it holds under
   * concurrency and needs no Redis (it fails closed with the database, and never open).
   */
  private async checkFlood(em: EntityManager, ownerId: string, column: 'created_at' | 'submitted_at', max: number, now: Date, what: string): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('applications-flood:' || $1))`, [ownerId]);
    const [row]: { count: number; oldest: Date | null }[] = await em.query(
      `SELECT count(*)::int AS count, (array_agg(${column} ORDER BY ${column} DESC))[$3] AS oldest
       FROM applications WHERE owner_id = $1 AND ${column} > $2::timestamptz - interval '24 hours'`,
      [ownerId, now, max],
    );
    if (row.count < max) return;
    const freedAt = (row.oldest as Date).getTime() + FLOOD_WINDOW_MS;
    throw new RateLimitedException(`At most ${max} ${what} per account in 24 hours`, Math.max(1, (freedAt - now.getTime()) / 1000));
  }

  /** Reads a case as `user` may see it: a founder only their own; staff never a draft. 404 otherwise. */
  /** The case locked FOR UPDATE for a staff action, 409 when `expectedVersion` is not current. */
  async lockForStaff(em: EntityManager, id: string, user: AuthUser, expectedVersion: number | undefined): Promise<ApplicationRow> {
    const row = await this.findVisible(em, id, user, true);
    if (expectedVersion !== undefined && expectedVersion !== row.version) throw staleVersion(row.version);
    return row;
  }

  async findVisible(em: EntityManager, id: string, user: AuthUser, lock = false): Promise<ApplicationRow> {
    const scope = user.role === 'founder' ? 'a.owner_id = $2' : `a.status <> 'draft' AND $2::uuid IS NOT NULL`;
    const rows: ApplicationRow[] = await em.query(`SELECT ${APPLICATION_COLUMNS} FROM applications a WHERE a.id = $1 AND ${scope}${lock ? ' FOR NO KEY UPDATE' : ''}`, [id, user.id]);
    if (rows.length === 0) throw new NotFoundException('Application not found');
    return rows[0];
  }

  /** The case as `user` may read it; staff also see who the founder is (name, email, locale). */
  async get(id: string, user: AuthUser): Promise<ApplicationView> {
    const view = this.view(await this.findVisible(this.dataSource.manager, id, user), user);
    if (user.role === 'founder') return view;
    const founders: { id: string; full_name: string; email: string; locale: 'fr' | 'en' }[] = await this.dataSource.query('SELECT id, full_name, email, locale FROM users WHERE id = $1', [view.ownerId]);
    const f = founders[0];
    return f ? { ...view, founder: { id: f.id, fullName: f.full_name, email: f.email, locale: f.locale } } : view;
  }

  /** The owner edits while `draft` or `info_requested`; anything else is a 422 that changes nothing. */
  async update(id: string, user: AuthUser, dto: UpdateApplicationDto): Promise<ApplicationView> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (em) => {
      const row = await this.ownedForUpdate(em, id, user);
      if (dto.expectedVersion !== undefined && dto.expectedVersion !== row.version) throw staleVersion(row.version);
      if (!(EDITABLE_STATUSES as readonly string[]).includes(row.status)) {
        throw unprocessable(`An application can be edited only as a draft or while information is requested (it is ${row.status})`);
      }
      const changes = pickFields(dto);
      const merged = { ...fieldsOf(row), ...changes };
      const errors = crossFieldErrors(merged, parisDate(now));
      if (errors.length > 0) throw badRequest(errors);
      const sets: string[] = [];
      const values: unknown[] = [id];
      for (const field of FIELDS) {
        if (changes[field] === undefined) continue;
        values.push(changes[field]);
        sets.push(`${FIELD_COLUMNS[field]} = $${values.length}`);
      }
      if (sets.length === 0) return;
      values.push(now);
      await em.query(`UPDATE applications SET ${sets.join(', ')}, version = version + 1, updated_at = $${values.length} WHERE id = $1`, values);
      if (row.status !== 'draft') {
        await appendCaseEvent(em, {
          applicationId: id,
          at: now,
          type: 'application_updated',
          actor: { id: user.id, role: user.role },
          public: true,
          data: { fields: FIELDS.filter((f) => changes[f] !== undefined) },
        });
      }
    });
    return this.get(id, user);
  }

  /**
   * draft → submitted: checks completeness (422 listing every missing or invalid field),
   * routes the application (stored with the rules versions that produced it), sets the
   * service-level due dates, and starts the timeline.
   */
  async submit(id: string, user: AuthUser, dto: SubmitApplicationDto): Promise<ApplicationView> {
    // decisions and requests for information go to this address: it must be the founder's
    if (!user.emailVerified) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        code: 'email_not_verified',
        message: 'Verify your email address before submitting: follow the link we emailed you, or ask for a new one (POST /api/v1/auth/verify-email/resend)',
      });
    }
    const now = this.clock.now();
    const today = parisDate(now);
    // the rules are read before the transaction: it then holds its lock for five round trips only
    const programmes = await this.programmes.routable();
    const submitted = await this.dataSource.transaction(async (em) => {
      await this.checkFlood(em, user.id, 'submitted_at', this.config.limits.submissionsPerDay, now, 'submissions');
      const row = await this.ownedForUpdate(em, id, user);
      if (dto.expectedVersion !== undefined && dto.expectedVersion !== row.version) throw staleVersion(row.version);
      const move = checkTransition({ from: row.status, to: 'submitted', actor: 'founder' });
      if (!move.ok) throw unprocessable(row.status === 'draft' ? move.message : `The application was already submitted (it is ${row.status})`);
      const errors = submissionErrors(fieldsOf(row), today);
      if (errors.length > 0) throw unprocessable('The application is not complete', errors);

      const recommendations = recommendInAllLocales(programmes, profileOf(row), { today });
      const top = programmes.find((p) => p.slug === recommendations.en.eligible[0]?.programme);
      if (top) await this.checkRequiredDocuments(em, id, top.slug, top.requiredDocuments);
      const rulesVersions = Object.fromEntries(programmes.filter((p) => p.active).map((p) => [p.slug, p.rulesVersion]));
      // the update, and the timeline's last event read in the same statement (after the lock)
      const [updated]: (ApplicationRow & { last_seq: number | null; last_hash: string | null })[] = await em.query(
        `WITH a AS (
           UPDATE applications SET status = 'submitted', version = version + 1, submitted_at = $2, first_response_due_at = $3,
             decision_due_at = $4, recommendations = $5, rules_versions = $6, top_programme = $7, locale = $8, updated_at = $2
           WHERE id = $1 RETURNING *)
         SELECT ${APPLICATION_COLUMNS}, ${LAST_EVENT_SQL('$1')} FROM a`,
        [id, now, firstResponseDueAt(now), decisionDueAt(now), JSON.stringify(recommendations), JSON.stringify(rulesVersions), recommendations.en.eligible[0]?.programme ?? null, user.locale],
      );
      // the first timeline event and the acknowledgement email, in one statement
      const event = caseEventInsert(
        {
          applicationId: id,
          at: now,
          type: 'submitted',
          actor: { id: user.id, role: user.role },
          public: true,
          data: { reference: row.reference, recommended: recommendations.en.eligible.map((e) => e.programme) },
        },
        updated.last_seq === null ? null : { seq: updated.last_seq, hash: updated.last_hash as string },
      );
      const email = { template: 'application-received' as const, recipientId: row.owner_id, eventKey: `submitted:${id}` };
      await em.query(
        `WITH ev AS (${event.sql})
         INSERT INTO emails (dedupe_key, template, recipient_id, application_id, data, available_at)
         VALUES ($12, $13, $14, $15, '{}', $16) ON CONFLICT (dedupe_key) DO NOTHING`,
        [...event.params, dedupeKey(email), email.template, email.recipientId, id, now],
      );
      await enqueueWebhookEvent(
        em,
        'application.submitted',
        { applicationId: id, reference: row.reference, status: 'submitted', recommended: recommendations.en.eligible.map((e) => e.programme), submittedAt: now.toISOString() },
        now,
      );
      return updated;
    });
    return this.view(submitted, user);
  }

  /** The documents the top-ranked eligible programme requires: 422 naming each missing kind. */
  private async checkRequiredDocuments(em: EntityManager, id: string, topProgramme: string, required: string[]): Promise<void> {
    if (required.length === 0) return; // the usual case costs no query
    const missing = missingDocumentKinds(required, await this.documents.kinds(em, id));
    if (missing.length === 0) return;
    const messages = missing.map((kind) => `a ${kind} document is required by ${topProgramme}`);
    throw new UnprocessableEntityException({ message: messages, errors: [{ field: 'documents', messages }], missingDocuments: missing, programme: topProgramme });
  }

  /** The stored recommendation (what the founder was told); staff also get what today's rules say. */
  async recommendations(id: string, user: AuthUser): Promise<{ recommendations: Recommendations | null; rulesVersions: Record<string, number> | null; current?: Recommendations; currentRulesVersions?: Record<string, number> }> {
    const row = await this.findVisible(this.dataSource.manager, id, user);
    const locale = user.locale;
    if (user.role === 'founder') {
      if (row.recommendations) return { recommendations: row.recommendations[locale], rulesVersions: row.rules_versions };
      // a draft: a preview with today's rules, nothing stored
      const programmes = await this.programmes.routable();
      return { recommendations: recommend(programmes, profileOf(row), { today: parisDate(this.clock.now()), locale }), rulesVersions: null };
    }
    const programmes = await this.programmes.routable();
    const current = recommend(programmes, profileOf(row), { today: parisDate(this.clock.now()), locale });
    return {
      recommendations: row.recommendations ? row.recommendations[locale] : null,
      rulesVersions: row.rules_versions,
      current,
      currentRulesVersions: Object.fromEntries(programmes.filter((p) => p.active).map((p) => [p.slug, p.rulesVersion])),
    };
  }

  /** Founders: their own applications, newest first. Staff: the triage inbox, filtered and sorted. */
  async list(user: AuthUser, query: ListApplicationsQuery): Promise<Page<ApplicationListItem>> {
    const founder = user.role === 'founder';
    const sort = query.sort ?? '-submittedAt';
    const limit = query.limit ?? 25;
    const now = this.clock.now();
    const { sql, params } = buildInboxQuery(
      { ownerId: founder ? user.id : undefined, now, atRiskUntil: atRiskThreshold(now) },
      {
        statuses: query.status ? [...new Set(query.status.split(','))] : undefined,
        programme: query.programme,
        assignee: query.assignee === 'me' ? user.id : query.assignee?.toLowerCase(),
        sla: query.sla,
        q: query.q,
        sort,
        limit,
        after: decodeCursor(query.cursor, 2),
      },
    );
    // prepared: planned once per connection (see preparedQuery); a search is planned each time,
    // as the pattern decides between the trigram index and walking the sort order
    const rows: ApplicationRow[] = query.q ? await this.dataSource.query(sql, params) : await preparedQuery<ApplicationRow>(this.dataSource, sql, params);
    return toPage(rows, limit, (r) => toApplicationListItem(r, user.locale, now), (r) => inboxCursorKey(r, sort, founder));
  }

  /** The case's row whoever asks (callers check who may see it), locked as every case write is when `lock`. */
  async load(em: EntityManager, id: string, lock = false): Promise<ApplicationRow> {
    const rows: ApplicationRow[] = await em.query(`SELECT ${APPLICATION_COLUMNS} FROM applications a WHERE a.id = $1${lock ? ' FOR NO KEY UPDATE' : ''}`, [id]);
    return rows[0];
  }

  view(row: ApplicationRow, user: AuthUser): ApplicationView {
    return toApplicationView(row, user.locale, this.clock.now());
  }

  private async ownedForUpdate(em: EntityManager, id: string, user: AuthUser): Promise<ApplicationRow> {
    if (user.role !== 'founder') throw new NotFoundException('Application not found');
    return this.findVisible(em, id, user, true);
  }
}

function pickFields(dto: Partial<Record<keyof ApplicationFields, unknown>>): Partial<ApplicationFields> {
  const out: Partial<Record<keyof ApplicationFields, unknown>> = {};
  for (const field of FIELDS) if (dto[field] !== undefined) out[field] = dto[field];
  return out as Partial<ApplicationFields>;
}

function badRequest(errors: FieldError[]): HttpException {
  return new HttpException({ statusCode: 400, error: 'Bad Request', message: errors.flatMap((e) => e.messages), errors }, HttpStatus.BAD_REQUEST);
}
