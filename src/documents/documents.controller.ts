import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { UuidParamPipe } from '../common/http/is-uuid.pipe';
import { ACCEPTED_FORMAT_NAMES, ACCEPTED_FORMATS, contentDisposition, DOCUMENT_KINDS, MAX_DOCUMENTS_PER_APPLICATION } from './document-rules';
import { DocumentList, DocumentView } from './document.view';
import { DocumentsService } from './documents.service';

class ErrorBody {
  @ApiProperty() statusCode: number;
  @ApiProperty() error: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }) message: string | string[];
  @ApiPropertyOptional({ description: 'validation errors: every failing field', type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, messages: { type: 'array', items: { type: 'string' } } } } })
  errors?: { field: string; messages: string[] }[];
}

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
@Controller()
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Post('applications/:id/documents')
  @Roles('founder')
  @ApiOperation({ summary: 'Attach a document (owner, while draft or info_requested); the body streams to storage, never buffered whole' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(UPLOAD_BODY)
  @ApiCreatedResponse({ type: DocumentView })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'not multipart, no file part, or kind missing or unknown' })
  @ApiResponse({ status: 404, type: ErrorBody, description: 'no such application among mine' })
  @ApiResponse({ status: 409, type: ErrorBody, description: `the application already has ${MAX_DOCUMENTS_PER_APPLICATION} documents` })
  @ApiResponse({ status: 413, type: ErrorBody, description: 'larger than 20 MiB' })
  @ApiResponse({ status: 415, type: ErrorBody, description: `the content is not one of ${ACCEPTED_FORMAT_NAMES}` })
  @ApiResponse({ status: 422, type: ErrorBody, description: 'the application is not editable (neither draft nor info_requested)' })
  upload(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string, @Req() req: Request): Promise<DocumentView> {
    return this.documents.upload(id, user, req);
  }

  @Get('applications/:id/documents')
  @ApiOperation({ summary: "The application's documents (owner; staff once submitted)" })
  @ApiOkResponse({ type: DocumentList })
  @ApiResponse({ status: 404, type: ErrorBody, description: 'no such application visible to you' })
  list(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string): Promise<{ items: DocumentView[]; nextCursor: null }> {
    return this.documents.list(id, user);
  }

  @Get('documents/:id/content')
  @ApiOperation({ summary: 'The bytes, always as an attachment, with the stored Content-Type and nosniff' })
  @ApiProduces(...Object.values(ACCEPTED_FORMATS))
  @ApiOkResponse({ description: 'the document', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 404, type: ErrorBody, description: 'no such document visible to you' })
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
  @ApiResponse({ status: 404, type: ErrorBody, description: 'no such document among mine' })
  @ApiResponse({ status: 422, type: ErrorBody, description: 'the application is not editable' })
  async delete(@CurrentUser() user: AuthUser, @Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.documents.delete(id, user);
  }
}
