import { BadRequestException, ConflictException, Controller, Get, HttpException, Param, ParseUUIDPipe, Post, Req, Res, UnprocessableEntityException, UseFilters, UseGuards } from '@nestjs/common';
import type { CaseRef } from '../../common/case-visibility';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../../auth/auth-user';
import { Public } from '../../common/http/auth.decorators';
import { FieldValidationException } from '../../common/http/validation';
import { CommitteesService } from '../../reviews/committees.service';
import { RECOMMENDATIONS, type ReviewRecommendation } from '../../domain/review-rules';
import type { ReviewDetailView } from '../../reviews/review.views';
import { ReviewsService } from '../../reviews/reviews.service';
import { textOf } from '../forms/form-validation';
import { SignedIn, WebRequest } from '../web-context';
import { WebExceptionFilter } from '../web-exception.filter';
import { WebGuard } from '../web.guard';
import { WebPages } from '../web-pages.service';

type PageLocale = 'fr' | 'en';

/** The reviews panel of the staff case page (`templates/web/partials/staff-case-reviews.hbs`). */
export interface StaffCaseReviewsPanel {
  applicationId: string;
  blind: boolean;
  aggregate: { invited: number; recused: number; submitted: number; weightedScore: string | null; spread: string | null; outliers: number };
  items: { reviewerName: string; reviewerRole: string; statusLabel: string; dueOn: string; weightedScore: string | null; recommendationLabel: string | null; comment: string | null; conflictDetails: string | null; outlier: boolean }[];
}

const formatScore = (x: number | null, locale: PageLocale): string | null => (x === null ? null : new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 }).format(x));

/**
 * Reviewers' pages (`/reviews`, `/reviews/:id`: the declaration, then the scoring form with the
 * rubric's labels and descriptions in the reviewer's language) and the committee page
 * (`/staff/committees/:id`: the ranked agenda and a decision form per case). Same services as
 * the API, so the same visibility and rules apply.
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller()
export class ReviewPagesController {
  constructor(
    private readonly pages: WebPages,
    private readonly reviews: ReviewsService,
    private readonly committees: CommitteesService,
  ) {}

  /** The view model of the reviews panel on the staff case page. */
  static async staffCaseReviewsPanel(reviews: ReviewsService, kase: CaseRef, user: AuthUser, t: (key: string) => string, locale: PageLocale): Promise<StaffCaseReviewsPanel> {
    const data = await reviews.forApplication(kase, user);
    return {
      applicationId: typeof kase === 'string' ? kase : kase.row.id,
      blind: data.blind,
      aggregate: {
        invited: data.aggregate.invited,
        recused: data.aggregate.recused,
        submitted: data.aggregate.submitted,
        weightedScore: formatScore(data.aggregate.weightedScore, locale),
        spread: formatScore(data.aggregate.spread, locale),
        outliers: data.aggregate.outliers.length,
      },
      items: data.items.map((r) => ({
        reviewerName: r.reviewer.fullName,
        reviewerRole: t(`reviews.roles.${r.reviewer.role}`),
        statusLabel: t(`reviews.status.${r.status}`),
        dueOn: r.dueOn,
        weightedScore: formatScore(r.weightedScore, locale),
        recommendationLabel: r.recommendation ? t(`reviews.recommendation.${r.recommendation}`) : null,
        comment: r.comment,
        conflictDetails: r.conflictDetails,
        outlier: r.outlier,
      })),
    };
  }

  @Get('reviews')
  @SignedIn('expert', 'advisor', 'programme_manager', 'admin')
  async list(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const user = req.web.user as AuthUser;
    const mine = await this.reviews.mine(user);
    const t = (key: string): string => this.pages.t(req.web.locale, key);
    const items = mine.items.map((r) => ({ ...r, statusLabel: t(`reviews.status.${r.status}`), pending: r.status === 'invited' || r.status === 'open' }));
    await this.pages.render(req, res, 'reviews/list', { titleKey: 'reviews.list.title', items });
  }

  @Get('reviews/:id')
  @SignedIn('expert', 'advisor', 'programme_manager', 'admin')
  async show(@Req() req: WebRequest, @Res() res: Response, @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string): Promise<void> {
    await this.renderReview(req, res, id, {}, {}, 200);
  }

  @Post('reviews/:id/declaration')
  @SignedIn('expert', 'advisor', 'programme_manager', 'admin')
  async declare(@Req() req: WebRequest, @Res() res: Response, @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const conflict = textOf(body, 'conflict');
    if (conflict !== 'true' && conflict !== 'false') return this.renderReview(req, res, id, { conflict: this.pages.t(req.web.locale, 'reviews.errors.conflict') }, body, 400);
    try {
      await this.reviews.declare(id, req.web.user as AuthUser, { conflict: conflict === 'true', details: textOf(body, 'details') || undefined });
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
    }
    await this.pages.flash(req, conflict === 'true' ? 'reviews.detail.recusedFlash' : 'reviews.detail.openFlash');
    res.redirect(303, `/reviews/${id}`);
  }

  @Post('reviews/:id')
  @SignedIn('expert', 'advisor', 'programme_manager', 'admin')
  async submit(@Req() req: WebRequest, @Res() res: Response, @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const t = (key: string, params?: Record<string, unknown>): string => this.pages.t(req.web.locale, key, params);
    const review = await this.reviews.detail(id, req.web.user as AuthUser);
    const scores: Record<string, unknown> = {};
    for (const c of review.rubric) {
      const raw = textOf(body, `scores.${c.key}`);
      scores[c.key] = /^\d+$/.test(raw) ? Number(raw) : raw === '' ? undefined : raw;
    }
    const comment = textOf(body, 'comment').trim();
    const recommendation = textOf(body, 'recommendation');
    const errors: Record<string, string> = {};
    for (const c of review.rubric) {
      const v = scores[c.key];
      if (typeof v !== 'number' || v > c.max) errors[`scores.${c.key}`] = t('reviews.errors.score', { max: c.max });
    }
    if (comment === '') errors.comment = t('reviews.errors.comment');
    if (!(RECOMMENDATIONS as readonly string[]).includes(recommendation)) errors.recommendation = t('reviews.errors.recommendation');
    if (Object.keys(errors).length > 0) return this.renderReview(req, res, id, errors, body, 400);
    try {
      await this.reviews.submit(id, req.web.user as AuthUser, { scores, comment, recommendation: recommendation as ReviewRecommendation });
    } catch (error) {
      if (error instanceof FieldValidationException) return this.renderReview(req, res, id, Object.fromEntries(error.fieldErrors.map((e) => [e.field, e.messages[0]])), body, 400);
      if (!(error instanceof ConflictException || error instanceof UnprocessableEntityException)) throw error;
    }
    await this.pages.flash(req, 'reviews.detail.submittedFlash');
    res.redirect(303, `/reviews/${id}`);
  }

  private async renderReview(req: WebRequest, res: Response, id: string, errors: Record<string, string>, posted: Record<string, unknown>, status: number): Promise<void> {
    const user = req.web.user as AuthUser;
    const locale = req.web.locale;
    const t = (key: string): string => this.pages.t(locale, key);
    const review: ReviewDetailView = await this.reviews.detail(id, user);
    const criteria = review.rubric.map((c) => {
      const value = review.scores?.[c.key] ?? textOf(posted, `scores.${c.key}`);
      return { name: `scores.${c.key}`, label: c.label[locale], description: c.description[locale], max: c.max, weight: c.weight, value: value === undefined ? '' : String(value) };
    });
    const fields = review.application.fields;
    const answers = fields
      ? [
          { label: t('reviews.fields.projectSummary'), value: fields.projectSummary ?? '' },
          { label: t('reviews.fields.stage'), value: fields.stage ?? '' },
          { label: t('reviews.fields.trl'), value: fields.trl === null ? '' : String(fields.trl) },
          { label: t('reviews.fields.domains'), value: (fields.domains ?? []).join(', ') },
          { label: t('reviews.fields.needs'), value: (fields.needs ?? []).join(', ') },
          { label: t('reviews.fields.teamSize'), value: fields.teamSize === null ? '' : String(fields.teamSize) },
          { label: t('reviews.fields.fundingSoughtEur'), value: fields.fundingSoughtEur === null ? '' : `${fields.fundingSoughtEur} €` },
          { label: t('reviews.fields.website'), value: fields.website ?? '' },
        ]
      : [];
    await this.pages.render(
      req,
      res,
      'reviews/show',
      {
        titleKey: 'reviews.detail.title',
        titleParams: { reference: review.application.reference },
        review,
        statusLabel: t(`reviews.status.${review.status}`),
        invited: review.status === 'invited',
        open: review.status === 'open',
        submitted: review.status === 'submitted',
        recused: review.status === 'recused',
        criteria,
        answers,
        documents: review.application.documents ?? [],
        comment: review.comment ?? textOf(posted, 'comment'),
        recommendationOptions: RECOMMENDATIONS.map((value) => ({ value, label: t(`reviews.recommendation.${value}`) })),
        recommendation: review.recommendation ?? textOf(posted, 'recommendation'),
        recommendationLabel: review.recommendation ? t(`reviews.recommendation.${review.recommendation}`) : null,
        conflictOptions: [
          { value: 'false', label: t('reviews.detail.noConflict') },
          { value: 'true', label: t('reviews.detail.conflict') },
        ],
        errors,
      },
      status,
    );
  }

  // -- committees ---------------------------------------------------------------------------

  @Get('staff/committees/:id')
  @SignedIn('advisor', 'programme_manager', 'admin')
  async committee(@Req() req: WebRequest, @Res() res: Response, @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string): Promise<void> {
    await this.renderCommittee(req, res, id, {}, 200);
  }

  @Post('staff/committees/:id/decisions')
  @SignedIn('programme_manager', 'admin')
  async decide(@Req() req: WebRequest, @Res() res: Response, @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const t = (key: string): string => this.pages.t(req.web.locale, key);
    const decision = textOf(body, 'decision');
    const reason = textOf(body, 'reason').trim();
    const applicationId = textOf(body, 'applicationId');
    const expectedVersion = Number(textOf(body, 'expectedVersion'));
    const errors: Record<string, string> = {};
    if (decision !== 'accepted' && decision !== 'declined') errors.decision = t('committees.errors.decision');
    if (reason === '') errors.reason = t('committees.errors.reason');
    if (Object.keys(errors).length > 0) return this.renderCommittee(req, res, id, errors, 400);
    try {
      await this.committees.decide(id, req.web.user as AuthUser, { applicationId, decision: decision as 'accepted' | 'declined', reason, expectedVersion });
    } catch (error) {
      if (error instanceof HttpException && [400, 409, 422].includes(error.getStatus()) && !(error instanceof BadRequestException && !(error instanceof FieldValidationException))) {
        const message = error.getResponse() as { message?: string | string[] };
        return this.renderCommittee(req, res, id, { decision: Array.isArray(message.message) ? message.message.join(' ') : (message.message ?? t('committees.errors.decision')) }, error.getStatus());
      }
      throw error;
    }
    await this.pages.flash(req, 'committees.decided');
    res.redirect(303, `/staff/committees/${id}`);
  }

  private async renderCommittee(req: WebRequest, res: Response, id: string, errors: Record<string, string>, status: number): Promise<void> {
    const user = req.web.user as AuthUser;
    const locale = req.web.locale;
    const t = (key: string): string => this.pages.t(locale, key);
    const committee = await this.committees.get(id);
    const canDecide = user.role === 'admin' || (user.role === 'programme_manager' && user.programmes.includes(committee.programme));
    const agenda = committee.agenda.map((item) => ({
      ...item,
      weightedScore: formatScore(item.aggregate.weightedScore, locale),
      spread: formatScore(item.aggregate.spread, locale),
      decisionLabel: item.decision ? t(`committees.decision.${item.decision}`) : null,
      canDecide: canDecide && item.decision === null && item.status === 'in_review',
      formId: `decide-${item.applicationId}`,
    }));
    await this.pages.render(
      req,
      res,
      'reviews/committee',
      {
        titleKey: 'committees.title',
        titleParams: { name: committee.name },
        committee,
        agenda,
        decisionOptions: [
          { value: 'accepted', label: t('committees.decision.accepted') },
          { value: 'declined', label: t('committees.decision.declined') },
        ],
        errors,
      },
      status,
    );
  }
}
