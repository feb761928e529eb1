import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { Roles } from '../common/http/auth.decorators';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
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

export interface EmailLogEntry {
  id: string;
  template: string;
  recipient: { id: string | null; email: string | null };
  applicationId: string | null;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

interface EmailLogRow {
  id: string;
  template: string;
  recipient_id: string | null;
  email: string | null;
  application_id: string | null;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('emails')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503)
@Controller('emails')
export class EmailsController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'The email log: template, recipient, status (queued, sent, failed, skipped), attempts, last error, sent at; newest first' })
  @ApiOkResponse({ type: EmailLogPage })
  async list(@Query() query: EmailLogQuery): Promise<Page<EmailLogEntry>> {
    const limit = query.limit ?? 25;
    const after = decodeCursor(query.cursor, 2);
    const params: unknown[] = [];
    const where: string[] = ['TRUE'];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    if (query.recipient) {
      where.push(UUID.test(query.recipient) ? `e.recipient_id = ${p(query.recipient)}::uuid` : `(u.email = ${p(query.recipient.trim().toLowerCase())} OR e.recipient_email = $${params.length})`);
    }
    if (query.template) where.push(`e.template = ${p(query.template)}`);
    if (query.status) where.push(`e.status = ${p(query.status)}`);
    if (after) where.push(`(e.created_at, e.id) < (${p(after[0])}::timestamptz, ${p(after[1])}::uuid)`);
    const rows: EmailLogRow[] = await this.dataSource.query(
      `SELECT e.id, e.template, e.recipient_id, coalesce(e.recipient_email, u.email) AS email, e.application_id, e.status, e.attempts, e.last_error, e.created_at, e.sent_at
       FROM emails e LEFT JOIN users u ON u.id = e.recipient_id
       WHERE ${where.join(' AND ')} ORDER BY e.created_at DESC, e.id DESC LIMIT ${p(limit + 1)}`,
      params,
    );
    return toPage(
      rows,
      limit,
      (r) => ({
        id: r.id,
        template: r.template,
        recipient: { id: r.recipient_id, email: r.email },
        applicationId: r.application_id,
        status: r.status,
        attempts: r.attempts,
        lastError: r.last_error,
        createdAt: r.created_at.toISOString(),
        sentAt: r.sent_at?.toISOString() ?? null,
      }),
      (r) => [r.created_at.toISOString(), r.id],
    );
  }
}
