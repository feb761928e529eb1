import { ForbiddenException, Inject, Injectable, NotFoundException, ServiceUnavailableException, UnprocessableEntityException } from '@nestjs/common';
import { type CaseRef, type SeenCase, seenBy, visibleRow } from '../common/case-visibility';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { RateLimitedException } from '../common/http/rate-limited.exception';
import type { EntityManager } from 'typeorm';
import { Transactions } from '../database/transactions';
import type { AuthUser } from '../auth/auth-user';
import { assertLegalMove, checkTransition, EDITABLE_STATUSES, isEditable } from '../domain/case-state-machine';
import { parisDate } from '../domain/business-calendar';
import { atRiskThreshold, decisionDueAt, firstResponseDueAt } from '../domain/service-level';
import { Clock } from '../common/clock';
import { FieldValidationException, staleVersion, unprocessable } from '../common/http/validation';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { missingDocumentKinds } from '../domain/document-rules';
import { DocumentsRepository } from '../documents/documents.repository';
import { ProgrammesService } from '../programmes/programmes.service';
import type { ProfileInput } from '../routing/application-profile';
import { recommend, recommendInAllLocales, type Recommendations } from '../routing/routing-engine';
import { dedupeKey } from '../notifications/outbox/email-outbox';
import { appendCaseEvent, caseEventInsert } from '../timeline/case-events.repository';
import { UsersRepository } from '../users/users.repository';
import { ApplicationListItem, ApplicationRow, ApplicationView, fieldsOf, toApplicationListItem, toApplicationView } from './application.view';
import { APPLICATION_FIELDS as FIELDS, ApplicationsRepository, inboxCursorKey, type CaseScope } from './applications.repository';
import { ListApplicationsQuery, SubmitApplicationDto } from './dto/application-actions.dto';
import { CreateApplicationDto, UpdateApplicationDto } from './dto/application-fields.dto';
import { crossFieldErrors, submissionErrors, type ApplicationFields } from './submission-check';
import { webhookEventInsert } from '../webhooks/webhook-outbox';

/** The founder may edit the application in these statuses (and only these): the state machine's list. */
export { EDITABLE_STATUSES };

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
    private readonly repository: ApplicationsRepository,
    private readonly users: UsersRepository,
    private readonly transactions: Transactions,
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
    if (errors.length > 0) throw new FieldValidationException(errors);
    const row = await this.transactions.run(async (em) => {
      await this.checkFlood(em, user.id, 'created_at', this.config.limits.draftsPerDay, now, 'drafts');
      const year = Number(today.slice(0, 4));
      // the counter row is locked until commit: concurrent drafts take turns, no duplicates
      const last = await this.repository.nextReference(em, year);
      // the contract says 6 digits: the millionth draft of a year is refused, not given a longer reference
      if (last > MAX_REFERENCES_PER_YEAR) throw new ServiceUnavailableException(`No reference left for ${year} (at most ${MAX_REFERENCES_PER_YEAR} applications a year)`);
      const reference = `GU-${year}-${String(last).padStart(6, '0')}`;
      const id = await this.repository.insertDraft(em, { reference, ownerId: user.id, locale: user.locale, now, fields });
      return this.repository.load(em, id);
    });
    return this.view(row, user);
  }

  /**
   * Per-account flood limit (each draft may bring a reminder, each submission an acknowledgement):
   * at most `max` applications created (or submitted) by the owner in the last 24 hours, else 429
   * with Retry-After. Counted in PostgreSQL under a per-owner transaction lock, so it holds under
   * concurrency and needs no Redis (it fails closed with the database, and never open).
   */
  private async checkFlood(em: EntityManager, ownerId: string, column: 'created_at' | 'submitted_at', max: number, now: Date, what: string): Promise<void> {
    throwIfFlooded(await this.repository.lockAndCountRecent(em, ownerId, column, now, max), max, now, what);
  }

  /** The case locked FOR NO KEY UPDATE for a staff action, 409 when `expectedVersion` is not current. */
  async lockForStaff(em: EntityManager, id: string, user: AuthUser, expectedVersion: number | undefined): Promise<ApplicationRow> {
    const row = await this.findVisible(em, id, user, true);
    if (expectedVersion !== undefined && expectedVersion !== row.version) throw staleVersion(row.version);
    return row;
  }

  /** Reads a case as `user` may see it: a founder only their own; staff never a draft. 404 otherwise. */
  async findVisible(em: EntityManager, id: string, user: AuthUser, lock = false): Promise<ApplicationRow> {
    return found(await this.repository.findInScope(em, id, scopeOf(user), lock));
  }

  /** The same, read outside any transaction. */
  async visible(id: string, user: AuthUser): Promise<ApplicationRow> {
    return found(await this.repository.findInScopeNow(id, scopeOf(user)));
  }

  /** The case's row as a proof that `user` may see it (404 otherwise), for the parts' services (see SeenCase). */
  async seen(id: string, user: AuthUser): Promise<SeenCase> {
    return seenBy(await this.visible(id, user), user);
  }

  /** The case as `user` may read it; staff also see who the founder is (name, email, locale). */
  async get(ref: CaseRef, user: AuthUser): Promise<ApplicationView> {
    const view = this.view(await visibleRow(this, ref, user), user);
    if (user.role === 'founder') return view;
    const f = await this.users.contact(view.ownerId);
    return f ? { ...view, founder: { id: f.id, fullName: f.full_name, email: f.email, locale: f.locale } } : view;
  }

  /** The owner edits while `draft` or `info_requested`; anything else is a 422 that changes nothing. */
  async update(id: string, user: AuthUser, dto: UpdateApplicationDto): Promise<ApplicationView> {
    const now = this.clock.now();
    await this.transactions.run(async (em) => {
      const row = await this.ownedForUpdate(em, id, user);
      if (dto.expectedVersion !== undefined && dto.expectedVersion !== row.version) throw staleVersion(row.version);
      if (!isEditable(row.status)) {
        throw unprocessable(`An application can be edited only as a draft or while information is requested (it is ${row.status})`);
      }
      const changes = pickFields(dto);
      const merged = { ...fieldsOf(row), ...changes };
      const errors = crossFieldErrors(merged, parisDate(now));
      if (errors.length > 0) throw new FieldValidationException(errors);
      if (!FIELDS.some((field) => changes[field] !== undefined)) return;
      await this.repository.updateFields(em, id, changes, now);
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
    const submitted = await this.transactions.run(async (em) => {
      // the flood count and the case's row lock in one round trip (after the owner's flood lock)
      const max = this.config.limits.submissionsPerDay;
      const owned = await this.repository.lockOwnedCountingSubmissions(em, id, user.id, now, max);
      throwIfFlooded(owned, max, now, 'submissions');
      if (user.role !== 'founder' || !owned.row) throw new NotFoundException('Application not found');
      const row = owned.row;
      if (dto.expectedVersion !== undefined && dto.expectedVersion !== row.version) throw staleVersion(row.version);
      const move = checkTransition({ from: row.status, to: 'submitted', actor: 'founder' });
      if (!move.ok) throw unprocessable(row.status === 'draft' ? move.message : `The application was already submitted (it is ${row.status})`);
      const errors = submissionErrors(fieldsOf(row), today);
      if (errors.length > 0) throw unprocessable('The application is not complete', errors);

      const recommendations = recommendInAllLocales(programmes, profileOf(row), { today });
      const top = programmes.find((p) => p.slug === recommendations.en.eligible[0]?.programme);
      if (top) await this.checkRequiredDocuments(em, id, top.slug, top.requiredDocuments);
      const rulesVersions = Object.fromEntries(programmes.filter((p) => p.active).map((p) => [p.slug, p.rulesVersion]));
      // the machine checks the move it is about to write, as applyMove does for every other move
      assertLegalMove(row.status, 'submitted', 'founder');
      // the update, and the timeline's last event read in the same statement (after the lock)
      const updated = await this.repository.writeSubmitted(em, id, 'submitted', {
        submittedAt: now,
        firstResponseDueAt: firstResponseDueAt(now),
        decisionDueAt: decisionDueAt(now),
        recommendations,
        rulesVersions,
        topProgramme: recommendations.en.eligible[0]?.programme ?? null,
        locale: user.locale,
      });
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
      // and its webhook event, in the same statement
      const webhook = (offset: number): { sql: string; params: unknown[] } =>
        webhookEventInsert(
          'application.submitted',
          { applicationId: id, reference: row.reference, status: 'submitted', recommended: recommendations.en.eligible.map((e) => e.programme), submittedAt: now.toISOString() },
          now,
          offset,
        );
      await this.repository.insertFirstEventAndAcknowledgement(em, event, webhook, { dedupeKey: dedupeKey(email), template: email.template, recipientId: email.recipientId, applicationId: id, availableAt: now });
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
  async recommendations(ref: CaseRef, user: AuthUser): Promise<{ recommendations: Recommendations | null; rulesVersions: Record<string, number> | null; current?: Recommendations; currentRulesVersions?: Record<string, number> }> {
    const row = await visibleRow(this, ref, user);
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
    const rows = await this.repository.inbox(
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
    return toPage(rows, limit, (r) => toApplicationListItem(r, now), (r) => inboxCursorKey(r, sort, founder));
  }

  /** The case's row whoever asks (callers check who may see it), locked as every case write is when `lock`. */
  load(em: EntityManager, id: string, lock = false): Promise<ApplicationRow> {
    return this.repository.load(em, id, lock);
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

/** 429 when the owner already made `max` of them in the 24 hours before `now`, saying when the oldest one frees a slot. */
function throwIfFlooded(recent: { count: number; oldest: Date | null }, max: number, now: Date, what: string): void {
  if (recent.count < max) return;
  const freedAt = (recent.oldest as Date).getTime() + FLOOD_WINDOW_MS;
  throw new RateLimitedException(`At most ${max} ${what} per account in 24 hours`, Math.max(1, (freedAt - now.getTime()) / 1000));
}

function scopeOf(user: AuthUser): CaseScope {
  return user.role === 'founder' ? { ownerId: user.id } : { staff: user.id };
}

function found(row: ApplicationRow | null): ApplicationRow {
  if (!row) throw new NotFoundException('Application not found');
  return row;
}
