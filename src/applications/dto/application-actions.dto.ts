import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min, MinLength } from 'class-validator';
import { CASE_STATUSES } from '../../domain/case-state-machine';
import { PageQuery } from '../../common/pagination/page-query.dto';

export class SubmitApplicationDto {
  @ApiPropertyOptional({ description: '409 if the application changed since this version' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class WithdrawApplicationDto extends SubmitApplicationDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @Transform(({ value }: TransformFnParams) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason?: string;
}

const STATUS_LIST = new RegExp(`^(${CASE_STATUSES.join('|')})(,(${CASE_STATUSES.join('|')}))*$`);

export class ListApplicationsQuery extends PageQuery {
  @ApiPropertyOptional({ description: `comma list of ${CASE_STATUSES.join(', ')}` })
  @IsOptional()
  @IsString()
  @Matches(STATUS_LIST, { message: `status must be a comma list of ${CASE_STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ description: 'programme slug (decided programme, else top recommendation)' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  programme?: string;

  @ApiPropertyOptional({ description: '`me`, `unassigned` or a staff uuid' })
  @IsOptional()
  @Matches(/^(me|unassigned|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/, { message: 'assignee must be me, unassigned or a user id' })
  assignee?: string;

  @ApiPropertyOptional({ enum: ['at_risk', 'breached'] })
  @IsOptional()
  @IsIn(['at_risk', 'breached'])
  sla?: 'at_risk' | 'breached';

  @ApiPropertyOptional({ description: 'a reference (GU-2026-000042) or part of a startup name' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  q?: string;

  @ApiPropertyOptional({ enum: ['submittedAt', '-submittedAt', 'decisionDueAt'], default: '-submittedAt' })
  @IsOptional()
  @IsIn(['submittedAt', '-submittedAt', 'decisionDueAt'])
  sort?: 'submittedAt' | '-submittedAt' | 'decisionDueAt';

}

