import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles, STAFF } from '../common/http/auth.decorators';
import { ApiErrors, ErrorBody } from '../common/http/api-errors';
import { UuidParamPipe } from '../common/http/is-uuid.pipe';
import { ACCEPTED_FORMAT_NAMES, ACCEPTED_FORMATS, contentDisposition, DOCUMENT_KINDS, MAX_DOCUMENTS_PER_APPLICATION } from '../domain/document-rules';
import { DocumentList, DocumentView } from './document.view';
import { DocumentsService } from './documents.service';


const UPLOAD_BODY = {
  schema: {
    type: 'object',
    required: ['file', 'kind'],
    properties: {
      file: { type: 'string', format: 'binary', description: `${ACCEPTED_FORMAT_NAMES}; at most 20 MiB; the type is decided from the content` },
      kind: { type: 'string', enum: [...DOCUMENT_KINDS] },
    },
  },
};

@ApiTags('documents')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503)
@Controller()
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Post('applications/:id/documents')
  @Roles('founder')
  @ApiOperation({ summary: 'Attach a document (owner, while draft or info_requested); the body streams to storage, never buffered whole' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(UPLOAD_BODY)
  @ApiCreatedResponse({ type: DocumentView })
  @ApiErrors(404, 409, 413, 422)
  @ApiResponse({
    status: 415,
    description: `the content is not one of ${ACCEPTED_FORMAT_NAMES} (409: already ${MAX_DOCUMENTS_PER_APPLICATION} documents; 413: larger than 20 MiB; 422: the application is neither draft nor info_requested; 400: not multipart, no file part, kind missing or unknown)`,
    content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorBody) } } },
  })
  upload(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Req() req: Request): Promise<DocumentView> {
    return this.documents.upload(id, user, req);
  }

  @Get('applications/:id/documents')
  @Roles('founder', ...STAFF, 'partner', 'expert')
  @ApiOperation({ summary: "The application's documents (owner; staff once submitted; a contact of a partner it was referred to, after the founder's consent; an expert whose review of it is open or submitted)" })
  @ApiOkResponse({ type: DocumentList })
  @ApiErrors(404)
  list(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string): Promise<{ items: DocumentView[]; nextCursor: null }> {
    return this.documents.list(id, user);
  }

  @Get('documents/:id/content')
  @Roles('founder', ...STAFF, 'partner', 'expert')
  @ApiOperation({ summary: 'The bytes, always as an attachment, with the stored Content-Type and nosniff' })
  @ApiProduces(...Object.values(ACCEPTED_FORMATS))
  @ApiOkResponse({ description: 'the document', schema: { type: 'string', format: 'binary' } })
  @ApiErrors(404)
  async content(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const { document, stream } = await this.documents.content(id, user);
    res.setHeader('Content-Type', document.contentType);
    res.setHeader('Content-Length', String(document.size));
    res.setHeader('Content-Disposition', contentDisposition(document.filename));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, no-store');
    return new StreamableFile(stream);
  }

  @Delete('documents/:id')
  @HttpCode(204)
  @Roles('founder')
  @ApiOperation({ summary: 'Delete a document (owner, while the application is editable); its bytes go too' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiErrors(404, 422)
  async delete(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.documents.delete(id, user);
  }
}
