import { Body, Controller, Get, Headers, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Public, Roles } from '../common/http/auth.decorators';
import type { Locale } from '../routing/rule-language';
import { CreateProgrammeDto, ProgrammeListQuery, UpdateProgrammeDto } from './dto/programme.dto';
import { ProgrammeView, toProgrammeView } from './programme.view';
import { ProgrammesService } from './programmes.service';

class ProgrammePage {
  @ApiProperty({ type: [ProgrammeView] }) items: ProgrammeView[];
  @ApiProperty({ type: String, nullable: true, description: 'always null: the whole catalogue in one page' }) nextCursor: null;
}

export function pickLocale(explicit: string | undefined, acceptLanguage: string | undefined): Locale {
  if (explicit === 'fr' || explicit === 'en') return explicit;
  const first = /^\s*([a-z]{2})/i.exec(acceptLanguage ?? '')?.[1]?.toLowerCase();
  return first === 'en' ? 'en' : 'fr';
}

@ApiTags('programmes')
@Controller('programmes')
export class ProgrammesController {
  constructor(private readonly programmes: ProgrammesService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'The programme catalogue with readable rules (no token needed)' })
  @ApiOkResponse({ type: ProgrammePage })
  @ApiErrors(400, 503)
  async list(@Query() query: ProgrammeListQuery, @Headers('accept-language') acceptLanguage?: string): Promise<ProgrammePage> {
    const locale = pickLocale(query.locale, acceptLanguage);
    const items = await this.programmes.list(query.includeInactive === 'true');
    return { items: items.map((p) => toProgrammeView(p, locale)), nextCursor: null };
  }

  @Public()
  @Get(':slug')
  @ApiOperation({ summary: 'One programme with readable rules' })
  @ApiOkResponse({ type: ProgrammeView })
  @ApiErrors(400, 404, 503)
  async get(@Param('slug') slug: string, @Query() query: ProgrammeListQuery, @Headers('accept-language') acceptLanguage?: string): Promise<ProgrammeView> {
    return toProgrammeView(await this.programmes.get(slug), pickLocale(query.locale, acceptLanguage));
  }

  @Post()
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Create a programme with its routing rules' })
  @ApiCreatedResponse({ type: ProgrammeView })
  @ApiErrors(400, 401, 403, 409, 503)
  async create(@Body() dto: CreateProgrammeDto, @CurrentUser() user: AuthUser): Promise<ProgrammeView> {
    return toProgrammeView(await this.programmes.create(dto, user.id), user.locale);
  }

  @Patch(':slug')
  @Roles('admin', 'programme_manager')
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Edit a programme's rules, texts, rubric, or (de)activate it; a rules or rubric edit makes a new version. A programme manager may change only the rubric of their own programmes (403 otherwise)",
  })
  @ApiOkResponse({ type: ProgrammeView })
  @ApiErrors(400, 401, 403, 404, 503)
  async update(@Param('slug') slug: string, @Body() dto: UpdateProgrammeDto, @CurrentUser() user: AuthUser): Promise<ProgrammeView> {
    return toProgrammeView(await this.programmes.update(slug, dto, user), user.locale);
  }
}
