import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { parisDate } from '../domain/business-calendar';
import { Clock } from '../common/clock';
import { FieldValidationException } from '../common/http/validation';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { Transactions } from '../database/transactions';
import type { Composers, Composition, EmailRow, Recipient } from '../notifications/email-composer';
import { enqueueEmails, OutboxEmail } from '../notifications/outbox/email-outbox';
import type { TemplateContexts, WeeklyDigestAdvisorContext, WeeklyDigestManagerContext } from '../notifications/templates/template-contexts';
import type { RenderedEmail } from '../notifications/templates/template-renderer';
import { TemplateRendererProvider } from '../notifications/template-renderer.provider';
import { AdvisorDigestContent, advisorHasNews, DigestFiguresService, ManagerDigestContent, managerHasNews, periodOf } from './digest-figures.service';
import { DigestsRepository } from './digests.repository';
import { digestPeriod, IsoWeek, isoWeekOf, mondayOf } from './iso-week';
import { signUnsubscribeToken } from './unsubscribe-token';

/** 400 naming `week`. */
function weekError(message: string): FieldValidationException {
  return new FieldValidationException([{ field: 'week', messages: [message] }]);
}

export interface DigestRunResult {
  week: IsoWeek;
  queued: number;
  /** how many SQL queries the figures took, whatever the number of recipients */
  figureQueries: number;
}

@Injectable()
export class DigestsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly repository: DigestsRepository,
    private readonly figures: DigestFiguresService,
    private readonly renderer: TemplateRendererProvider,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  currentWeek(): IsoWeek {
    return isoWeekOf(parisDate(this.clock.now()));
  }

  /**
   * Fans a week's digests out: figures for every recipient (set-based), one stored snapshot and
   * one outbox email per recipient with something to say and the digest turned on. Keys
   * `digest:<userId>:<week>` make a second run, a retry or a second worker send nothing twice.
   */
  async run(week: IsoWeek = this.currentWeek()): Promise<DigestRunResult> {
    if (!mondayOf(week)) throw weekError('week must be an ISO week such as 2026-W49');
    // a future week has no figures yet, and its digests would be stored (and never sent again) as if it were over
    const current = this.currentWeek();
    if (week > current) throw weekError(`week must not be in the future (the current week is ${current})`);
    const { startsOn, monday } = digestPeriod(week);
    const now = this.clock.now();
    const period = periodOf(startsOn, monday, now);
    return this.transactions.run(async (em) => {
      await this.repository.lockFanOut(em);
      const recipients = await this.repository.recipientsWithout(em, week);
      const locales = new Map(recipients.map((r) => [r.id, r.locale]));
      const ids = [...locales.keys()];
      const { figures: advisors, queries: advisorQueries } = await this.figures.advisors(em, period, ids);
      const { figures: managers, queries: managerQueries } = await this.figures.managers(em, period, (id) => locales.get(id) ?? 'fr', ids);
      // the recipients' query counts too
      const queries = 1 + advisorQueries + managerQueries;

      const rows: { userId: string; kind: 'advisor' | 'manager'; content: AdvisorDigestContent | ManagerDigestContent }[] = [];
      for (const [userId, content] of advisors) if (advisorHasNews(content)) rows.push({ userId, kind: 'advisor', content });
      for (const [userId, content] of managers) if (managerHasNews(content)) rows.push({ userId, kind: 'manager', content });
      if (rows.length === 0) return { week, queued: 0, figureQueries: queries };

      const inserted = await this.repository.insertSnapshots(em, week, rows);
      const emails: OutboxEmail[] = inserted.map((d) => ({
        template: d.kind === 'advisor' ? 'weekly-digest-advisor' : 'weekly-digest-manager',
        recipientId: d.user_id,
        // one key per person and week whichever the template (see dedupeKey)
        eventKey: week,
        data: { digestId: d.id, week },
      }));
      const queued = await enqueueEmails(em, emails, now);
      return { week, queued, figureQueries: queries };
    });
  }

  /** This week's digest of one user, rendered now (admin preview); nothing is stored or sent. */
  async preview(userId: string): Promise<RenderedEmail> {
    const week = this.currentWeek();
    const { startsOn, monday } = digestPeriod(week);
    const period = periodOf(startsOn, monday, this.clock.now());
    const user = await this.repository.digestReader(userId);
    if (!user) throw new NotFoundException('No advisor or programme manager with this id');
    if (user.role === 'advisor') {
      // the figures read in one short transaction, as a run reads them
      const content = (await this.transactions.run((em) => this.figures.advisors(em, period, [userId]))).figures.get(userId);
      if (!content) throw new NotFoundException('This advisor receives no digest (inactive)');
      return this.renderer.get().render('weekly-digest-advisor', this.advisorContext(user.id, user.full_name, user.locale, week, content));
    }
    const content = (await this.transactions.run((em) => this.figures.managers(em, period, () => user.locale, [userId]))).figures.get(userId) ?? { programmes: [] };
    return this.renderer.get().render('weekly-digest-manager', this.managerContext(user.id, user.full_name, user.locale, week, content));
  }

  unsubscribeUrl(userId: string): string {
    return `${this.config.publicUrl}/api/v1/unsubscribe?token=${signUnsubscribeToken(this.config.jwtSecret, userId, this.clock.now())}`;
  }

  private base(userId: string, name: string, locale: 'fr' | 'en', week: IsoWeek): Pick<WeeklyDigestAdvisorContext, 'recipientName' | 'locale' | 'publicUrl' | 'week' | 'periodStartsOn' | 'periodEndsOn' | 'unsubscribeUrl'> {
    const { startsOn, endsOn } = digestPeriod(week);
    return { recipientName: name, locale, publicUrl: this.config.publicUrl, week, periodStartsOn: startsOn, periodEndsOn: endsOn, unsubscribeUrl: this.unsubscribeUrl(userId) };
  }

  advisorContext(userId: string, name: string, locale: 'fr' | 'en', week: IsoWeek, c: AdvisorDigestContent): TemplateContexts['weekly-digest-advisor'] {
    return {
      ...this.base(userId, name, locale, week),
      openByStatus: c.openByStatus,
      openTotal: c.openTotal,
      atRisk: c.atRisk.map((x) => ({ ...x, dueAt: new Date(x.dueAt) })),
      breached: c.breached.map((x) => ({ ...x, dueAt: new Date(x.dueAt) })),
      newThisWeek: c.newThisWeek.map((x) => ({ ...x, assignedAt: new Date(x.assignedAt) })),
      waitingOnFounders: c.waitingOnFounders.map((x) => ({ ...x, requestedAt: new Date(x.requestedAt) })),
      closedLastWeek: c.closedLastWeek,
    };
  }

  managerContext(userId: string, name: string, locale: 'fr' | 'en', week: IsoWeek, c: ManagerDigestContent): WeeklyDigestManagerContext {
    return { ...this.base(userId, name, locale, week), programmes: c.programmes };
  }

  /** The stored snapshot of a digest email (for the sender). */
  snapshot(em: EntityManager, digestId: string): Promise<{ week: string; kind: 'advisor' | 'manager'; content: AdvisorDigestContent | ManagerDigestContent } | null> {
    return this.repository.snapshot<AdvisorDigestContent | ManagerDigestContent>(em, digestId);
  }
}

/**
 * The digest templates' composers (worker side), given to the notifications' EmailComposer by
 * the composition root (EMAIL_COMPOSERS).
 */
@Injectable()
export class DigestEmailComposer {
  constructor(private readonly digests: DigestsService) {}

  readonly composers: Composers<'weekly-digest-advisor' | 'weekly-digest-manager'> = {
    'weekly-digest-advisor': (em, email, recipient) => this.compose(em, email, recipient, 'advisor'),
    'weekly-digest-manager': (em, email, recipient) => this.compose(em, email, recipient, 'manager'),
  };

  private compose(em: EntityManager, email: EmailRow, recipient: Recipient, kind: 'advisor'): Promise<Composition<'weekly-digest-advisor'>>;
  private compose(em: EntityManager, email: EmailRow, recipient: Recipient, kind: 'manager'): Promise<Composition<'weekly-digest-manager'>>;
  private async compose(em: EntityManager, email: EmailRow, recipient: Recipient, kind: 'advisor' | 'manager'): Promise<Composition<'weekly-digest-advisor' | 'weekly-digest-manager'>> {
    if (!recipient.weeklyDigest) return { send: false, why: 'the recipient turned the weekly digest off' };
    const snapshot = await this.digests.snapshot(em, String(email.data.digestId));
    if (!snapshot) return { send: false, why: 'digest not found' };
    // the template was chosen from the digest's kind when it was written
    if (snapshot.kind !== kind) return { send: false, why: `the digest is a ${snapshot.kind}'s, not this template's` };
    const context =
      snapshot.kind === 'advisor'
        ? this.digests.advisorContext(recipient.id, recipient.fullName, recipient.locale, snapshot.week, snapshot.content as AdvisorDigestContent)
        : this.digests.managerContext(recipient.id, recipient.fullName, recipient.locale, snapshot.week, snapshot.content as ManagerDigestContent);
    return {
      send: true,
      context,
      // RFC 8058 one-click unsubscribe
      headers: { 'List-Unsubscribe': `<${context.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    };
  }
}
