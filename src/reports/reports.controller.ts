import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors';

class FunnelCountsView {
  @ApiProperty() submitted: number;
  @ApiProperty() in_review: number;
  @ApiProperty() info_requested: number;
  @ApiProperty() accepted: number;
  @ApiProperty() referred: number;
  @ApiProperty() declined: number;
  @ApiProperty() withdrawn: number;
}

class FunnelPeriodView {
  @ApiProperty({ format: 'date-time' }) start: string;
  @ApiProperty({ format: 'date-time', description: 'first instant after the period' }) end: string;
}

class FunnelCohortView {
  @ApiProperty() submitted: number;
  @ApiProperty() firstResponses: number;
  @ApiProperty() decisions: number;
  @ApiProperty() firstResponseSettled: number;
  @ApiProperty() firstResponseMet: number;
  @ApiProperty() decisionSettled: number;
  @ApiProperty() decisionMet: number;
}

class FunnelView {
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ type: String, nullable: true }) programme: string | null;
  @ApiProperty({ type: FunnelCountsView }) counts: FunnelCountsView;
  @ApiProperty({ type: Number, nullable: true }) medianHoursToFirstResponse: number | null;
  @ApiProperty({ type: Number, nullable: true }) medianBusinessDaysToDecision: number | null;
  @ApiProperty({ type: Number, nullable: true }) firstResponseMetPct: number | null;
  @ApiProperty({ type: Number, nullable: true }) decisionMetPct: number | null;
  @ApiProperty({ type: FunnelPeriodView }) period: FunnelPeriodView;
  @ApiProperty({ type: FunnelCohortView }) cohort: FunnelCohortView;
  @ApiProperty({ format: 'date-time' }) generatedAt: string;
}
import type { Response } from 'express';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles, STAFF } from '../common/http/auth.decorators';
import { ApplicationsCsvService } from './applications-csv.service';
import { ApplicationsCsvQuery, FunnelQuery } from './dto/report-queries.dto';
import { FunnelService, type FunnelReport } from './funnel.service';

@ApiTags('reports')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503)
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly funnelReport: FunnelService,
    private readonly csv: ApplicationsCsvService,
  ) {}

  @Get('funnel')
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'The funnel of a period (Europe/Paris days, `to` inclusive), optionally for one programme',
    description:
      'counts: moves into each status during the period; medians and service-level percentages over the cases submitted during the period. Exact definitions in docs/reports.md "The funnel and the CSV" of the Guichet repository.',
  })
  @ApiOkResponse({ type: FunnelView })
  funnel(@Query() query: FunnelQuery): Promise<FunnelReport> {
    return this.funnelReport.funnel(query);
  }

  @Get('applications.csv')
  @Roles('programme_manager', 'admin')
  @ApiOperation({ summary: 'The filtered inbox as CSV (streamed; every matching case, in the inbox order)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'text/csv; charset=utf-8, header row first (`;` and a BOM with dialect=excel); cells starting with = + - @ tab or CR are prefixed with a single quote',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  applicationsCsv(@CurrentUser() user: AuthUser, @Query() query: ApplicationsCsvQuery, @Res() res: Response): Promise<void> {
    return this.csv.stream(user, query, res);
  }
}
