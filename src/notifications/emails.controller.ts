import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Roles } from '../common/http/auth.decorators';
import { Page } from '../common/pagination/cursor';
import { EmailLogEntry, EmailLogRepository } from './email-log.repository';
import { PageQuery } from '../common/pagination/page-query.dto';
import { TEMPLATE_NAMES } from './templates/template-contexts';

export class EmailLogQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'recipient email or user id' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  recipient?: string;

  @ApiPropertyOptional({ enum: TEMPLATE_NAMES })
  @IsOptional()
  @IsIn(TEMPLATE_NAMES)
  template?: string;

  @ApiPropertyOptional({ enum: ['queued', 'sent', 'failed', 'skipped'] })
  @IsOptional()
  @IsIn(['queued', 'sent', 'failed', 'skipped'])
  status?: string;

}

class EmailRecipientView {
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) id: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the address it was sent to (removed on erasure)' }) email: string | null;
}

class EmailLogEntryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: TEMPLATE_NAMES }) template: string;
  @ApiProperty({ type: EmailRecipientView }) recipient: EmailRecipientView;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) applicationId: string | null;
  @ApiProperty({ enum: ['queued', 'sent', 'failed', 'skipped'] }) status: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt: string | null;
}

class EmailLogPage {
  @ApiProperty({ type: [EmailLogEntryView] }) items: EmailLogEntryView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

@ApiTags('emails')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503)
@Controller('emails')
export class EmailsController {
  constructor(private readonly log: EmailLogRepository) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'The email log: template, recipient, status (queued, sent, failed, skipped), attempts, last error, sent at; newest first' })
  @ApiOkResponse({ type: EmailLogPage })
  list(@Query() query: EmailLogQuery): Promise<Page<EmailLogEntry>> {
    return this.log.list(query);
  }
}
