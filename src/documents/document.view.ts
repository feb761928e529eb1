import { ApiProperty } from '@nestjs/swagger';
import { DOCUMENT_KINDS } from '../domain/document-rules';
import type { DocumentRow } from './documents.repository';

export class DocumentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: DOCUMENT_KINDS }) kind: string;
  @ApiProperty({ description: 'the name the founder gave the file, made safe (no path, no control characters)' }) filename: string;
  @ApiProperty({ description: 'decided from the bytes, e.g. application/pdf' }) contentType: string;
  @ApiProperty({ description: 'in bytes' }) size: number;
  @ApiProperty({ description: 'SHA-256 of the bytes, hex' }) sha256: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class DocumentList {
  @ApiProperty({ type: [DocumentView] }) items: DocumentView[];
  @ApiProperty({ type: String, nullable: true, description: 'always null: an application has at most 20 documents' }) nextCursor: null;
}

export function toDocumentView(row: DocumentRow): DocumentView {
  return {
    id: row.id,
    kind: row.kind,
    filename: row.filename,
    contentType: row.content_type,
    size: Number(row.size),
    sha256: row.sha256,
    createdAt: row.created_at.toISOString(),
  };
}
