import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles, STAFF } from '../common/http/auth.decorators';
import { ApiErrors } from '../common/http/api-errors';
import { UuidParamPipe } from '../common/http/is-uuid.pipe';
import { Page } from '../common/pagination/cursor';
import {
  ConsentDto,
  CreatePartnerDto,
  CreateReferralDto,
  PartnerListQuery,
  PartnerPage,
  PartnerView,
  ReferralListQuery,
  ReferralPage,
  ReferralResponseDto,
  ReferralsReportQuery,
  ReferralsReportView,
  ReferralView,
  UpdatePartnerDto,
} from './dto/referral.dto';
import { PartnersService } from './partners.service';
import { ReferralsService } from './referrals.service';

@ApiTags('referrals')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503)
@Controller()
export class ReferralsController {
  constructor(
    private readonly partners: PartnersService,
    private readonly referrals: ReferralsService,
  ) {}

  @Post('partners')
  @Roles('admin')
  @ApiOperation({ summary: 'Record a partner organisation; each contact is invited to a `partner` account' })
  @ApiCreatedResponse({ type: PartnerView })
  @ApiErrors(409)
  createPartner(@CurrentUser() user: AuthUser, @Body() dto: CreatePartnerDto): Promise<PartnerView> {
    return this.partners.create(user, dto);
  }

  @Patch('partners/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a partner; `contacts` is the whole list (new ones invited, missing ones taken off)' })
  @ApiOkResponse({ type: PartnerView })
  @ApiErrors(404, 409)
  updatePartner(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdatePartnerDto): Promise<PartnerView> {
    return this.partners.update(user, id, dto);
  }

  @Get('partners')
  @Roles(...STAFF)
  @ApiOperation({ summary: 'The partner organisations, by name, with their contacts' })
  @ApiOkResponse({ type: PartnerPage })
  listPartners(@Query() query: PartnerListQuery): Promise<Page<PartnerView>> {
    return this.partners.list(query.limit ?? 25, query.cursor);
  }

  @Post('applications/:id/referrals')
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Send a referred case to a partner serving its programme; the founder is asked to consent first' })
  @ApiCreatedResponse({ type: ReferralView })
  @ApiErrors(404, 409, 422)
  create(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: CreateReferralDto): Promise<ReferralView> {
    return this.referrals.create(user, id, dto);
  }

  @Post('referrals/:id/consent')
  @Roles('founder')
  @HttpCode(200)
  @ApiOperation({ summary: 'The founder shares the application with the partner (`sent`) or not (`refused`)' })
  @ApiOkResponse({ type: ReferralView })
  @ApiErrors(404, 422)
  consent(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: ConsentDto): Promise<ReferralView> {
    return this.referrals.consent(user, id, dto.consent);
  }

  @Get('referrals')
  @Roles('founder', ...STAFF, 'partner')
  @ApiOperation({ summary: 'Referrals: staff all (filters), a partner its organisation’s after consent, a founder their own; newest first' })
  @ApiOkResponse({ type: ReferralPage })
  list(@CurrentUser() user: AuthUser, @Query() query: ReferralListQuery): Promise<Page<ReferralView>> {
    return this.referrals.list(user, query);
  }

  @Get('referrals/:id')
  @Roles('founder', ...STAFF, 'partner')
  @ApiOperation({ summary: 'One referral; a partner (after consent) and staff also read the application, its documents and the founder’s name and email' })
  @ApiOkResponse({ type: ReferralView })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string): Promise<ReferralView> {
    return this.referrals.get(id, user);
  }

  @Post('referrals/:id/response')
  @Roles('partner')
  @HttpCode(200)
  @ApiOperation({ summary: 'A contact of the partner answers: accepted, declined (reason required) or meeting' })
  @ApiOkResponse({ type: ReferralView })
  @ApiErrors(404, 422)
  respond(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: ReferralResponseDto): Promise<ReferralView> {
    return this.referrals.respond(user, id, dto);
  }

  @Get('reports/referrals')
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Per partner, over the referrals sent in the period: sent, answered, accepted, declined, median business days to answer' })
  @ApiOkResponse({ type: ReferralsReportView })
  report(@Query() query: ReferralsReportQuery): Promise<ReferralsReportView> {
    return this.referrals.report(query);
  }
}
