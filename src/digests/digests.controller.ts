import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { Roles } from '../common/http/auth.decorators';
import type { RenderedEmail } from '../notifications/templates/template-renderer';
import { DigestsService } from './digests.service';

export class RunDigestsDto {
  @ApiPropertyOptional({ example: '2026-W49', description: 'ISO week; default: the current one (Europe/Paris). A past week is allowed, a future one is not (400).' })
  @IsOptional()
  @Matches(/^\d{4}-W\d{2}$/, { message: 'week must be an ISO week such as 2026-W49' })
  week?: string;
}

export class PreviewQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'userId must be a user id' })
  userId: string;
}

class RenderedEmailView {
  @ApiProperty() subject: string;
  @ApiProperty() html: string;
  @ApiProperty() text: string;
}

class DigestRunView {
  @ApiProperty({ example: '2026-W49' }) week: string;
  @ApiProperty({ description: 'digests queued by this run (0 when the week was already sent)' }) queued: number;
}

@ApiTags('digests')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503)
@Controller('digests')
export class DigestsController {
  constructor(private readonly digests: DigestsService) {}

  @Post('run')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({ summary: "Queue a week's digests now; running it twice sends nothing twice" })
  @ApiAcceptedResponse({ type: DigestRunView })
  async run(@Body() dto: RunDigestsDto): Promise<DigestRunView> {
    const result = await this.digests.run(dto.week);
    return { week: result.week, queued: result.queued };
  }

  @Get('preview')
  @Roles('admin')
  @ApiOperation({ summary: "A user's digest for the current week, rendered (nothing is sent)" })
  @ApiOkResponse({ type: RenderedEmailView })
  @ApiErrors(404)
  preview(@Query() query: PreviewQuery): Promise<RenderedEmail> {
    return this.digests.preview(query.userId.toLowerCase());
  }
}
