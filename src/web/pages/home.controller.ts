import { Controller, Get, Param, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/http/auth.decorators';
import { STAFF_ROLES } from '../../users/user.entity';
import { SignedIn, WebRedirect, WebRequest } from '../web-context';
import { WebExceptionFilter } from '../web-exception.filter';
import { WebGuard } from '../web.guard';
import { WebPages } from '../web-pages.service';
import { ProgrammeNamesService } from './programme-names';

/** The front door: what Guichet offers, the programmes and who each is for, how it works. */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller()
export class HomeController {
  constructor(
    private readonly pages: WebPages,
    private readonly catalogue: ProgrammeNamesService,
  ) {}

  @Get()
  async home(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const locale = req.web.locale;
    const programmes = (await this.catalogue.active()).map((p) => ({
      slug: p.slug,
      name: p.name[locale],
      description: p.description[locale],
      internal: p.kind === 'internal',
      forWhom: p.rules.conditions.map((c) => c.text[locale]),
      better: p.rules.preferences.map((c) => c.text[locale]),
      fallback: p.rules.fallback === true,
    }));
    await this.pages.render(req, res, 'home', {
      titleKey: 'home.title',
      internal: programmes.filter((p) => p.internal),
      external: programmes.filter((p) => !p.internal),
      erased: req.query.erased === '1',
    });
  }

  @Get('accessibility')
  async accessibility(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.pages.render(req, res, 'info/accessibility', { titleKey: 'info.accessibilityTitle' });
  }

  @Get('privacy')
  async privacy(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.pages.render(req, res, 'info/privacy', { titleKey: 'info.privacyTitle' });
  }

  /** Email links to a cohort: staff have their cohort pages; a founder's cohort shows on their applications. */
  @Get('cohorts/:id')
  @SignedIn()
  cohort(@Req() req: WebRequest, @Param('id') id: string): never {
    const staff = (STAFF_ROLES as readonly string[]).includes(req.web.user?.role ?? '');
    throw new WebRedirect(staff ? `/staff/cohorts/${encodeURIComponent(id)}` : '/applications');
  }
}
