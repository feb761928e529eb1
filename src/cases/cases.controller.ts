import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors';
import { AutoAssignResultView, MessageApiView, MessagePage, NoteApiView, TimelinePage, TimelineVerifyView } from './case.api-views';
import { ApplicationView } from '../applications/application.view';
import { WithdrawApplicationDto } from '../applications/dto/application-actions.dto';
import { AssignmentExplanation } from '../assignment/assignment-choice';
import { AssignmentService } from '../assignment/assignment.service';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles, STAFF } from '../common/http/auth.decorators';
import { UuidParamPipe } from '../common/http/is-uuid.pipe';
import type { Page } from '../common/pagination/cursor';
import { TimelineEventView, TimelineService } from '../timeline/timeline.service';
import { CaseThreadService, MessageView, NoteView } from './case-thread.service';
import { CaseWorkflowService } from './case-workflow.service';
import { AssignDto, AutoAssignDto, BodyDto, PageQuery, TransitionDto } from './dto/case-actions.dto';

/** The case side of an application: state moves, assignment, thread, notes, timeline. */
@ApiTags('cases')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503)
@Controller('applications/:id')
export class CasesController {
  constructor(
    private readonly workflow: CaseWorkflowService,
    private readonly assignment: AssignmentService,
    private readonly thread: CaseThreadService,
    private readonly timeline: TimelineService,
  ) {}

  @Post('withdraw')
  @HttpCode(200)
  @Roles('founder')
  @ApiOperation({ summary: 'Withdraw from submitted, in_review or info_requested (owner)' })
  @ApiOkResponse({ type: ApplicationView })
  @ApiErrors(404, 409, 422)
  withdraw(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: WithdrawApplicationDto): Promise<ApplicationView> {
    return this.workflow.withdraw(id, user, dto.reason, dto.expectedVersion);
  }

  @Post('transitions')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Move the case: in_review, info_requested (message), accepted (internal programme), referred (external), declined (reason), reopen (manager/admin, reason)' })
  @ApiOkResponse({ type: ApplicationView })
  @ApiErrors(404, 409, 422)
  transition(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: TransitionDto): Promise<ApplicationView> {
    return this.workflow.transition(id, user, dto);
  }

  @Post('assign')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Give the case to a staff member (or null to unassign)' })
  @ApiOkResponse({ type: ApplicationView })
  @ApiErrors(404, 409, 422)
  assign(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: AssignDto): Promise<ApplicationView> {
    return this.assignment.assign(id, user, dto.assigneeId?.toLowerCase() ?? null, dto.expectedVersion);
  }

  @Post('auto-assign')
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Let the system choose an advisor; answers with the case and why each candidate was or was not chosen' })
  @ApiOkResponse({ type: AutoAssignResultView })
  @ApiErrors(404, 409)
  autoAssign(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: AutoAssignDto): Promise<{ application: ApplicationView; explanation: AssignmentExplanation }> {
    return this.assignment.autoAssign(id, user, dto.expectedVersion);
  }

  @Post('notes')
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Internal note (never shown to the founder)' })
  @ApiCreatedResponse({ type: NoteApiView })
  @ApiErrors(404)
  addNote(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: BodyDto): Promise<NoteView> {
    return this.thread.addNote(id, user, dto.body);
  }

  @Get('messages')
  @ApiOperation({ summary: 'The founder–staff thread, oldest first' })
  @ApiOkResponse({ type: MessagePage })
  @ApiErrors(404)
  messages(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Query() query: PageQuery): Promise<Page<MessageView>> {
    return this.thread.messages(id, user, query.limit ?? 50, query.cursor);
  }

  @Post('messages')
  @ApiOperation({ summary: 'Write in the thread; a founder answering a request for information brings the case back to review' })
  @ApiCreatedResponse({ type: MessageApiView })
  @ApiErrors(404, 422, 429)
  postMessage(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: BodyDto): Promise<MessageView> {
    return this.thread.postMessage(id, user, dto.body);
  }

  @Get('timeline')
  @ApiOperation({ summary: 'Every event: who, when, what (founders see the public ones)' })
  @ApiOkResponse({ type: TimelinePage })
  @ApiErrors(404)
  list(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Query() query: PageQuery): Promise<Page<TimelineEventView>> {
    return this.timeline.list(id, user, query.limit ?? 100, query.cursor);
  }

  @Get('timeline/verify')
  @Roles('admin')
  @ApiOperation({ summary: "Check the case's hash chain: intact, or where it breaks" })
  @ApiOkResponse({ type: TimelineVerifyView })
  @ApiErrors(404)
  verify(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string): Promise<{ intact: boolean; events: number; brokenAt?: number }> {
    return this.timeline.verify(id, user);
  }
}
