import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags, OmitType } from '@nestjs/swagger';
import { ApiErrors, ErrorBody } from '../common/http/api-errors';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles } from '../common/http/auth.decorators';
import { UuidParamPipe } from '../common/http/is-uuid.pipe';
import type { Page } from '../common/pagination/cursor';
import { ApplicationListItem, ApplicationView, RecommendationsAnswerView } from './application.view';
import { ApplicationsService } from './applications.service';
import { ListApplicationsQuery, SubmitApplicationDto } from './dto/application-actions.dto';
import { CreateApplicationDto, UpdateApplicationDto } from './dto/application-fields.dto';

/** A list item: the application without projectSummary and recommendations (GET /applications/:id has them). */
class ApplicationListItemView extends OmitType(ApplicationView, ['projectSummary', 'recommendations', 'founder'] as const) {}

class ApplicationPage {
  @ApiProperty({ type: [ApplicationListItemView] }) items: ApplicationListItemView[];
  @ApiProperty({ type: String, nullable: true, description: 'null on the last page' }) nextCursor: string | null;
}

@ApiTags('applications')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503)
@Controller('applications')
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @Roles('founder')
  @ApiOperation({ summary: 'Create a draft (only startupName is required); it gets its reference now' })
  @ApiCreatedResponse({ type: ApplicationView })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateApplicationDto): Promise<ApplicationView> {
    return this.applications.create(user, dto);
  }

  @Get()
  @ApiOperation({ summary: "Founders: their own applications. Staff: the inbox" })
  @ApiOkResponse({ type: ApplicationPage })
  list(@CurrentUser() user: AuthUser, @Query() query: ListApplicationsQuery): Promise<Page<ApplicationListItem>> {
    return this.applications.list(user, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One application (owner or staff)' })
  @ApiOkResponse({ type: ApplicationView })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string): Promise<ApplicationView> {
    return this.applications.get(id, user);
  }

  @Patch(':id')
  @Roles('founder')
  @ApiOperation({ summary: 'Edit while draft or info_requested (owner)' })
  @ApiOkResponse({ type: ApplicationView })
  @ApiErrors(404, 409, 422)
  update(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdateApplicationDto): Promise<ApplicationView> {
    return this.applications.update(id, user, dto);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Roles('founder')
  @ApiOperation({ summary: 'draft → submitted; 422 listing every missing field; answers with recommendations and due dates' })
  @ApiOkResponse({ type: ApplicationView })
  @ApiErrors(404, 409, 422)
  @ApiForbiddenResponse({ type: ErrorBody, description: 'the founder has not verified their email address yet: `code: "email_not_verified"`' })
  submit(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: SubmitApplicationDto): Promise<ApplicationView> {
    return this.applications.submit(id, user, dto);
  }

  @Get(':id/recommendations')
  @ApiOperation({ summary: 'The ranked eligible programmes and the ineligible ones, with reasons (stored at submission; staff also see today’s)' })
  @ApiErrors(404)
  @ApiOkResponse({ type: RecommendationsAnswerView })
  recommendations(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string): ReturnType<ApplicationsService['recommendations']> {
    return this.applications.recommendations(id, user);
  }
}
