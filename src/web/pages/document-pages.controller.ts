import { Controller, Get, Param, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { AuthUser } from '../../auth/auth-user';
import { Public } from '../../common/http/auth.decorators';
import { UuidParamPipe } from '../../common/http/is-uuid.pipe';
import { contentDisposition } from '../../domain/document-rules';
import { DocumentsService } from '../../documents/documents.service';
import { SignedIn, WebRequest } from '../web-context';
import { WebExceptionFilter } from '../web-exception.filter';
import { WebGuard } from '../web.guard';

/**
 * A document's bytes for a signed-in browser (the founder's pages and the staff's case page link
 * here): the same service and rules as the API's `GET /documents/:id/content` — the owner, staff
 * once the application is submitted, 404 for anyone else — and the same headers: always an
 * attachment, the stored type, nosniff, a sandboxing CSP, never cached.
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller('documents')
export class DocumentPagesController {
  constructor(private readonly documents: DocumentsService) {}

  @Get(':id')
  @SignedIn()
  async download(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const user = req.web.user as AuthUser;
    const { document, stream } = await this.documents.content(id, { ...user, locale: req.web.locale });
    res.status(200);
    res.setHeader('Content-Type', document.contentType);
    res.setHeader('Content-Length', String(document.size));
    res.setHeader('Content-Disposition', contentDisposition(document.filename));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, no-store');
    try {
      await pipeline(stream, res);
    } catch {
      // the browser went away, or the storage failed mid-way: the response is cut short (its length says so)
      res.destroy();
    }
  }
}
