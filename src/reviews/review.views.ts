import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApplicationView } from '../applications/application.view';
import { DocumentView } from '../documents/document.view';
import { RubricCriterionView } from '../programmes/programme.view';
import type { Rubric } from '../programmes/rubric';
import { RECOMMENDATIONS, REVIEW_STATUSES, type ReviewRecommendation, type ReviewStatus } from '../domain/review-rules';
import type { ReviewListRow, ReviewRow } from './reviews.repository';

/** A review as its reviewer and staff read it. */
export class ReviewView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) applicationId: string;
  @ApiProperty({ format: 'uuid' }) reviewerId: string;
  @ApiProperty({ enum: REVIEW_STATUSES }) status: ReviewStatus;
  @ApiProperty({ format: 'date' }) dueOn: string;
  @ApiProperty({ description: 'the programme the case is reviewed for (slug)' }) programme: string;
  @ApiProperty({ type: Number, nullable: true, description: 'the rubric version the scores were given on (once submitted)' }) rubricVersion: number | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, nullable: true }) scores: Record<string, number> | null;
  @ApiProperty({ type: Number, nullable: true, description: '0–100, once submitted' }) weightedScore: number | null;
  @ApiProperty({ type: String, nullable: true }) comment: string | null;
  @ApiProperty({ type: String, enum: RECOMMENDATIONS, nullable: true }) recommendation: ReviewRecommendation | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) declaredAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) submittedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ReviewedCaseRef {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'GU-2026-000042' }) reference: string;
  @ApiProperty() startupName: string;
}

/** An item of `GET /reviews`: my review and the case it is about. */
export class MyReviewView extends ReviewView {
  @ApiProperty({ type: ReviewedCaseRef }) application: ReviewedCaseRef;
  @ApiProperty({ description: 'the programme’s name, in my language' }) programmeName: string;
}

export class MyReviewList {
  @ApiProperty({ type: [MyReviewView] }) items: MyReviewView[];
  @ApiProperty({ type: String, nullable: true, description: 'always null: every review of mine in one page' }) nextCursor: null;
}

export class ReviewerRef {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ enum: ['advisor', 'programme_manager', 'admin', 'expert'] }) role: string;
}

/** A review as staff see it on the case. */
export class StaffReviewView extends ReviewView {
  @ApiProperty({ type: ReviewerRef }) reviewer: ReviewerRef;
  @ApiProperty({ type: String, nullable: true, description: 'what the reviewer declared as a conflict of interest' }) conflictDetails: string | null;
  @ApiProperty({ description: 'more than 20 points from the mean of the other submitted reviews (with at least 3 submitted)' }) outlier: boolean;
}

export class ReviewAggregateView {
  @ApiProperty({ description: 'reviews not withdrawn' }) invited: number;
  @ApiProperty() recused: number;
  @ApiProperty() submitted: number;
  @ApiProperty({ type: Number, nullable: true, description: 'mean weighted score of the submitted reviews, 0–100; null until one is submitted' }) weightedScore: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'standard deviation of those scores' }) spread: number | null;
  @ApiProperty({ type: [String], format: 'uuid' }) outliers: string[];
}

export class ApplicationReviewsView {
  @ApiProperty({ type: [StaffReviewView] }) items: StaffReviewView[];
  @ApiProperty({ type: ReviewAggregateView }) aggregate: ReviewAggregateView;
  @ApiProperty({ description: 'true when the caller has a review of this case not yet submitted: others’ scores are hidden until theirs is in' }) blind: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'always null' }) nextCursor: null;
}

/** The application as a reviewer reads it: its fields and documents, never the founder's contact, notes or messages. */
export class ReviewedApplicationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() reference: string;
  @ApiProperty() startupName: string;
  @ApiPropertyOptional({ type: ApplicationView, description: 'once the reviewer declared no conflict: the application’s fields (no founder contact)' })
  fields?: Omit<ApplicationView, 'founder' | 'recommendations' | 'serviceLevels' | 'assigneeId' | 'ownerId'>;
  @ApiPropertyOptional({ type: [DocumentView], description: 'once the reviewer declared no conflict' }) documents?: DocumentView[];
}

/** `GET /reviews/:id`: my review, the rubric to score on, and what I may read of the case. */
export class ReviewDetailView extends ReviewView {
  @ApiProperty({ description: 'the programme’s name, in my language' }) programmeName: string;
  @ApiProperty({ type: [RubricCriterionView], description: 'the rubric to score on (once submitted: the version scored on)' }) rubric: Rubric;
  @ApiProperty({ type: ReviewedApplicationView }) application: ReviewedApplicationView;
}

export class CommitteeAgendaItemView {
  @ApiProperty({ format: 'uuid' }) applicationId: string;
  @ApiProperty() reference: string;
  @ApiProperty() startupName: string;
  @ApiProperty({ description: 'the case’s status now' }) status: string;
  @ApiProperty({ description: 'the case’s version, for expectedVersion' }) version: number;
  @ApiProperty({ type: ReviewAggregateView }) aggregate: ReviewAggregateView;
  @ApiProperty({ description: 'rank by weighted score, best first (cases without a score last)' }) rank: number;
  @ApiProperty({ type: String, enum: ['accepted', 'declined'], nullable: true }) decision: 'accepted' | 'declined' | null;
  @ApiProperty({ type: String, nullable: true, description: 'the committee’s rationale' }) reason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt: string | null;
}

export class CommitteeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() programme: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date' }) meetsOn: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: [CommitteeAgendaItemView], description: 'the agenda, ranked by aggregate' }) agenda: CommitteeAgendaItemView[];
}

export class CommitteeDecisionView {
  @ApiProperty({ format: 'uuid' }) committeeId: string;
  @ApiProperty({ type: ApplicationView, description: 'the case after the move' }) application: ApplicationView;
  @ApiProperty({ type: CommitteeAgendaItemView }) item: CommitteeAgendaItemView;
}

export function toReviewView(row: ReviewRow): ReviewView {
  return {
    id: row.id,
    applicationId: row.application_id,
    reviewerId: row.reviewer_id,
    status: row.status,
    dueOn: row.due_on,
    programme: row.programme,
    rubricVersion: row.rubric_version,
    scores: row.scores,
    weightedScore: row.weighted_score === null ? null : Math.round(row.weighted_score * 100) / 100,
    comment: row.comment,
    recommendation: row.recommendation,
    declaredAt: row.declared_at?.toISOString() ?? null,
    submittedAt: row.submitted_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

/** The same review with its verdict hidden (blind scoring: the caller has not submitted theirs). */
export function hideVerdict(view: ReviewView): ReviewView {
  return { ...view, scores: null, weightedScore: null, comment: null, recommendation: null, rubricVersion: null };
}

export function toMyReviewView(row: ReviewListRow, programmeName: string): MyReviewView {
  return { ...toReviewView(row), application: { id: row.application_id, reference: row.reference, startupName: row.startup_name }, programmeName };
}
