import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CASE_STATUSES, type CaseStatus } from '../domain/case-state-machine';
import { SERVICE_LEVEL_STATES, serviceLevelState, type ServiceLevelState } from '../domain/service-level';
import type { Recommendations } from '../routing/routing-engine';
import type { Locale } from '../routing/rule-language';
import { isoInstant } from '../common/iso-instant';
import type { ApplicationFields } from './submission-check';

/** An application row as selected by APPLICATION_COLUMNS. */
export interface ApplicationRow {
  id: string;
  reference: string;
  owner_id: string;
  assignee_id: string | null;
  status: CaseStatus;
  version: number;
  programme: string | null;
  startup_name: string;
  project_summary: string | null;
  stage: string | null;
  trl: number | null;
  domains: string[] | null;
  needs: string[] | null;
  incorporated: boolean | null;
  incorporation_date: string | null;
  siren: string | null;
  academic_affiliation: string | null;
  looking_for_cofounder: boolean | null;
  team_size: number | null;
  funding_sought_eur: string | null;
  website: string | null;
  locale: Locale;
  recommendations: { fr: Recommendations; en: Recommendations } | null;
  rules_versions: Record<string, number> | null;
  top_programme: string | null;
  inbox_programme: string | null;
  submitted_at: Date | null;
  first_response_due_at: Date | null;
  first_responded_at: Date | null;
  decision_due_at: Date | null;
  decided_at: Date | null;
  paused_at: Date | null;
  withdrawn_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const APPLICATION_COLUMNS = `a.id, a.reference, a.owner_id, a.assignee_id, a.status, a.version, a.programme, a.startup_name,
  a.project_summary, a.stage, a.trl, a.domains, a.needs, a.incorporated, to_char(a.incorporation_date, 'YYYY-MM-DD') AS incorporation_date,
  a.siren, a.academic_affiliation, a.looking_for_cofounder, a.team_size, a.funding_sought_eur, a.website, a.locale,
  a.recommendations, a.rules_versions, a.top_programme, a.inbox_programme, a.submitted_at, a.first_response_due_at, a.first_responded_at,
  a.decision_due_at, a.decided_at, a.paused_at, a.withdrawn_at, a.created_at, a.updated_at`;

/**
 * The columns of a list row (inbox, founder's list, CSV): the same minus the long texts a list
 * never shows — the project summary and the stored routing result (about 2.5 kB of jsonb per
 * case, in both languages). Reading them made the inbox three times slower.
 */
export const LIST_COLUMNS = APPLICATION_COLUMNS.replace('a.project_summary,', 'NULL::text AS project_summary,').replace(
  'a.recommendations, a.rules_versions,',
  'NULL::jsonb AS recommendations, NULL::jsonb AS rules_versions,',
);

export class ReasonView {
  @ApiProperty() code: string;
  @ApiProperty() text: string;
}
export class EligibleView {
  @ApiProperty() programme: string;
  @ApiProperty() score: number;
  @ApiProperty({ type: [ReasonView] }) reasons: ReasonView[];
}
export class IneligibleView {
  @ApiProperty() programme: string;
  @ApiProperty({ type: [ReasonView] }) failed: ReasonView[];
}
export class RecommendationsView {
  @ApiProperty({ type: [EligibleView] }) eligible: EligibleView[];
  @ApiProperty({ type: [IneligibleView] }) ineligible: IneligibleView[];
}

export class ServiceLevelsView {
  @ApiProperty({ enum: SERVICE_LEVEL_STATES }) firstResponse: ServiceLevelState;
  @ApiProperty({ enum: SERVICE_LEVEL_STATES }) decision: ServiceLevelState;
}

/** GET /applications/:id/recommendations: as stored at submission; staff also see today's. */
export class RecommendationsAnswerView {
  @ApiProperty({ type: RecommendationsView, nullable: true, description: 'as stored at submission (a draft: a preview with today’s rules)' }) recommendations: Recommendations | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, nullable: true, description: 'the rules version of each programme used' }) rulesVersions: Record<string, number> | null;
  @ApiPropertyOptional({ type: RecommendationsView, description: 'staff only: with today’s rules' }) current?: Recommendations;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'integer' }, description: 'staff only' }) currentRulesVersions?: Record<string, number>;
}

/** Who the founder is, for staff: enough to write to them in their language. */
export class FounderContactView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Camille Martin' }) fullName: string;
  @ApiProperty({ format: 'email', example: 'camille@cardiosense.example' }) email: string;
  @ApiProperty({ enum: ['fr', 'en'] }) locale: Locale;
}

export class ApplicationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'GU-2026-000042' }) reference: string;
  @ApiProperty({ enum: CASE_STATUSES }) status: CaseStatus;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'uuid' }) ownerId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) assigneeId: string | null;
  @ApiProperty({ nullable: true, type: String }) programme: string | null;
  @ApiProperty() startupName: string;
  @ApiProperty({ nullable: true, type: String }) projectSummary: string | null;
  @ApiProperty({ nullable: true, type: String }) stage: string | null;
  @ApiProperty({ nullable: true, type: Number }) trl: number | null;
  @ApiProperty({ nullable: true, type: [String] }) domains: string[] | null;
  @ApiProperty({ nullable: true, type: [String] }) needs: string[] | null;
  @ApiProperty({ nullable: true, type: Boolean }) incorporated: boolean | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) incorporationDate: string | null;
  @ApiProperty({ nullable: true, type: String }) siren: string | null;
  @ApiProperty({ nullable: true, type: String }) academicAffiliation: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) lookingForCofounder: boolean | null;
  @ApiProperty({ nullable: true, type: Number }) teamSize: number | null;
  @ApiProperty({ nullable: true, type: Number }) fundingSoughtEur: number | null;
  @ApiProperty({ nullable: true, type: String }) website: string | null;
  @ApiProperty({ type: RecommendationsView, nullable: true, description: 'as given at submission, in the viewer’s language' })
  recommendations: Recommendations | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) submittedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) firstResponseDueAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) firstRespondedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) decisionDueAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) decidedAt: string | null;
  @ApiPropertyOptional({ type: ServiceLevelsView, nullable: true }) serviceLevels: ServiceLevelsView | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiPropertyOptional({ type: FounderContactView, description: 'staff only: who the founder is (absent from the founder’s own view and from lists)' })
  founder?: FounderContactView;
}

/** The founder's fields a list shows: all but the project summary (a stored case always has its startup's name). */
function listedFieldsOf(row: ApplicationRow): Omit<ApplicationFields, 'projectSummary' | 'startupName'> & { startupName: string } {
  return {
    startupName: row.startup_name,
    stage: row.stage,
    trl: row.trl,
    domains: row.domains,
    needs: row.needs,
    incorporated: row.incorporated,
    incorporationDate: row.incorporation_date,
    siren: row.siren,
    academicAffiliation: row.academic_affiliation,
    lookingForCofounder: row.looking_for_cofounder,
    teamSize: row.team_size,
    fundingSoughtEur: row.funding_sought_eur === null ? null : Number(row.funding_sought_eur),
    website: row.website,
  };
}

/** The application's own fields (what the founder writes), from a row. */
export function fieldsOf(row: ApplicationRow): ApplicationFields {
  return { ...listedFieldsOf(row), projectSummary: row.project_summary };
}

const iso = (d: Date | null): string | null => (d ? isoInstant(d) : null);

/** A list item: the application without its project summary and recommendations (GET /applications/:id has them). */
export type ApplicationListItem = Omit<ApplicationView, 'projectSummary' | 'recommendations'>;

/**
 * A list item, written out in one object literal: a staff inbox page makes 26 of them, and
 * building the whole view and then leaving two fields out cost four times as much.
 */
export function toApplicationListItem(row: ApplicationRow, now: Date): ApplicationListItem {
  const submitted = row.submitted_at !== null;
  const decidedOrClosed = row.decided_at ?? row.withdrawn_at;
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    version: row.version,
    ownerId: row.owner_id,
    assigneeId: row.assignee_id,
    programme: row.programme,
    ...listedFieldsOf(row),
    submittedAt: iso(row.submitted_at),
    firstResponseDueAt: iso(row.first_response_due_at),
    firstRespondedAt: iso(row.first_responded_at),
    decisionDueAt: iso(row.decision_due_at),
    decidedAt: iso(row.decided_at),
    serviceLevels: submitted
      ? {
          // a withdrawn case stops both clocks: what was not done by then no longer counts as late
          firstResponse: serviceLevelState({ dueAt: row.first_response_due_at, doneAt: row.first_responded_at ?? row.withdrawn_at, now }),
          decision: serviceLevelState({ dueAt: row.decision_due_at, doneAt: decidedOrClosed, now, pausedAt: row.paused_at ?? undefined }),
        }
      : null,
    createdAt: isoInstant(row.created_at),
    updatedAt: isoInstant(row.updated_at),
  };
}

/** The whole application: a list item with the project summary and the stored recommendations in the viewer's language. */
export function toApplicationView(row: ApplicationRow, locale: Locale, now: Date): ApplicationView {
  return {
    ...toApplicationListItem(row, now),
    projectSummary: row.project_summary,
    recommendations: row.recommendations ? row.recommendations[locale] : null,
  };
}
