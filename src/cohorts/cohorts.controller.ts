import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors';
import { CohortApiView, CohortDashboardView, CohortPage, EnrolmentApiView, FounderEnrolmentPage, MilestoneApiView, MilestoneProgressView } from './cohort.api-views';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles, STAFF } from '../common/http/auth.decorators';
import { UuidParamPipe } from '../common/http/is-uuid.pipe';
import { CohortsService, CohortView, EnrolmentView, FounderEnrolmentView, MilestoneView } from './cohorts.service';
import { CohortListQuery, CreateCohortDto, CreateMilestoneDto, EnrolDto, MilestoneProgressDto, UpdateMilestoneDto } from './dto/cohort.dto';

@ApiTags('cohorts')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503)
@Controller()
export class CohortsController {
  constructor(private readonly cohorts: CohortsService) {}

  @Post('programmes/:slug/cohorts')
  @Roles('programme_manager', 'admin')
  @ApiOperation({ summary: "Open a cohort for one of your programmes (its managers, admins)" })
  @ApiCreatedResponse({ type: CohortApiView })
  @ApiErrors(404, 409)
  create(@Param('slug') slug: string, @CurrentUser() user: AuthUser, @Body() dto: CreateCohortDto): Promise<CohortView> {
    return this.cohorts.create(slug, user, dto);
  }

  @Get('cohorts')
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Cohorts, with enrolled and seatsLeft' })
  @ApiOkResponse({ type: CohortPage })
  list(@Query() query: CohortListQuery): Promise<{ items: CohortView[]; nextCursor: null }> {
    return this.cohorts.list(query.programme);
  }

  @Get('cohorts/:id')
  @Roles(...STAFF)
  @ApiOperation({ summary: 'One cohort with its enrolments and milestones' })
  @ApiOkResponse({ type: CohortApiView })
  @ApiErrors(404)
  get(@Param('id', UuidParamPipe) id: string): Promise<CohortView> {
    return this.cohorts.get(id);
  }

  @Get('cohorts/:id/dashboard')
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Seats, milestone progress per startup, overdue milestones' })
  @ApiOkResponse({ type: CohortDashboardView })
  @ApiErrors(404)
  dashboard(@Param('id', UuidParamPipe) id: string): ReturnType<CohortsService['dashboard']> {
    return this.cohorts.dashboard(id);
  }

  @Post('cohorts/:id/enrolments')
  @Roles('programme_manager', 'admin')
  @ApiOperation({ summary: 'Enrol an application accepted into the programme; 409 when full or already enrolled' })
  @ApiCreatedResponse({ type: EnrolmentApiView })
  @ApiErrors(404, 409, 422)
  enrol(@Param('id', UuidParamPipe) id: string, @CurrentUser() user: AuthUser, @Body() dto: EnrolDto): Promise<EnrolmentView> {
    return this.cohorts.enrol(id, user, dto.applicationId.toLowerCase());
  }

  @Delete('cohorts/:id/enrolments/:enrolmentId')
  @Roles('programme_manager', 'admin')
  @ApiOperation({ summary: 'Remove an enrolment (frees the seat)' })
  @ApiOkResponse({ type: CohortApiView })
  @ApiErrors(404)
  unenrol(@Param('id', UuidParamPipe) id: string, @Param('enrolmentId', UuidParamPipe) enrolmentId: string, @CurrentUser() user: AuthUser): Promise<CohortView> {
    return this.cohorts.unenrol(id, enrolmentId, user);
  }

  @Get('me/enrolments')
  @Roles('founder')
  @ApiOperation({ summary: 'My enrolments (founder): each cohort with its milestones and where I stand on them' })
  @ApiOkResponse({ type: FounderEnrolmentPage })
  myEnrolments(@CurrentUser() user: AuthUser): Promise<{ items: FounderEnrolmentView[]; nextCursor: null }> {
    return this.cohorts.enrolmentsOf(user);
  }

  @Post('cohorts/:id/milestones')
  @Roles('programme_manager', 'admin')
  @ApiOperation({ summary: 'Add a milestone to the cohort' })
  @ApiCreatedResponse({ type: MilestoneApiView })
  @ApiErrors(404)
  addMilestone(@Param('id', UuidParamPipe) id: string, @CurrentUser() user: AuthUser, @Body() dto: CreateMilestoneDto): Promise<MilestoneView> {
    return this.cohorts.addMilestone(id, user, dto);
  }

  @Patch('cohorts/:id/milestones/:milestoneId')
  @Roles('programme_manager', 'admin')
  @ApiOperation({ summary: "Rename or move a milestone (its due date stays within the cohort's dates)" })
  @ApiOkResponse({ type: MilestoneApiView })
  @ApiErrors(404)
  updateMilestone(
    @Param('id', UuidParamPipe) id: string,
    @Param('milestoneId', UuidParamPipe) milestoneId: string,
    @CurrentUser() user: AuthUser,
    @Body() dto: UpdateMilestoneDto,
  ): Promise<MilestoneView> {
    return this.cohorts.updateMilestone(id, milestoneId, user, dto);
  }

  @Delete('cohorts/:id/milestones/:milestoneId')
  @Roles('programme_manager', 'admin')
  @ApiOperation({ summary: 'Remove a milestone and every startup’s progress on it' })
  @ApiOkResponse({ type: CohortApiView })
  @ApiErrors(404)
  deleteMilestone(@Param('id', UuidParamPipe) id: string, @Param('milestoneId', UuidParamPipe) milestoneId: string, @CurrentUser() user: AuthUser): Promise<CohortView> {
    return this.cohorts.deleteMilestone(id, milestoneId, user);
  }

  @Patch('enrolments/:id/milestones/:milestoneId')
  @Roles('programme_manager', 'admin')
  @ApiOperation({ summary: "Set a startup's status on a milestone: pending, done or missed, with a note" })
  @ApiOkResponse({ type: MilestoneProgressView })
  @ApiErrors(404)
  setProgress(
    @Param('id', UuidParamPipe) id: string,
    @Param('milestoneId', UuidParamPipe) milestoneId: string,
    @CurrentUser() user: AuthUser,
    @Body() dto: MilestoneProgressDto,
  ): ReturnType<CohortsService['setProgress']> {
    return this.cohorts.setProgress(id, milestoneId, user, dto);
  }
}
