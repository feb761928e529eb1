import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles, STAFF } from '../auth/auth.decorators';
import { ApplicationsCsvService } from './applications-csv.service';
import { ApplicationsCsvQuery, FunnelQuery } from './dto/report-queries.dto';
import { FunnelService, type FunnelReport } from './funnel.service';

@ApiTags('reports')
@ApiBearerAuth()
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
      'counts: moves into each status during the period; medians and service-level percentages over the cases submitted during the period. Exact definitions in README.md, "Reports".',
  })
  @ApiOkResponse({ description: '{from,to,programme,counts:{submitted,in_review,info_requested,accepted,referred,declined,withdrawn},medianHoursToFirstResponse,medianBusinessDaysToDecision,firstResponseMetPct,decisionMetPct,...}' })
  funnel(@Query() query: FunnelQuery): Promise<FunnelReport> {
    return this.funnelReport.funnel(query);
  }

  @Get('applications.csv')
  @Roles('programme_manager', 'admin')
  @ApiOperation({ summary: 'The filtered inbox as CSV (streamed; every matching case, in the inbox order)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'text/csv; charset=utf-8, header row first; cells starting with = + - @ tab or CR are prefixed with a single quote' })
  applicationsCsv(@CurrentUser() user: AuthUser, @Query() query: ApplicationsCsvQuery, @Res() res: Response): Promise<void> {
    return this.csv.stream(user, query, res);
  }
}
