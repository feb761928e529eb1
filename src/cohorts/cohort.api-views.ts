import { ApiProperty } from '@nestjs/swagger';

/** The shapes the cohorts routes answer, as the OpenAPI document declares them. */

export class EnrolmentApiView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) applicationId: string;
  @ApiProperty({ example: 'GU-2027-000042' }) reference: string;
  @ApiProperty() startupName: string;
  @ApiProperty({ format: 'date-time' }) enrolledAt: string;
}

export class MilestoneApiView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Pitch deck v2' }) title: string;
  @ApiProperty({ format: 'date', example: '2027-03-15' }) dueOn: string;
}

export class CohortApiView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'poc-funding' }) programme: string;
  @ApiProperty({ example: 'Printemps 2027' }) name: string;
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty() capacity: number;
  @ApiProperty() enrolled: number;
  @ApiProperty() seatsLeft: number;
  @ApiProperty({ type: [EnrolmentApiView] }) enrolments: EnrolmentApiView[];
  @ApiProperty({ type: [MilestoneApiView] }) milestones: MilestoneApiView[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CohortPage {
  @ApiProperty({ type: [CohortApiView] }) items: CohortApiView[];
  @ApiProperty({ type: String, nullable: true, description: 'always null: every cohort in one page' }) nextCursor: null;
}

export class CohortSummaryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() programme: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty() capacity: number;
  @ApiProperty() enrolled: number;
  @ApiProperty() seatsLeft: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class SeatsView {
  @ApiProperty() capacity: number;
  @ApiProperty() enrolled: number;
  @ApiProperty() seatsLeft: number;
}

export class ProgressCountsView {
  @ApiProperty() done: number;
  @ApiProperty() missed: number;
  @ApiProperty() pending: number;
  @ApiProperty() total: number;
}

export class StartupMilestoneView {
  @ApiProperty({ format: 'uuid' }) milestoneId: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'date' }) dueOn: string;
  @ApiProperty({ enum: ['pending', 'done', 'missed'] }) status: string;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty() overdue: boolean;
}

export class StartupProgressView {
  @ApiProperty({ format: 'uuid' }) enrolmentId: string;
  @ApiProperty({ format: 'uuid' }) applicationId: string;
  @ApiProperty() reference: string;
  @ApiProperty() startupName: string;
  @ApiProperty({ type: ProgressCountsView }) progress: ProgressCountsView;
  @ApiProperty({ type: [StartupMilestoneView] }) milestones: StartupMilestoneView[];
}

export class OverdueMilestoneView {
  @ApiProperty({ format: 'uuid' }) enrolmentId: string;
  @ApiProperty() reference: string;
  @ApiProperty() startupName: string;
  @ApiProperty({ format: 'uuid' }) milestoneId: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'date' }) dueOn: string;
}

export class CohortDashboardView {
  @ApiProperty({ type: CohortSummaryView }) cohort: CohortSummaryView;
  @ApiProperty({ type: SeatsView }) seats: SeatsView;
  @ApiProperty({ type: [MilestoneApiView] }) milestones: MilestoneApiView[];
  @ApiProperty({ type: [StartupProgressView] }) startups: StartupProgressView[];
  @ApiProperty({ type: [OverdueMilestoneView] }) overdueMilestones: OverdueMilestoneView[];
}

export class MilestoneProgressView {
  @ApiProperty({ format: 'uuid' }) enrolmentId: string;
  @ApiProperty({ format: 'uuid' }) milestoneId: string;
  @ApiProperty({ enum: ['pending', 'done', 'missed'] }) status: string;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class FounderCohortView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() programme: string;
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
}

export class FounderMilestoneView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'date' }) dueOn: string;
  @ApiProperty({ enum: ['pending', 'done', 'missed'] }) status: 'pending' | 'done' | 'missed';
  @ApiProperty({ type: String, nullable: true }) note: string | null;
}

export class FounderEnrolmentApiView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) applicationId: string;
  @ApiProperty() reference: string;
  @ApiProperty() startupName: string;
  @ApiProperty({ format: 'date-time' }) enrolledAt: string;
  @ApiProperty({ type: FounderCohortView }) cohort: FounderCohortView;
  @ApiProperty({ type: [FounderMilestoneView] }) milestones: FounderMilestoneView[];
}

export class FounderEnrolmentPage {
  @ApiProperty({ type: [FounderEnrolmentApiView] }) items: FounderEnrolmentApiView[];
  @ApiProperty({ type: String, nullable: true, description: 'always null: every enrolment in one page' }) nextCursor: null;
}
