import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles, STAFF } from '../common/http/auth.decorators';
import { ApiErrors } from '../common/http/api-errors';
import { UuidParamPipe } from '../common/http/is-uuid.pipe';
import { CommitteesService } from './committees.service';
import { CommitteeDecisionDto, CreateCommitteeDto, DeclarationDto, InviteReviewerDto, SubmitReviewDto } from './dto/review.dto';
import { ApplicationReviewsView, CommitteeDecisionView, CommitteeView, MyReviewList, ReviewDetailView, ReviewView } from './review.views';
import { ReviewsService } from './reviews.service';

/** Expert reviews: staff invite, reviewers (staff or experts) declare and score, staff read the aggregate. */
@ApiTags('reviews')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503)
@Controller()
export class ReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  @Post('applications/:id/reviews')
  @Roles(...STAFF)
  @ApiOperation({ summary: "Invite a reviewer on a case: a staff member or existing expert (reviewerId), or a new expert by email (an invitation email); they get review-invited. 409 if they already have a review of it; 422 when the case is closed or its programme has no rubric" })
  @ApiCreatedResponse({ type: ReviewView })
  @ApiErrors(404, 409, 422)
  invite(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: InviteReviewerDto): Promise<ReviewView> {
    return this.reviews.invite(id, user, dto);
  }

  @Get('applications/:id/reviews')
  @Roles(...STAFF)
  @ApiOperation({ summary: "Every review of the case and the aggregate (weighted score 0–100, spread, outliers); a staff member with their own review pending reads the others' verdicts only once theirs is submitted" })
  @ApiOkResponse({ type: ApplicationReviewsView })
  @ApiErrors(404)
  forApplication(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string): Promise<ApplicationReviewsView> {
    return this.reviews.forApplication(id, user);
  }

  @Get('reviews')
  @Roles(...STAFF, 'expert')
  @ApiOperation({ summary: 'My reviews, pending first, with the reference and startup name of each case' })
  @ApiOkResponse({ type: MyReviewList })
  mine(@CurrentUser() user: AuthUser): Promise<MyReviewList> {
    return this.reviews.mine(user);
  }

  @Get('reviews/:id')
  @Roles(...STAFF, 'expert')
  @ApiOperation({ summary: 'My review, its rubric, and what I may read of the case: reference and name before declaring; fields and documents once I declared no conflict' })
  @ApiOkResponse({ type: ReviewDetailView })
  @ApiErrors(404)
  detail(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string): Promise<ReviewDetailView> {
    return this.reviews.detail(id, user);
  }

  @Post('reviews/:id/declaration')
  @HttpCode(200)
  @Roles(...STAFF, 'expert')
  @ApiOperation({ summary: 'Declare a conflict of interest (the review is recused) or none (it opens); once' })
  @ApiOkResponse({ type: ReviewView })
  @ApiErrors(404, 409)
  declare(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: DeclarationDto): Promise<ReviewView> {
    return this.reviews.declare(id, user, dto);
  }

  @Put('reviews/:id')
  @Roles(...STAFF, 'expert')
  @ApiOperation({ summary: 'Submit my scores (every rubric key, no other, 0..max), comment and recommendation; final (a second submission is a 409)' })
  @ApiOkResponse({ type: ReviewView })
  @ApiErrors(404, 409, 422)
  submit(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: SubmitReviewDto): Promise<ReviewView> {
    return this.reviews.submit(id, user, dto);
  }

  @Delete('reviews/:id')
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Withdraw an invitation not yet submitted (409 once submitted)' })
  @ApiOkResponse({ type: ReviewView })
  @ApiErrors(404, 409)
  withdraw(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string): Promise<ReviewView> {
    return this.reviews.withdraw(id, user);
  }
}

/** Selection committees of a programme: the agenda ranked by the reviews' aggregate, and decisions. */
@ApiTags('committees')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503)
@Controller()
export class CommitteesController {
  constructor(private readonly committees: CommitteesService) {}

  @Post('programmes/:slug/committees')
  @Roles('programme_manager', 'admin')
  @ApiOperation({ summary: "Create a committee of the programme with its agenda (that programme's managers, admins)" })
  @ApiCreatedResponse({ type: CommitteeView })
  @ApiErrors(404)
  create(@CurrentUser() user: AuthUser, @Param('slug') slug: string, @Body() dto: CreateCommitteeDto): Promise<CommitteeView> {
    return this.committees.create(slug, user, dto);
  }

  @Get('committees/:id')
  @Roles(...STAFF)
  @ApiOperation({ summary: 'The agenda: each case with its aggregate and decision, ranked by weighted score' })
  @ApiOkResponse({ type: CommitteeView })
  @ApiErrors(404)
  get(@Param('id', UuidParamPipe) id: string): Promise<CommitteeView> {
    return this.committees.get(id);
  }

  @Post('committees/:id/decisions')
  @Roles('programme_manager', 'admin')
  @ApiOperation({ summary: "Record the committee's decision on a case: moves it exactly as a transition does (same 409/422, emails, webhooks), with the committee and its rationale on the timeline" })
  @ApiCreatedResponse({ type: CommitteeDecisionView })
  @ApiErrors(404, 409, 422)
  decide(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Body() dto: CommitteeDecisionDto): Promise<CommitteeDecisionView> {
    return this.committees.decide(id, user, dto);
  }
}
