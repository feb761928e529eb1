import { Controller, Get, Header, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/http/auth.decorators';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { verifyUnsubscribeToken } from './unsubscribe-token';
import { UsersService } from '../users/users.service';

function page(title: string, body: string): string {
  const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}button{font-size:1rem;padding:.6rem 1.2rem}</style></head>
<body><h1>${escape(title)}</h1>${body}</body></html>`;
}

const INVALID = page(
  'Lien invalide — Invalid link',
  '<p>Ce lien de désinscription est invalide ou expiré. Vous pouvez couper le récapitulatif hebdomadaire dans vos préférences.</p><p>This unsubscribe link is invalid or expired. You can turn the weekly digest off in your preferences.</p>',
);

/**
 * One-click unsubscribe from the weekly digest (RFC 8058). No session: the signed token names
 * the user and the list. GET only shows a confirmation page with a button (link scanners
 * prefetch GETs, so a GET must not unsubscribe); POST — the mail client's one-click, or the
 * button — turns the digest off.
 */
@ApiTags('digests')
@Controller('unsubscribe')
export class UnsubscribeController {
  constructor(
    private readonly users: UsersService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Confirmation page with a one-click button (does not unsubscribe by itself)' })
  @ApiQuery({ name: 'token', required: true })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'an HTML page', content: { 'text/html': { schema: { type: 'string' } } } })
  @ApiBadRequestResponse({ description: 'a tampered or expired token: an HTML page, nothing changed', content: { 'text/html': { schema: { type: 'string' } } } })
  confirm(@Query('token') token: string | undefined, @Res({ passthrough: true }) res: Response): string {
    const verified = verifyUnsubscribeToken(this.config.jwtSecret, typeof token === 'string' ? token : '', this.clock.now());
    if (!verified.ok) {
      res.status(400);
      return INVALID;
    }
    const action = `?token=${encodeURIComponent(token as string)}`;
    return page(
      'Récapitulatif hebdomadaire — Weekly digest',
      `<p>Ne plus recevoir le récapitulatif hebdomadaire de Guichet ?<br>Stop receiving Guichet's weekly digest?</p>
<form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Me désinscrire — Unsubscribe</button></form>`,
    );
  }

  @Public()
  @Post()
  @HttpCode(200)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'One-click unsubscribe (RFC 8058): body List-Unsubscribe=One-Click, no session' })
  @ApiQuery({ name: 'token', required: true })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'an HTML page', content: { 'text/html': { schema: { type: 'string' } } } })
  @ApiBadRequestResponse({ description: 'a tampered or expired token: an HTML page, nothing changed', content: { 'text/html': { schema: { type: 'string' } } } })
  async unsubscribe(@Query('token') token: string | undefined, @Res({ passthrough: true }) res: Response): Promise<string> {
    const verified = verifyUnsubscribeToken(this.config.jwtSecret, typeof token === 'string' ? token : '', this.clock.now());
    if (!verified.ok) {
      res.status(400);
      return INVALID;
    }
    await this.users.stopWeeklyDigest(verified.userId);
    return page('Désinscription confirmée — Unsubscribed', '<p>Vous ne recevrez plus le récapitulatif hebdomadaire. You will no longer receive the weekly digest.</p>');
  }
}
