import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CSV_DIALECTS, type CsvDialect } from '../csv';
import { ListApplicationsQuery } from '../../applications/dto/application-actions.dto';

/**
 * `GET /reports/funnel`. The fields are only declared here; `checkFunnelQuery` (funnel-query.ts) checks them
 * all at once (required real dates, from ≤ to, at most five years, an existing programme) so a
 * 400 names every failing field.
 */
export class FunnelQuery {
  @ApiProperty({ example: '2027-03-01', description: 'first day of the period (Europe/Paris), YYYY-MM-DD' })
  @IsOptional()
  from?: unknown;

  @ApiProperty({ example: '2027-03-31', description: 'last day of the period, inclusive; at most five years after `from`' })
  @IsOptional()
  to?: unknown;

  @ApiPropertyOptional({ example: 'poc-funding', description: 'an existing programme slug (active or not)' })
  @IsOptional()
  programme?: unknown;
}

/** `GET /reports/applications.csv`: the inbox's filters and sorts (no paging: every matching case). */
export class ApplicationsCsvQuery extends OmitType(ListApplicationsQuery, ['limit', 'cursor'] as const) {
  @ApiPropertyOptional({
    enum: CSV_DIALECTS,
    default: 'rfc4180',
    description: '`rfc4180`: comma-separated, no BOM. `excel`: a UTF-8 BOM and `;` separators, for French spreadsheet software',
  })
  @IsOptional()
  @IsIn(CSV_DIALECTS, { message: `dialect must be one of ${CSV_DIALECTS.join(', ')}` })
  dialect?: CsvDialect;
}
