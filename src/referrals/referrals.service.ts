import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApplicationRow, fieldsOf } from '../applications/application.view';
import { ApplicationsService, unprocessable } from '../applications/applications.service';
import type { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import { FieldValidationException } from '../common/http/validation';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { enqueueEmails } from '../notifications/email-outbox.repository';
import type { OutboxEmail } from '../notifications/outbox/outbox-email';
import { checkReportPeriod } from '../reports/report-period';
import { appendCaseEvent, type EventType } from '../timeline/case-events';
import { isStaff } from '../users/user.entity';
import { enqueueWebhookEvent } from '../webhooks/webhooks.repository';
import type { CreateReferralDto, ReferralListQuery, ReferralResponseDto, ReferralsReportView, ReferralView } from './dto/referral.dto';
import { checkReferralMove, isShared, partnerReport, type ReferralStatus } from '../domain/referral-rules';
import { ReferralRow, ReferralScope, ReferralsRepository } from './referrals.repository';

/**
 * Referrals of a `referred` case to a partner organisation: the founder's consent first (nothing
 * is shared before), then the partner's answer. Every step is one transaction with its timeline
 * event, its emails (outbox) and its `referral.updated` webhook (no personal data).
 */
@Injectable()
export class ReferralsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly repository: ReferralsRepository,
    private readonly applications: ApplicationsService,
    private readonly clock: Clock,
  ) {}

  /** Staff send a referred case to a partner serving its programme; the founder is asked to consent. */
  async create(user: AuthUser, applicationId: string, dto: CreateReferralDto): Promise<ReferralView> {
    const now = this.clock.now();
    const id = await this.transactions.run(async (em) => {
      // staff see no drafts (404), as on every case route
      const app = await this.applications.findVisible(em, applicationId, user, true);
      const partner = await this.repository.findPartner(em, dto.partnerId);
      if (!partner) throw new FieldValidationException([{ field: 'partnerId', messages: ['partnerId names no partner'] }]);
      if (app.status !== 'referred') throw unprocessable(`Only a referred case can be sent to a partner (this one is ${app.status})`);
      if (!app.programme || !partner.programmes.includes(app.programme)) {
        throw unprocessable(`${partner.name} does not serve the programme this case was referred to (${app.programme ?? 'none'})`);
      }
      const referralId = await this.repository.insertReferral(em, { applicationId, partnerId: partner.id, note: dto.note || null, referredBy: user.id }, now);
      if (!referralId) throw new ConflictException('This case already has a referral to this partner');
      await this.step(em, app, referralId, partner.id, 'awaiting_consent', 'referral_created', { id: user.id, role: user.role }, now);
      await enqueueEmails(em, [{ template: 'referral-consent', recipientId: app.owner_id, eventKey: referralId, applicationId, data: { referralId } }], now);
      return referralId;
    });
    return this.get(id, user);
  }

  /** The founder consents (the partner's contacts are told) or refuses (the referral ends). */
  async consent(user: AuthUser, id: string, consent: boolean): Promise<ReferralView> {
    if (user.role !== 'founder') throw new ForbiddenException('Only the founder may consent');
    const now = this.clock.now();
    await this.transactions.run(async (em) => {
      const referral = await this.locked(em, id, { kind: 'founder', userId: user.id });
      const to = consent ? 'sent' : 'refused';
      const check = checkReferralMove(referral.status, to, 'founder');
      if (!check.ok) throw unprocessable(check.message);
      await this.repository.setConsent(em, id, to, now);
      const app = await this.application(em, referral.application_id);
      await this.step(em, app, id, referral.partner_id, to, consent ? 'referral_consent_given' : 'referral_consent_refused', { id: user.id, role: user.role }, now);
      if (consent) {
        const contacts = await this.repository.activeContactIds(em, referral.partner_id);
        await enqueueEmails(
          em,
          contacts.map((contactId) => ({ template: 'referral-received', recipientId: contactId, eventKey: id, applicationId: referral.application_id, data: { referralId: id } })),
          now,
        );
      }
    });
    return this.get(id, user);
  }

  /** A contact of the partner answers: accepted, declined (with a reason) or a meeting proposed. */
  async respond(user: AuthUser, id: string, dto: ReferralResponseDto): Promise<ReferralView> {
    const now = this.clock.now();
    await this.transactions.run(async (em) => {
      const referral = await this.locked(em, id, { kind: 'partner', userId: user.id });
      const check = checkReferralMove(referral.status, dto.outcome, 'partner');
      if (!check.ok) throw unprocessable(check.message);
      await this.repository.setAnswer(em, id, dto.outcome, dto.reason || null, user.id, now);
      const app = await this.application(em, referral.application_id);
      await this.step(em, app, id, referral.partner_id, dto.outcome, 'referral_answered', { id: user.id, role: user.role }, now, { outcome: dto.outcome });
      const eventKey = `${id}:${dto.outcome}`;
      const data = { referralId: id, outcome: dto.outcome };
      const emails: OutboxEmail[] = [{ template: 'referral-answered', recipientId: app.owner_id, eventKey, applicationId: app.id, data: { ...data, audience: 'founder' } }];
      const advisor = app.assignee_id ?? referral.referred_by;
      if (advisor) emails.push({ template: 'referral-answered', recipientId: advisor, eventKey, applicationId: app.id, data: { ...data, audience: 'staff' } });
      await enqueueEmails(em, emails, now);
    });
    return this.get(id, user);
  }

  async list(user: AuthUser, query: ReferralListQuery & { applicationId?: string }): Promise<Page<ReferralView>> {
    const scope = scopeOf(user);
    const limit = query.limit ?? 25;
    const rows = await this.repository.list(scope, { partnerId: scope.kind === 'staff' ? query.partnerId : undefined, status: query.status, applicationId: query.applicationId }, limit, decodeCursor(query.cursor, 2));
    return toPage(rows, limit, (r) => toReferralView(r), (r) => [r.created_at.toISOString(), r.id]);
  }

  /** One referral: partners (after consent) and staff also read the application, its documents and the founder's contact. */
  async get(id: string, user: AuthUser): Promise<ReferralView> {
    const row = await this.repository.find(this.repository.reads, id, scopeOf(user));
    if (!row) throw notFound();
    const view = toReferralView(row);
    if (user.role === 'founder') return view;
    if (user.role === 'partner' && !isShared(row.status)) throw notFound();
    const app = await this.application(this.repository.reads, row.application_id);
    const founder = await this.repository.founder(app.owner_id);
    const documents = await this.repository.documents(app.id);
    return {
      ...view,
      application: { ...view.application, fields: { ...fieldsOf(app) } },
      documents: documents.map((d) => ({ id: d.id, kind: d.kind, filename: d.filename, contentType: d.content_type, size: Number(d.size), sha256: d.sha256, createdAt: d.created_at.toISOString() })),
      ...(founder ? { founder: { fullName: founder.full_name, email: founder.email } } : {}),
    };
  }

  /** The per-partner report over referrals sent in the period (see referral-rules.ts). */
  async report(query: { from?: unknown; to?: unknown }): Promise<ReferralsReportView> {
    const { period, errors } = checkReportPeriod(query.from, query.to);
    if (errors.length > 0 || period === null) throw new FieldValidationException(errors);
    const [partners, rows] = await Promise.all([this.repository.allPartners(), this.repository.sentBetween(period.start, period.end)]);
    const items = partnerReport(
      partners,
      rows.map((r) => ({ partnerId: r.partner_id, status: r.status, sentAt: r.sent_at, answeredAt: r.answered_at })),
    );
    return { from: period.from, to: period.to, items };
  }

  /** The partners serving a programme (the staff's form). */
  partnersServing(programme: string): Promise<{ id: string; name: string }[]> {
    return this.repository.partnersServing(programme);
  }

  private async locked(em: EntityManager, id: string, scope: ReferralScope): Promise<ReferralRow> {
    // lock the case first (as every timeline append does), then the referral
    const peek = await this.repository.find(em, id, scope);
    if (!peek) throw notFound();
    await this.applications.load(em, peek.application_id, true);
    const row = await this.repository.find(em, id, scope, true);
    if (!row) throw notFound();
    return row;
  }

  private async application(em: EntityManager, id: string): Promise<ApplicationRow> {
    const row = await this.applications.load(em, id);
    if (!row) throw notFound();
    return row;
  }

  /** The timeline event and the webhook of one step (ids and statuses only). */
  private async step(
    em: EntityManager,
    app: ApplicationRow,
    referralId: string,
    partnerId: string,
    status: ReferralStatus,
    type: EventType,
    actor: { id: string; role: string },
    now: Date,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await appendCaseEvent(em, { applicationId: app.id, at: now, type, actor, public: true, data: { referralId, partnerId, status, ...extra } }, { caseLocked: true });
    await enqueueWebhookEvent(em, 'referral.updated', { applicationId: app.id, reference: app.reference, referralId, partnerId, status }, now);
  }
}

function notFound(): NotFoundException {
  return new NotFoundException('Referral not found');
}

export function scopeOf(user: AuthUser): ReferralScope {
  if (isStaff(user.role)) return { kind: 'staff' };
  if (user.role === 'partner') return { kind: 'partner', userId: user.id };
  if (user.role === 'founder') return { kind: 'founder', userId: user.id };
  throw new NotFoundException('Referral not found');
}

export function toReferralView(r: ReferralRow): ReferralView {
  return {
    id: r.id,
    applicationId: r.application_id,
    partnerId: r.partner_id,
    partnerName: r.partner_name,
    status: r.status,
    note: r.note,
    reason: r.reason,
    referredByName: r.referred_by_name,
    application: { id: r.application_id, reference: r.reference, startupName: r.startup_name, programme: r.programme },
    createdAt: r.created_at.toISOString(),
    consentAt: r.consent_at?.toISOString() ?? null,
    sentAt: r.sent_at?.toISOString() ?? null,
    answeredAt: r.answered_at?.toISOString() ?? null,
  };
}
