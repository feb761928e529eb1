import { Module } from '@nestjs/common';
import { DocumentsController } from './documents.controller';
import { DocumentsService } from './documents.service';

/**
 * API side of the documents (storage, table and cleanup come from DocumentStorageModule; who may
 * see a case, CaseVisibility, from ApplicationsModule, which is global).
 */
@Module({ controllers: [DocumentsController], providers: [DocumentsService], exports: [DocumentsService] })
export class DocumentsModule {}
